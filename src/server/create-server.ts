import path from 'node:path';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { odataErrors } from '../odata/errors.js';
import type { ODataService, ServiceOptions } from '../odata/service.js';
import { packageRoot } from '../package-root.js';
import { MemoryStore } from '../store/memory-store.js';
import { mountAdminRoutes } from './admin-routes.js';
import { DataFile, readDataFile } from '../toolkit/persistence.js';
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

export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;
export const DEFAULT_PAGE_SIZE = 100;
export const DEFAULT_JOURNAL_SIZE = 1000;

export const bundledServices = (): ServiceSource[] => [
  { prefix: '/beta', bundled: 'beta' },
  { prefix: '/v1.0', bundled: 'v1.0' },
];

declare module 'fastify' {
  interface FastifyInstance {
    edmock: { services: MountedService[]; toolkit: Toolkit; tls?: TlsMaterial };
  }
}

function normalisePrefix(prefix: string): string {
  const trimmed = prefix.trim().replace(/\/+$/, '');
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

  const defaultStores = new Map(mounted.map((m) => [m.prefix, m.store]));
  const sessions = new Sessions({
    prefixes: mounted.map((m) => m.prefix),
    journalSize: options.journalSize ?? DEFAULT_JOURNAL_SIZE,
    newStore: () => new MemoryStore(),
    seed: (prefix, store) => { seedStore(mounted.find((m) => m.prefix === prefix) as MountedService, store); },
  }, defaultStores);
  const toolkit = new Toolkit(sessions, options, mounted.map((m) => m.prefix));
  if (options.dataFile !== undefined) {
    const saved = await readDataFile(options.dataFile);
    for (const [prefix, snapshot] of saved ?? []) defaultStores.get(prefix)?.restore(snapshot);
    toolkit.dataFile = new DataFile(options.dataFile, () => defaultStores);
    // Saved on the way out too: app.close() (SIGTERM and SIGINT close the CLI's server).
    app.addHook('onClose', (_instance, done) => { toolkit.dataFile?.flush(); done(); });
  }
  app.decorate('edmock', { services: mounted, toolkit, ...(tls ? { tls } : {}) });
  for (const slot of mounted) mountService(app, slot, slot.prefix, { pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE });
  mountAdminRoutes(app);
  return app;
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
