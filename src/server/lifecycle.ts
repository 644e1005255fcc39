import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
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

/**
 * `scheme://host[:port]` the client addressed, for absolute URLs in answers. HTTP/1.0 may come
 * without a Host header: the address the client connected to stands in, so that a context URL or
 * a Location is never `http:///beta/...`.
 */
export function originOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host || localAuthority(request.raw.socket)}`;
}

function localAuthority(socket: Socket | null | undefined): string {
  const address = socket?.localAddress;
  if (!address) return 'localhost';
  // An IPv4 client of a server listening on `::` arrives as an IPv4-mapped IPv6 address.
  const plain = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
  const host = plain.includes(':') ? `[${plain}]` : plain;
  return socket?.localPort ? `${host}:${socket.localPort}` : host;
}

export function odataRequestOf(request: FastifyRequest): ODataRequest {
  return {
    method: request.method, url: request.raw.url ?? '/', headers: request.headers, body: request.body, bodyText: request.bodyText,
    origin: originOf(request), requestId: request.id,
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

/** An OData error written straight to a socket that no route will answer, and the connection closed. */
function writeRawError(socket: Socket, odataError: ODataError, clientRequestId?: string): void {
  if (!socket.writable) return;
  const requestId = randomUUID();
  const body = JSON.stringify(errorPayload(odataError, { requestId, clientRequestId, date: new Date().toISOString().slice(0, 19) }));
  const headers: Record<string, string> = { 'Content-Type': ODATA_JSON, 'Content-Length': String(Buffer.byteLength(body)), 'OData-Version': '4.0', 'request-id': requestId };
  if (clientRequestId !== undefined) headers['client-request-id'] = clientRequestId;
  Object.assign(headers, odataError.headers, { Connection: 'close' });
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(`HTTP/1.1 ${odataError.status} ${STATUS_CODES[odataError.status] ?? ''}\r\n${lines}\r\n${body}`);
}

/** What Node's HTTP parser rejects never reaches Fastify; it still gets the OData shape and headers. */
export function writeClientError(error: Error & { code?: string }, socket: Socket): void {
  writeRawError(socket, error.code === 'HPE_HEADER_OVERFLOW' ? odataErrors.headersTooLarge() : odataErrors.unreadableHttp(error.code ?? error.message));
}

/**
 * Node hands a CONNECT to the server's 'connect' listeners, never to a route, and destroys the
 * socket when there is none. A client sends one when it takes edmock for a proxy: RFC 9110
 * §9.3.6 leaves a server that opens no tunnels to refuse, and a 405 with an empty Allow says the
 * target allows no method. Anything after the head would be tunnel bytes: the connection closes.
 */
export function answerConnect(request: IncomingMessage, socket: Socket): void {
  const clientRequestId = request.headers['client-request-id'];
  writeRawError(socket, odataErrors.tunnelRefused(request.url ?? ''), typeof clientRequestId === 'string' ? clientRequestId : undefined);
}

export function installLifecycle(app: FastifyInstance, state: MockState, bodyLimit: number): void {
  // RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400. Node's own check answers it with an
  // empty body (create-server turns it off); this one answers in the OData shape, journaled.
  app.addHook('onRequest', (request, _reply, done) => {
    done(request.raw.httpVersion === '1.1' && request.headers.host === undefined ? odataErrors.missingHost() : undefined);
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    answerFailure(state, request, reply, translate(error, request, bodyLimit));
  });
  app.setNotFoundHandler((request, reply) => {
    const path = (request.raw.url ?? '/').split('?')[0] ?? '/';
    answerFailure(state, request, reply, odataErrors.segmentNotFound(path.split('/').filter(Boolean)[0] ?? '/'));
  });
}
