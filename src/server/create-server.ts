import { existsSync } from 'node:fs';
import path from 'node:path';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { odataErrors } from '../odata/errors.js';
import type { ODataService, ServiceOptions } from '../odata/service.js';
import { packageRoot } from '../package-root.js';
import { MemoryStore } from '../store/memory-store.js';
import { checkPermissionTable, readPermissionTable, type PermissionTable } from '../toolkit/auth.js';
import { mountAdminRoutes } from './admin-routes.js';
import { DataFile, dataFileError, readDataFile } from '../toolkit/persistence.js';
import { Sessions } from '../toolkit/sessions.js';
import { ensureTlsMaterial, type TlsMaterial } from '../toolkit/tls.js';
import { ADMIN_PREFIX, Toolkit, type ToolkitOptions } from '../toolkit/toolkit.js';
import { createSingletons, loadFixtures, readFixtureFile, type FixtureFile, type LoadedFixture } from './fixtures.js';
import { installJsonBodyParser } from './json-body.js';
import { installLifecycle, sendError, writeClientError } from './lifecycle.js';
import { loadGeneratedService, loadServiceFromEdmx } from './load-service.js';
import { requestIdGenerator } from './request-id.js';
import { mountService } from './service-routes.js';

/** Where a service's metadata comes from, and the URL prefix it is served at (`` for the root). */
export type ServiceSource =
  | { prefix: string; bundled: string }
  | { prefix: string; metadataFile: string; fixturesFile?: string };

export interface CreateServerOptions extends ServiceOptions, ToolkitOptions {
  /** Default: the bundled services of metadata/ (beta and v1.0) at /beta and /v1.0. */
  services?: ServiceSource[];
  /** Largest accepted request body in bytes. Default 4 MiB, Graph's limit for a request. */
  bodyLimit?: number;
  /** Server-driven page size of collections. Default 100. */
  pageSize?: number;
  /** Load the startup dataset (fixtures/<service>.json for bundled services). Default true. */
  fixtures?: boolean;
  logger?: FastifyServerOptions['logger'];
  /** Log every request at info level (off: a mock's request log is its journal). */
  logRequests?: boolean;
  /**
   * Keep the default session's stores in this file across restarts (toolkit/persistence.ts).
   * A file that is not one edmock wrote stops the start.
   */
  dataFile?: string;
  /** Serve HTTPS with a local certificate (made at first start in `dir`, default ~/.edmock/tls). */
  tls?: boolean | { dir?: string };
}

export interface MountedService {
  prefix: string;
  /** Replaced in place by `serve --watch` when the metadata changes. */
  service: ODataService;
  /** The default session's store (every session has its own: app.edmock.toolkit.sessions). */
  store: MemoryStore;
  fixtures: LoadedFixture[];
  /** The startup dataset, to seed new sessions and resets with. */
  fixtureFile?: { file: string; content: FixtureFile };
  source: ServiceSource;
}

/** The service a full path (`/beta/deviceAppManagement/...`) is under: the longest prefix that fits. */
export function serviceAt(services: MountedService[], path: string): MountedService | undefined {
  let best: MountedService | undefined;
  for (const s of services) {
    if ((path === s.prefix || path.startsWith(`${s.prefix}/`)) && (!best || s.prefix.length > best.prefix.length)) best = s;
  }
  return best;
}

export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;
export const DEFAULT_PAGE_SIZE = 100;
export const DEFAULT_JOURNAL_SIZE = 1000;
/** Journals are kept per session in memory: a million entries is already hundreds of MB. */
export const MAX_JOURNAL_SIZE = 1_000_000;

export const bundledServices = (): ServiceSource[] => [
  { prefix: '/beta', bundled: 'beta' },
  { prefix: '/v1.0', bundled: 'v1.0' },
];

