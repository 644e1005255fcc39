import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkHandlers } from '../odata/handlers/bind-user-handlers.js';
import type { Handlers } from '../odata/handlers/user-handlers.js';

// `serve --handlers FILE`: a module whose default export is the handlers (docs/handlers.md), in
// JavaScript or in TypeScript. Node 20 cannot import TypeScript by itself, so a .ts file is read
// through tsx's loader, registered once and only when one is asked for: its import of `edmock`
// then resolves to this very instance (tsx's scoped tsImport would load a second copy of the
// whole package), and modules the handlers import in TypeScript load too.

const TYPESCRIPT = /\.[cm]?tsx?$/i;

let typescriptLoader: Promise<unknown> | undefined;

function registerTypeScript(): Promise<unknown> {
  typescriptLoader ??= import('tsx/esm/api').then(({ register }) => register());
  return typescriptLoader;
}

/**
 * The handlers a module exports by default, checked. `generation` > 0 imports the file anew
 * (serve --watch); the modules it imports itself stay as first loaded.
 */
export async function loadHandlersFile(file: string, generation = 0): Promise<Handlers> {
  const resolved = path.resolve(file);
  if (TYPESCRIPT.test(resolved)) await registerTypeScript();
  const url = pathToFileURL(resolved);
  if (generation > 0) url.search = `?generation=${generation}`;
  let loaded: { default?: unknown };
  try {
    loaded = (await import(url.href)) as { default?: unknown };
  } catch (error) {
    throw new Error(`--handlers ${file}: cannot be loaded: ${(error as Error).message}`, { cause: error });
  }
  if (loaded.default === undefined) throw new Error(`--handlers ${file}: the module has no default export (export default defineHandlers({ ... }))`);
  checkHandlers(loaded.default, `--handlers ${file}`);
  return loaded.default;
}
