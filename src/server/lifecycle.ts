import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorPayload, ODataError, odataErrors } from '../odata/errors.js';
import { JsonText } from '../odata/payload.js';

// One request lifecycle for every service (DESIGN.md §5): the headers every response carries,
// and the translation of every failure, Fastify's own included, into an OData JSON error.

export const ODATA_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

function clientRequestId(request: FastifyRequest): string | undefined {
  const value = request.headers['client-request-id'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Headers on every response (OData-Version, request-id, client-request-id echoed). Every way a
 * response leaves edmock goes through here: sendJson, sendRaw and sendError. That is cheaper
 * than an onRequest hook on every request, and covers failures raised before any hook runs.
 */
export function setStandardHeaders(request: FastifyRequest, reply: FastifyReply, odataVersion = '4.0'): FastifyReply {
  reply.header('OData-Version', odataVersion);
  reply.header('request-id', request.id);
  const clientId = clientRequestId(request);
  if (clientId !== undefined) reply.header('client-request-id', clientId);
  return reply;
}

function setHeaders(reply: FastifyReply, headers: Record<string, string> | undefined): void {
  if (headers === undefined) return;
  for (const name in headers) reply.header(name, headers[name]);
}

/** Every response is journaled as it leaves (toolkit/journal.ts). */
function journal(request: FastifyRequest, reply: FastifyReply, status: number, error?: ODataError): void {
  request.server.edmock?.toolkit.record(request, status, error, reply.elapsedTime);
}

/** An OData JSON response (or an empty one when body is undefined). */
export function sendJson(
  request: FastifyRequest, reply: FastifyReply, status: number, body: unknown,
  headers?: Record<string, string>, contentType = ODATA_JSON, odataVersion = '4.0', error?: ODataError,
): FastifyReply {
  setStandardHeaders(request, reply, odataVersion).code(status);
  setHeaders(reply, headers);
  journal(request, reply, status, error);
  if (body === undefined) return reply.send();
  return reply.header('content-type', contentType).send(body instanceof JsonText ? body.text : JSON.stringify(body));
}

/** A response that is not OData JSON ($metadata, $count, $value), sent as it is. */
export function sendRaw(
  request: FastifyRequest, reply: FastifyReply, status: number, body: string | Buffer | undefined,
  contentType: string | undefined, headers?: Record<string, string>, odataVersion = '4.0',
): FastifyReply {
  setStandardHeaders(request, reply, odataVersion).code(status);
  setHeaders(reply, headers);
  journal(request, reply, status);
  if (contentType !== undefined) reply.header('content-type', contentType);
  return body === undefined ? reply.send() : reply.send(body);
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: ODataError): FastifyReply {
  const identity = { requestId: request.id, clientRequestId: clientRequestId(request), date: new Date().toISOString().slice(0, 19) };
  return sendJson(request, reply, error.status, errorPayload(error, identity), error.headers, ODATA_JSON, '4.0', error);
}

/** Fastify's own errors (body parsing, limits, media types) -> the catalog's OData errors. */
function translate(error: FastifyError, bodyLimit: number): ODataError {
  if (error instanceof ODataError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return odataErrors.bodyTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return odataErrors.unsupportedMediaType(undefined);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return odataErrors.emptyBody();
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': return odataErrors.badRequest('The Content-Length header does not match the body.');
    default: break;
  }
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return odataErrors.malformedJson(error.message);
  if (error.statusCode === 413) return odataErrors.bodyTooLarge(bodyLimit);
  if (error.statusCode === 415) return odataErrors.unsupportedMediaType(undefined);
  return odataErrors.internal();
}

export function writeClientError(error: Error & { code?: string }, socket: import('node:net').Socket): void {
  if (!socket.writable) return;
  const requestId = randomUUID();
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const odataError = new ODataError(status, 'BadRequest', status === 431 ? 'The request headers are too large.' : `The request could not be read as HTTP: ${error.code ?? error.message}.`);
  const body = JSON.stringify(errorPayload(odataError, { requestId, clientRequestId: undefined, date: new Date().toISOString().slice(0, 19) }));
  socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: ${ODATA_JSON}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nOData-Version: 4.0\r\nrequest-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`);
}

export function installLifecycle(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const odataError = translate(error, bodyLimit);
    // A 5xx a fault asked for is the test working, not the mock failing.
    if (odataError.status >= 500 && request.faultSource === undefined) request.log.error({ err: error }, 'request failed');
    if (odataError.code === 'UnsupportedMediaType' && !(error instanceof ODataError)) {
      return sendError(request, reply, odataErrors.unsupportedMediaType(request.headers['content-type']));
    }
    return sendError(request, reply, odataError);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = (request.raw.url ?? '/').split('?')[0] ?? '/';
    return sendError(request, reply, odataErrors.segmentNotFound(path.split('/').filter(Boolean)[0] ?? '/'));
  });
}