declare module 'fastify' {
  interface FastifyInstance {
    edmock: {
      services: MountedService[];
      toolkit: Toolkit;
      tls?: TlsMaterial;
      /** The --data file the default session's stores were read from at startup. */
      restoredFrom?: string;
    };
  }
}

function normalisePrefix(prefix: string): string {
  const trimmed = prefix.trim().replace(/\/+$/, '');
  if (trimmed === ADMIN_PREFIX || trimmed.startsWith(`${ADMIN_PREFIX}/`)) throw new Error(`the service prefix '${prefix}' is taken: ${ADMIN_PREFIX} is edmock's admin API`);
  if (trimmed === '') return '';
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(trimmed.startsWith('/') ? trimmed : `/${trimmed}`)) throw new Error(`invalid service prefix '${prefix}'`);
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** A Fastify instance serving each service under its prefix, each with its own in-memory store. */
export async function createServer(options: CreateServerOptions = {}): Promise<FastifyInstance> {
  const root = packageRoot();
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const tls = options.tls ? await ensureTlsMaterial(typeof options.tls === 'object' ? options.tls.dir : undefined) : undefined;
  const app = Fastify({
    ...(tls ? { https: { key: tls.key, cert: tls.cert } } : {}),
    logger: options.logger ?? false,
    ...(options.logRequests === true ? {} : { logController: new LogController({ disableRequestLogging: true }) }),
    bodyLimit,
    genReqId: requestIdGenerator(),
    routerOptions: { maxParamLength: 8192, ignoreDuplicateSlashes: false },
    // Node's default 16 KiB header limit would answer a long $filter URL with a bare 431; with
    // room for it, the query parser gives the OData 400 that names the problem.
    http: { maxHeaderSize: 256 * 1024 },
    // The router's own failures (a URL it cannot decode) get the OData error shape too.
    frameworkErrors: (error, request, reply) => sendError(request, reply, odataErrors.invalidUrl(error.message)),
    // What Node's HTTP parser rejects (an unknown method, a broken request line) never reaches a
    // route; it still gets the OData error shape and the standard headers.
    clientErrorHandler: writeClientError,
  });
  // Declared up front so that every request object has the same shape.
  app.decorateRequest('bodyText', undefined);
  app.decorateRequest('faultSource', undefined);
  installLifecycle(app, bodyLimit);
  installJsonBodyParser(app);

  const mounted: MountedService[] = [];
  const prefixes = new Set<string>();
  for (const source of options.services ?? bundledServices()) {
    const prefix = normalisePrefix(source.prefix);
    if (prefixes.has(prefix)) throw new Error(`two services share the prefix '${prefix || '/'}'`);
    prefixes.add(prefix);
    const service = 'bundled' in source
      ? await loadGeneratedService(path.join(root, 'generated'), source.bundled, options)
      : await loadServiceFromEdmx(source.metadataFile, options);
    if (prefix === '' && isServiceChild(service, ADMIN_PREFIX.slice(1))) {
      throw new Error(`the service at the root has a resource named '${ADMIN_PREFIX.slice(1)}', which edmock reserves for its admin API: mount it at a prefix`);
    }
    const file = options.fixtures === false ? undefined : 'bundled' in source ? path.join(root, 'fixtures', `${source.bundled}.json`) : source.fixturesFile;
    const content = file ? await readFixtureFile(file) : undefined;
    const slot: MountedService = { prefix, service, store: new MemoryStore(), fixtures: [], source, ...(file && content ? { fixtureFile: { file, content } } : {}) };
    slot.fixtures = seedStore(slot, slot.store);
    mounted.push(slot);
  }

  const journalSize = options.journalSize ?? DEFAULT_JOURNAL_SIZE;
  if (!Number.isInteger(journalSize) || journalSize < 0 || journalSize > MAX_JOURNAL_SIZE) throw new Error(`journalSize: ${journalSize} is not a whole number from 0 to ${MAX_JOURNAL_SIZE}`);
  const defaultStores = new Map(mounted.map((m) => [m.prefix, m.store]));
  const sessions = new Sessions({
    prefixes: mounted.map((m) => m.prefix),
    journalSize,
    newStore: () => new MemoryStore(),
    seed: (prefix, store) => { seedStore(mounted.find((m) => m.prefix === prefix) as MountedService, store); },
    ended: (id) => toolkit.faults.forgetSession(id),
  }, defaultStores);
  const toolkit = new Toolkit(sessions, options, mounted.map((m) => m.prefix), options.auth ? await permissionTables(options.auth, mounted, root) : undefined);
  let restoredFrom: string | undefined;
  if (options.dataFile !== undefined) {
    const file = options.dataFile;
    const saved = await readDataFile(file);
    for (const [prefix, snapshot] of saved ?? []) {
      const slot = mounted.find((m) => m.prefix === prefix);
      if (!slot) throw dataFileError(file, `it holds a store for '${prefix}', which is not served now`);
      const unknown = snapshot.entities.find((e) => !slot.service.entityTypes.has(e.type));
      if (unknown) throw dataFileError(file, `the entity ${unknown.path} is a '${unknown.type}', which the metadata of '${prefix || '/'}' does not declare`);
      slot.store.restore(snapshot);
    }
    toolkit.dataFile = new DataFile(file, () => defaultStores, (error) => app.log.error({ err: error }, `--data ${file}: saving failed; the stores stay in memory and the next write tries again`));
    // Written now: a path that cannot be written is a startup error, not a lost write later.
    try {
      toolkit.dataFile.save();
    } catch (error) {
      throw new Error(`--data ${file}: cannot be written (${(error as Error).message})`);
    }
    if (saved !== undefined) restoredFrom = file;
    // Saved on the way out too: app.close() (SIGTERM and SIGINT close the CLI's server).
    app.addHook('onClose', (_instance, done) => { toolkit.dataFile?.flush(); done(); });
  }
  app.decorate('edmock', { services: mounted, toolkit, ...(tls ? { tls } : {}), ...(restoredFrom ? { restoredFrom } : {}) });
  for (const slot of mounted) mountService(app, slot, slot.prefix, { pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE });
  mountAdminRoutes(app);
  return app;
}

