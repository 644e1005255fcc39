import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorPayload, ODataError, odataErrors } from '../odata/errors.js';
import type { ODataRequest, ODataResponse } from '../odata/exchange.js';
import { answerError } from '../odata/pipeline.js';
import { errorResponse, ODATA_JSON } from '../odata/respond.js';
import { ADMIN_PREFIX } from '../mock/create-mock.js';
import type { MockState } from '../mock/mock-state.js';

// The Fastify side of a request: an ODataRequest built from Fastify's request, the pipeline's
// ODataResponse written to Fastify's reply, and every failure Fastify or Node raise before the
// pipeline runs (body limit, media type, unreadable URL or HTTP) answered in the catalog's shape.

declare module 'fastify' {
  interface FastifyRequest {
    /** The request body as sent (JSON bodies), for the journal. */
    bodyText: string | undefined;
  }
}

export function odataRequestOf(request: FastifyRequest): ODataRequest {
  return {
    method: request.method, url: request.raw.url ?? '/', headers: request.headers, body: request.body, bodyText: request.bodyText,
    origin: `${request.protocol}://${request.host}`, requestId: request.id,
  };
}

export function send(request: FastifyRequest, reply: FastifyReply, response: ODataResponse): void {
  if (response.drop) {
    dropConnection(request, reply);
    return;
  }
  reply.code(response.status);
  const { headers } = response;
  for (const name in headers) reply.header(name, headers[name]);
  if (response.body === undefined) reply.send();
  else reply.send(response.body);
}

/**
 * Sends a write's answer once the write is on disk (`--data`); if it cannot be made durable the
 * client gets a 500 instead of an acknowledgement that would not survive a crash.
 */
export async function sendWhenDurable(state: MockState, request: FastifyRequest, reply: FastifyReply, odataRequest: ODataRequest, response: ODataResponse, durable: Promise<void>): Promise<void> {
  try {
    await durable;
  } catch (error) {
    state.failed(error, odataRequest);
    send(request, reply, errorResponse(odataRequest, odataErrors.internal()));
    return;
  }
  send(request, reply, response);
}

/** What a client sees as a reset connection. */
function dropConnection(request: FastifyRequest, reply: FastifyReply): void {
  void reply.hijack();
  // Under inject (light-my-request) there is no socket: closing the response makes the inject
  // promise reject with LIGHT_ECONNRESET, what a client sees as a reset.
  if ('_lightMyRequest' in reply.raw) reply.raw.emit('close');
  else request.raw.socket.destroy();
}

/** Fastify's own errors (body parsing, limits, media types) -> the catalog's OData errors. */
function translate(error: FastifyError, request: FastifyRequest, bodyLimit: number): ODataError | FastifyError {
  if (error instanceof ODataError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return odataErrors.bodyTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return odataErrors.unsupportedMediaType(request.headers['content-type']);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return odataErrors.emptyBody();
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': return odataErrors.badRequest('The Content-Length header does not match the body.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY': return odataErrors.malformedJson(error.message);
    // RFC 10008 §2: a QUERY request must say what its body is.
    case 'FST_ERR_ROUTE_MISSING_CONTENT_TYPE': return odataErrors.missingContentType(request.method);
    case 'FST_ERR_ROUTE_MISSING_CONTENT': return odataErrors.emptyBody();
    case 'FST_ERR_MAX_PARAM_LENGTH': return odataErrors.uriTooLong();
    default: break;
  }
  if (error.statusCode === 413) return odataErrors.bodyTooLarge(bodyLimit);
  if (error.statusCode === 415) return odataErrors.unsupportedMediaType(request.headers['content-type']);
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return odataErrors.badRequest(error.message);
  return error; // not the client's doing: the pipeline logs it and answers 500
}

/** An error raised before the pipeline ran, answered and journaled as the pipeline would (admin calls are not journaled: they are the test, not the SDK). */
export function answerFailure(state: MockState, request: FastifyRequest, reply: FastifyReply, error: unknown): void {
  const odataRequest = odataRequestOf(request);
  if (!odataRequest.url.startsWith(ADMIN_PREFIX)) {
    send(request, reply, answerError(state, odataRequest, error));
    return;
  }
  if (!(error instanceof ODataError)) request.log.error({ err: error }, 'admin request failed');
  send(request, reply, errorResponse(odataRequest, error instanceof ODataError ? error : odataErrors.internal()));
}

/** What Node's HTTP parser rejects never reaches Fastify; it still gets the OData shape and headers. */
export function writeClientError(error: Error & { code?: string }, socket: import('node:net').Socket): void {
  if (!socket.writable) return;
  const requestId = randomUUID();
  const odataError = error.code === 'HPE_HEADER_OVERFLOW' ? odataErrors.headersTooLarge() : odataErrors.unreadableHttp(error.code ?? error.message);
  const body = JSON.stringify(errorPayload(odataError, { requestId, clientRequestId: undefined, date: new Date().toISOString().slice(0, 19) }));
  const reason = odataError.status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  socket.end(`HTTP/1.1 ${odataError.status} ${reason}\r\nContent-Type: ${ODATA_JSON}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nOData-Version: 4.0\r\nrequest-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`);
}

export function installLifecycle(app: FastifyInstance, state: MockState, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    answerFailure(state, request, reply, translate(error, request, bodyLimit));
  });
  app.setNotFoundHandler((request, reply) => {
    const path = (request.raw.url ?? '/').split('?')[0] ?? '/';
    answerFailure(state, request, reply, odataErrors.segmentNotFound(path.split('/').filter(Boolean)[0] ?? '/'));
  });
}
