import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MockState, MountedService } from '../mock/mock-state.js';
import { handleRequest } from '../odata/pipeline.js';
import { odataRequestOf, sendWhenDurable, send } from './lifecycle.js';

// The routes of one service: its root, with and without the trailing slash, and everything below
// it, for every method Fastify routes (so that OPTIONS or PROPFIND on a resource is the
// pipeline's 405 with Allow, not a 404). Each is the same thin adapter around the pipeline.

// HEAD is left to Fastify, which answers it from the GET route without the body (RFC 9110 §9.3.2).
const routedMethods = (app: FastifyInstance): string[] => app.supportedMethods.filter((m) => m !== 'HEAD');

export function mountService(app: FastifyInstance, state: MockState, mount: MountedService): void {
  // Not async: the pipeline answers synchronously unless a latency fault delays it, and a promise
  // per request is measurable. Returns nothing: a sync handler's return value would be sent again.
  const handler = (request: FastifyRequest, reply: FastifyReply): Promise<void> | undefined => {
    const odataRequest = odataRequestOf(request);
    const response = handleRequest(state, mount, odataRequest);
    if (!(response instanceof Promise)) {
      if (response.durable !== undefined) return sendWhenDurable(state, request, reply, odataRequest, response, response.durable);
      send(request, reply, response);
      return undefined;
    }
    return response.then((delayed) => {
      if (delayed.durable !== undefined) return sendWhenDurable(state, request, reply, odataRequest, delayed, delayed.durable);
      send(request, reply, delayed);
      return undefined;
    });
  };
  const { prefix } = mount;
  const method = routedMethods(app);
  app.route({ method, url: `${prefix}/*`, handler });
  app.route({ method, url: `${prefix}/`, handler });
  if (prefix !== '') app.route({ method, url: prefix, handler });
}
