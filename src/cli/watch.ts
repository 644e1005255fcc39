import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { generate } from '../codegen/generate.js';
import { formatImport, importDocs } from '../docs/run-import.js';
import { diffModels } from '../edm/diff/diff-models.js';
import { summaryLine } from '../edm/diff/render.js';
import { EdmError } from '../edm/edm-error.js';
import { entityTypeInfo, type ODataService, type ServiceOptions } from '../odata/service.js';
import { defaultValue } from '../odata/request-entity.js';
import type { MemoryStore } from '../store/memory-store.js';
import type { MountedService } from '../mock/mock-state.js';
import { loadHandlersFile } from '../mock/load-handlers.js';
import { loadServiceFromEdmx } from '../mock/load-service.js';

// `edmock serve --watch`: when metadata/ (or the docs directory) changes, re-import the pages,
// regenerate, and put the new service in each mount's slot. Requests already running finish
// with the service they started with; stored entities whose type still exists are kept, brought
// to the new shape (new properties at their defaults, removed ones dropped). A broken edit is
// logged with its location and the old service keeps answering. The handlers file (--handlers)
// is imported anew when it changes, and put in force if its shape is right.

export interface WatchOptions extends ServiceOptions {
  metadataDir: string;
  docsDir?: string;
  /** Where `npm run generate` writes; regenerated on every change when given. */
  generatedDir?: string;
  /** `--handlers`: reloaded when it changes. */
  handlersFile?: string;
  /** A failed reload is a warning: the server keeps answering with what it had. */
  log: (line: string, severity: 'info' | 'warn') => void;
  debounceMs?: number;
}

export interface Watcher {
  reload(): Promise<void>;
  close(): void;
}

function metadataFileOf(mounted: MountedService, metadataDir: string): string | undefined {
  if ('bundled' in mounted.source) return path.join(metadataDir, `${mounted.source.bundled}.xml`);
  return path.resolve(mounted.source.metadataFile).startsWith(path.resolve(metadataDir)) ? mounted.source.metadataFile : undefined;
}

/** `+ <what>` for each name only in `after`, then `- <what>` for each only in `before`. */
const addedAndRemoved = (before: Iterable<string>, after: Iterable<string>, what: (name: string) => string): string[] => {
  const was = new Set(before);
  const now = new Set(after);
  return [...[...now].filter((x) => !was.has(x)).map((x) => `+ ${what(x)}`), ...[...was].filter((x) => !now.has(x)).map((x) => `- ${what(x)}`)];
};

const routesOf = (service: ODataService): string[] =>
  [...service.routes.values()].flatMap((bySource) => [...bySource.values()]).flatMap((byMethod) => [...byMethod.values()].map((r) => `${r.method} ${r.pattern}`));

/** What changed for a user: types, properties and routes added or removed. */
export function describeChanges(before: ODataService, after: ODataService): string[] {
  const lines = addedAndRemoved(before.entityTypes.keys(), after.entityTypes.keys(), (t) => `type ${t}`);
  for (const t of after.entityTypes.keys()) {
    if (!before.entityTypes.has(t)) continue;
    lines.push(...addedAndRemoved(entityTypeInfo(before, t).properties.keys(), entityTypeInfo(after, t).properties.keys(), (p) => `property ${t}/${p}`));
  }
  lines.push(...addedAndRemoved(routesOf(before), routesOf(after), (r) => `route ${r}`));
  return lines;
}

function sameProperties(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const names = Object.keys(a);
  const others = Object.keys(b);
  return names.length === others.length && names.every((name, i) => name === others[i] && a[name] === b[name]);
}

/** Keeps the entities whose type still exists, in the new shape; returns how many were dropped. */
export function migrateStore(store: MemoryStore, service: ODataService): number {
  let dropped = 0;
  for (const [entityPath, entity] of store.entries()) {
    if (!store.get(entityPath)) continue; // removed with a parent already
    const info = service.entityTypes.get(entity.type);
    if (!info) {
      store.delete(entityPath);
      dropped++;
      continue;
    }
    const properties: Record<string, unknown> = {};
    for (const property of info.type.properties) {
      properties[property.name] = Object.hasOwn(entity.properties, property.name) ? entity.properties[property.name] : defaultValue(service, property);
    }
    if (info.type.open) for (const [name, value] of Object.entries(entity.properties)) if (!Object.hasOwn(properties, name)) properties[name] = value;
    // An entity whose type did not change keeps its version, so its ETag still matches.
    if (!sameProperties(entity.properties, properties)) store.update(entity, properties);
  }
  return dropped;
}

