import { METHODS } from 'node:http';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { createMockState, type MockOptions } from '../mock/create-mock.js';
import type { MockState } from '../mock/mock-state.js';
import { odataErrors } from '../odata/errors.js';
import { ensureTlsMaterial, type TlsMaterial } from '../toolkit/tls.js';
import { mountAdminRoutes } from './admin-routes.js';
import { installBodyParsers } from './body-parsers.js';
import { answerConnect, answerFailure, installLifecycle, writeClientError } from './lifecycle.js';
import { mountService } from './odata-routes.js';
import { requestIdGenerator } from './request-id.js';

// A Fastify server around one MockState: each service's routes, the admin API, and the HTTP
// details (TLS, body limit, header size, request ids, logging).

export interface CreateServerOptions extends MockOptions {
  /** Largest accepted request body in bytes. Default 4 MiB, Graph's limit for a request. */
  bodyLimit?: number;
  logger?: FastifyServerOptions['logger'];
  /** Log every request at info level (off: a mock's request log is its journal). */
  logRequests?: boolean;
  /** Serve HTTPS with a local certificate (made at first start in `dir`, default ~/.edmock/tls). */
  tls?: boolean | { dir?: string };
}

export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

declare module 'fastify' {
  interface FastifyInstance {
    /** The mock this server serves, and its TLS material when it serves HTTPS. */
    edmock: MockState & { tls?: TlsMaterial };
  }
}

/** A Fastify instance serving each service under its prefix, each with its own in-memory store. */
export async function createServer(options: CreateServerOptions = {}): Promise<FastifyInstance> {
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
    // A missing Host is answered by lifecycle.ts in the OData shape, not by Node with an empty 400.
    http: { maxHeaderSize: 256 * 1024, requireHostHeader: false },
    // The router's own failures (a URL it cannot decode) get the OData error shape too.
    frameworkErrors: (error, request, reply) => answerFailure(request.server.edmock, request, reply, odataErrors.invalidUrl(error.message)),
    // What Node's HTTP parser rejects (an unknown method, a broken request line) never reaches a
    // route; it still gets the OData error shape and the standard headers.
    clientErrorHandler: writeClientError,
  });
  app.server.on('connect', answerConnect);
  // Every method Node's parser reads reaches the routes (bodyless: its body is not read), so that
  // PROPFIND or MKCOL on a resource is the pipeline's 405 naming what it allows, not a 404.
  for (const method of METHODS) if (method !== 'CONNECT' && !app.supportedMethods.includes(method)) app.addHttpMethod(method);
  // Declared up front so that every request object has the same shape.
  app.decorateRequest('bodyText', undefined);
  installBodyParsers(app);
  const state = await createMockState(options, app.log);
  installLifecycle(app, state, bodyLimit);
  if (state.dataLog !== undefined) {
    const { dataLog } = state;
    // The last snapshot on the way out (SIGTERM and SIGINT close the CLI's server): the next
    // start reads one file instead of replaying logs.
    app.addHook('onClose', (_instance, done) => {
      try {
        dataLog.close();
      } catch (error) {
        app.log.error({ err: error }, `--data ${dataLog.file}: the last snapshot failed; the logs beside it hold every write`);
      }
      done();
    });
  }
  // Change notifications: no delivery timer, store listener or outbound request outlives the server
  // (they may have started after the server did, with a `--watch` reload).
  app.addHook('onClose', (_instance, done) => {
    state.subscriptions?.close();
    done();
  });
  const mock: MockState & { tls?: TlsMaterial } = state;
  if (tls) mock.tls = tls;
  app.decorate('edmock', mock);
  for (const mount of state.services) mountService(app, state, mount);
  mountAdminRoutes(app, state);
  return app;
}
