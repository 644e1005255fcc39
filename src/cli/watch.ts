import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { generate } from '../codegen/generate.js';
import { formatImport, importDocs } from '../docs/run-import.js';
import { EdmError } from '../edm/edm-error.js';
import { entityTypeInfo, type ODataService, type ServiceOptions } from '../odata/service.js';
import { defaultValue } from '../odata/write-body.js';
import type { MemoryStore } from '../store/memory-store.js';
import type { MountedService } from '../server/create-server.js';
import { loadServiceFromEdmx } from '../server/load-service.js';

// `edmock serve --watch`: when metadata/ (or the docs directory) changes, re-import the pages,
// regenerate, and put the new service in each mount's slot. Requests already running finish
// with the service they started with; stored entities whose type still exists are kept, brought
// to the new shape (new properties at their defaults, removed ones dropped). A broken edit is
// logged with its location and the old service keeps answering.

export interface WatchOptions extends ServiceOptions {
  metadataDir: string;
  docsDir?: string;
  /** Where `npm run generate` writes; regenerated on every change when given. */
  generatedDir?: string;
  log: (line: string) => void;
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

/** What changed for a user: types, properties and routes added or removed. */
export function describeChanges(before: ODataService, after: ODataService): string[] {
  const lines: string[] = [];
  const oldTypes = new Set(before.entityTypes.keys());
  const newTypes = new Set(after.entityTypes.keys());
  for (const t of newTypes) if (!oldTypes.has(t)) lines.push(`+ type ${t}`);
  for (const t of oldTypes) if (!newTypes.has(t)) lines.push(`- type ${t}`);
  for (const t of newTypes) {
    if (!oldTypes.has(t)) continue;
    const was = new Set(entityTypeInfo(before, t).properties.keys());
    const now = new Set(entityTypeInfo(after, t).properties.keys());
    for (const p of now) if (!was.has(p)) lines.push(`+ property ${t}/${p}`);
    for (const p of was) if (!now.has(p)) lines.push(`- property ${t}/${p}`);
  }
  const routes = (service: ODataService) => new Set([...service.routes.values()].flatMap((byMethod) => [...byMethod.values()].map((r) => `${r.method} ${r.pattern}`)));
  const oldRoutes = routes(before);
  const newRoutes = routes(after);
  for (const r of newRoutes) if (!oldRoutes.has(r)) lines.push(`+ route ${r}`);
  for (const r of oldRoutes) if (!newRoutes.has(r)) lines.push(`- route ${r}`);
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

export function watchServices(app: FastifyInstance, options: WatchOptions): Watcher {
  const { log } = options;
  let running: Promise<void> = Promise.resolve();
  const reloadOnce = async (): Promise<void> => {
    try {
      if (options.docsDir) log(formatImport(await importDocs([options.docsDir], options.metadataDir)));
      if (options.generatedDir) await generate({ metadataDir: options.metadataDir, outDir: options.generatedDir });
    } catch (error) {
      log(`reload failed, still serving the previous metadata: ${(error as Error).message}`);
      return;
    }
    for (const mounted of app.edmock.services) {
      const file = metadataFileOf(mounted, options.metadataDir);
      if (!file) continue;
      let next: ODataService;
      try {
        next = await loadServiceFromEdmx(file, options);
      } catch (error) {
        log(`${error instanceof EdmError ? 'invalid metadata' : 'reload failed'}, ${mounted.prefix || '/'} keeps its previous routes: ${(error as Error).message}`);
        continue;
      }
      const changes = describeChanges(mounted.service, next);
      let dropped = 0;
      // Every session's store of the service, the default one included.
      for (const session of app.edmock.toolkit.sessions.all()) {
        const store = session.stores.get(mounted.prefix);
        if (store) dropped += migrateStore(store, next);
      }
      mounted.service = next;
      log(`${mounted.prefix || '/'} reloaded from ${file}: ${changes.length ? changes.join('; ') : 'no change to types, properties or routes'}${dropped ? `; ${dropped} stored entities of removed types dropped` : ''}`);
    }
  };
  // Reloads run one after the other, never interleaved.
  const reload = () => (running = running.then(reloadOnce));
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), options.debounceMs ?? 150);
  };
  const watchers: FSWatcher[] = [watch(options.metadataDir, schedule)];
  if (options.docsDir) watchers.push(watch(options.docsDir, schedule));
  return {
    reload,
    close: () => {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