/** The docs import and codegen steps, when asked for; false when they failed (and said so). */
async function importAndGenerate(options: WatchOptions): Promise<boolean> {
  try {
    if (options.docsDir) options.log(formatImport(await importDocs([options.docsDir], options.metadataDir)), 'info');
    if (options.generatedDir) await generate({ metadataDir: options.metadataDir, outDir: options.generatedDir });
    return true;
  } catch (error) {
    options.log(`reload failed, still serving the previous metadata: ${(error as Error).message}`, 'warn');
    return false;
  }
}

/** Loads the mount's metadata again and swaps the service in; a broken file leaves the old one. */
async function reloadMount(app: FastifyInstance, mounted: MountedService, file: string, options: WatchOptions): Promise<void> {
  const where = mounted.prefix || '/';
  let next: ODataService;
  try {
    next = await loadServiceFromEdmx(file, options);
  } catch (error) {
    options.log(`${error instanceof EdmError ? 'invalid metadata' : 'reload failed'}, ${where} keeps its previous routes: ${(error as Error).message}`, 'warn');
    return;
  }
  const changes = describeChanges(mounted.service, next);
  const diff = diffModels(mounted.service.model, next.model);
  mounted.lastReload = { at: new Date().toISOString(), file, diff };
  let dropped = 0;
  // Every session's store of the service, the default one included.
  for (const session of app.edmock.sessions.all()) {
    const store = session.stores.get(mounted.prefix);
    if (store) dropped += migrateStore(store, next);
  }
  mounted.service = next;
  app.edmock.serviceReloaded(mounted);
  const droppedNote = dropped === 1 ? '; 1 stored entity of a removed type dropped' : dropped ? `; ${dropped} stored entities of removed types dropped` : '';
  // One line a reload: the count of breaking changes first, what a user scans for (GET /_edmock/reloads lists them).
  options.log(`${where} reloaded from ${file}: ${summaryLine(diff)}; ${changes.length ? changes.join('; ') : 'no change to types, properties or routes'}${droppedNote}`, diff.counts.breaking > 0 ? 'warn' : 'info');
}

async function reloadAll(app: FastifyInstance, options: WatchOptions): Promise<void> {
  if (!(await importAndGenerate(options))) return;
  for (const mounted of app.edmock.services) {
    const file = metadataFileOf(mounted, options.metadataDir);
    if (file) await reloadMount(app, mounted, file, options);
  }
}

/** Imports the handlers file anew and puts it in force; a broken edit leaves the handlers that were. */
async function reloadHandlers(app: FastifyInstance, file: string, generation: number, options: WatchOptions): Promise<void> {
  try {
    app.edmock.useHandlers(await loadHandlersFile(file, generation), `--handlers ${file}`);
    options.log(`handlers reloaded from ${file}`, 'info');
  } catch (error) {
    options.log(`handlers reload failed, the previous handlers stay: ${(error as Error).message}`, 'warn');
  }
}

/** Editors often replace a file rather than write it: its directory is watched, for its name. */
function watchHandlers(app: FastifyInstance, file: string, options: WatchOptions): { watcher: FSWatcher; stop: () => void } {
  let generation = 0;
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(path.dirname(file), (_event, name) => {
    if (name !== path.basename(file)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void reloadHandlers(app, file, ++generation, options), options.debounceMs ?? 150);
  });
  return { watcher, stop: () => clearTimeout(timer) };
}

export function watchServices(app: FastifyInstance, options: WatchOptions): Watcher {
  let running: Promise<void> = Promise.resolve();
  // Reloads run one after the other, never interleaved.
  const reload = () => (running = running.then(() => reloadAll(app, options)));
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), options.debounceMs ?? 150);
  };
  const watchers: FSWatcher[] = [watch(options.metadataDir, schedule)];
  if (options.docsDir) watchers.push(watch(options.docsDir, schedule));
  const handlers = options.handlersFile === undefined ? undefined : watchHandlers(app, options.handlersFile, options);
  if (handlers) watchers.push(handlers.watcher);
  return {
    reload,
    close: () => {
      clearTimeout(timer);
      handlers?.stop();
      for (const w of watchers) w.close();
    },
  };
}
