import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { odataErrors } from '../odata/errors.js';
import type { ODataService, ServiceOptions } from '../odata/service.js';
import { packageRoot } from '../package-root.js';
import { MemoryStore } from '../store/memory-store.js';
import { createSingletons, loadFixtures, readFixtureFile, type LoadedFixture } from './fixtures.js';
import { installJsonBodyParser } from './json-body.js';
import { installLifecycle, sendError, writeClientError } from './lifecycle.js';
import { loadGeneratedService, loadServiceFromEdmx } from './load-service.js';
import { requestIdGenerator } from './request-id.js';
import { mountService } from './service-routes.js';

/** Where a service's metadata comes from, and the URL prefix it is served at (`` for the root). */
export type ServiceSource =
  | { prefix: string; bundled: string }
  | { prefix: string; metadataFile: string; fixturesFile?: string };

export interface CreateServerOptions extends ServiceOptions {
  /** Default: the bundled services of metadata/ (beta and v1.0) at /beta and /v1.0. */
  services?: ServiceSource[];
  /** Largest accepted request body in bytes. Default 4 MiB, Graph's limit for a request. */
  bodyLimit?: number;
  /** Server-driven page size of collections. Default 100. */
  pageSize?: number;
  /** Load the startup dataset (fixtures/<service>.json for bundled services). Default true. */
  fixtures?: boolean;
  logger?: FastifyServerOptions['logger'];
}

export interface MountedService {
  prefix: string;
  /** Replaced in place by `serve --watch` when the metadata changes. */
  service: ODataService;
  store: MemoryStore;
  fixtures: LoadedFixture[];
  source: ServiceSource;
}

export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;
export const DEFAULT_PAGE_SIZE = 100;

export const bundledServices = (): ServiceSource[] => [
  { prefix: '/beta', bundled: 'beta' },
  { prefix: '/v1.0', bundled: 'v1.0' },
];

declare module 'fastify' {
  interface FastifyInstance {
    edmock: { services: MountedService[] };
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
  const app = Fastify({
    logger: options.logger ?? false,
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
    const store = new MemoryStore();
    createSingletons(service, store);
    let fixtures: LoadedFixture[] = [];
    if (options.fixtures !== false) {
      const file = 'bundled' in source ? path.join(root, 'fixtures', `${source.bundled}.json`) : source.fixturesFile;
      const content = file ? await readFixtureFile(file) : undefined;
      if (file && content) fixtures = loadFixtures(service, store, content, file);
    }
    const slot: MountedService = { prefix, service, store, fixtures, source };
    mountService(app, slot, prefix, { pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE });
    mounted.push(slot);
  }
  app.decorate('edmock', { services: mounted });
  return app;
}