/** The permission table of each service (ToolkitOptions.auth). */
async function permissionTables(auth: NonNullable<CreateServerOptions['auth']>, mounted: MountedService[], root: string): Promise<Map<string, PermissionTable>> {
  const given = typeof auth === 'object' ? auth.permissions : undefined;
  const tables = new Map<string, PermissionTable>();
  for (const slot of mounted) {
    if (given !== undefined) {
      const table = Array.isArray((given as PermissionTable).permissions) ? (given as PermissionTable) : (given as Record<string, PermissionTable>)[slot.prefix];
      if (table) tables.set(slot.prefix, checkPermissionTable(table, `permissions of ${slot.prefix || '/'}`));
      continue;
    }
    const { source } = slot;
    const file = 'bundled' in source
      ? path.join(root, 'metadata', `${source.bundled}.permissions.json`)
      : path.join(path.dirname(source.metadataFile), `${path.basename(source.metadataFile).replace(/\.xml$/i, '')}.permissions.json`);
    if (existsSync(file)) tables.set(slot.prefix, await readPermissionTable(file));
  }
  return tables;
}

/** Singletons and the startup fixtures of a service, into an empty store. */
function seedStore(slot: MountedService, store: MemoryStore): LoadedFixture[] {
  createSingletons(slot.service, store);
  return slot.fixtureFile ? loadFixtures(slot.service, store, slot.fixtureFile.content, slot.fixtureFile.file) : [];
}

function isServiceChild(service: ODataService, name: string): boolean {
  const { entitySets, singletons } = service.model.container;
  return Object.hasOwn(entitySets, name) || Object.hasOwn(singletons, name);
}
