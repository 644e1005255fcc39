import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEdmx } from '../edm/build-model.js';
import { importPages, type ImportResult } from './import-pages.js';
import { importPermissions, type PermissionImport } from './import-permissions.js';
import { readPages } from './read-page.js';

// `edmock docs import <pages> --out metadata/`: writes <version>.xml only where the pages add
// something, so a file whose content the pages already cover keeps its exact text (comments too),
// and <version>.permissions.json where the pages document scopes.

export interface DocsImport {
  metadata: (ImportResult & { written: boolean; file: string })[];
  /** <version>.permissions.json beside the metadata, for `serve --auth`. */
  permissions: PermissionImport[];
}

export async function importDocs(inputs: string[], outDir: string): Promise<DocsImport> {
  const existing = (version: string) => {
    const file = path.join(outDir, `${version}.xml`);
    return existsSync(file) ? parseEdmx(readFileSync(file, 'utf8'), file) : undefined;
  };
  const pages = await readPages(inputs);
  const results = importPages(pages, existing);
  await mkdir(outDir, { recursive: true });
  const metadata = await Promise.all(results.map(async (result) => {
    const file = path.join(outDir, `${result.version}.xml`);
    const written = result.changes.length > 0 || !existsSync(file);
    if (written) await writeFile(file, result.edmx);
    return { ...result, written, file };
  }));
  return { metadata, permissions: await importPermissions(pages, outDir) };
}

export function formatImport(results: DocsImport): string {
  const lines: string[] = [];
  for (const result of results.metadata) {
    lines.push(`${result.file}: ${result.written ? `${result.changes.length} change(s) written` : 'unchanged'}`);
    for (const change of result.changes) lines.push(`  + ${change}`);
    for (const conflict of result.conflicts) lines.push(`  ! conflict: ${conflict}`);
  }
  for (const result of results.permissions) {
    const state = result.written ? `${result.changes.length} change(s) written` : existsSync(result.file) ? 'unchanged' : 'not written: the pages document no scopes';
    lines.push(`${result.file}: ${state}`);
    for (const change of result.changes) lines.push(`  + ${change}`);
    for (const operation of result.undocumented) lines.push(`  ? no scopes documented for ${operation}`);
  }
  return lines.join('\n');
}
