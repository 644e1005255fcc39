import { performance } from 'node:perf_hooks';
import type { MemoryStore } from '../store/memory-store.js';
import type { HttpMethod } from '../contract/routes.js';
import { ODataError, odataErrors } from './errors.js';
import { acceptAsync } from './async/accept-async.js';
import { answerMonitor } from './async/answer-monitor.js';
import { monitorIdOf } from './async/monitors.js';
import { answerBatch, isBatchPath } from './batch/answer-batch.js';
import type { ODataRequest, ODataResponse, PipelineHost, PlannedFault, RequestHeaders, RequestPipeline, RequestSession, ServiceMount } from './exchange.js';
import type { OperationHandler } from './handlers/handler.js';
import { unquote } from './key-literals.js';
import { parsePathSegments } from './path/parse-segments.js';
import { resolvePath } from './path/resolve-path.js';
import type { ResolvedPath } from './path/resolved-path.js';
import { parsePreferences, type Preferences } from './prefer.js';
import { headerValue as header } from './request-headers.js';
import { parseQueryOptions, type QueryOptions } from './query/query-options.js';
import { errorResponse, jsonResponse, rawResponse } from './respond.js';
import { checkRequestVersion, negotiateFormat, rawMediaTypeOf, type ResponseFormat } from './response-format.js';
import { resolveEntityTypeName, type ODataService } from './service.js';
import { metadataResponse, serviceDocumentResponse } from './service-document.js';
import type { BodyFormat } from './request-entity.js';
import { admitSubscriptionWrite } from './subscriptions.js';

// The request pipeline (ARCHITECTURE.md, decision 7): one function from a request to a response, for every
// request a service answers, whichever way it arrived (an HTTP route, a `$batch` part, the
// in-process API). Its steps, in order, each in one place:
//   session -> fault -> fixed resources ($metadata, service document) -> token -> throttling
//   -> OData-Version -> query options -> path -> route -> permissions -> format -> operation -> persistence
//   -> journal.
// `$batch` (batch/answer-batch.ts) runs each of its parts through this same function.
// It returns a response synchronously, or a promise when something makes it wait: a latency fault,
// or the validation request of a new subscription (subscriptions.ts).

const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const READ_ONLY = ['GET'];

/** Answers one request to the service mounted at `mount.prefix`. */
export function handleRequest(host: PipelineHost, mount: ServiceMount, request: ODataRequest): ODataResponse | Promise<ODataResponse> {
  const started = performance.now();
  const queryStart = request.url.indexOf('?');
  const rawPath = queryStart < 0 ? request.url : request.url.slice(0, queryStart);
  let session = host.defaultSession;
  let fault: PlannedFault | undefined;
  try {
    session = host.session(request.headers);
    fault = host.fault(request, session, rawPath);
    if (fault !== undefined) return answerFault(host, mount, request, session, fault, started);
    return finished(host, request, session, serve(host, mount, request, session, rawPath, queryStart), started);
  } catch (error) {
    return fail(host, request, session, error, started, fault);
  }
}

/** The pipeline's entry points, as a `$batch` runs its parts through them. */
const PIPELINE: RequestPipeline = { handleRequest, answerError };

/**
 * Answers a request that failed before the pipeline could run (the transport could not read its
 * body, its URL, its content type): the same error shape, headers and journal entry.
 */
export function answerError(host: PipelineHost, request: ODataRequest, error: unknown): ODataResponse {
  let session = host.defaultSession;
  try {
    session = host.session(request.headers);
  } catch {
    // the session header itself may be what is wrong: journaled in the default session
  }
  return fail(host, request, session, error, performance.now());
}

/** An error response; anything but an ODataError is edmock failing, logged and answered 500. */
function fail(host: PipelineHost, request: ODataRequest, session: RequestSession, error: unknown, started: number, fault?: PlannedFault): ODataResponse {
  const odataError = catalogErrorOf(host, request, error);
  return finish(host, request, session, errorResponse(request, odataError), started, fault, odataError);
}

function catalogErrorOf(host: PipelineHost, request: ODataRequest, error: unknown): ODataError {
  if (!(error instanceof ODataError)) {
    host.failed(error, request);
    return odataErrors.internal();
  }
  if (error.status === 501) host.unimplemented(error, request);
  // A user's handler that failed: the stack of what it threw is for the server's log.
  else if (error.status === 500 && error.cause !== undefined) host.failed(error.cause, request);
  return error;
}

/**
 * A request accepted for asynchronous processing (async/), run when its status monitor completes:
 * served as it would have been, its error as its answer. The poll that delivers it is journaled.
 */
function runAccepted(host: PipelineHost, mount: ServiceMount, request: ODataRequest, session: RequestSession): ODataResponse | Promise<ODataResponse> {
  const queryStart = request.url.indexOf('?');
  const rawPath = queryStart < 0 ? request.url : request.url.slice(0, queryStart);
  const failed = (error: unknown): ODataResponse => errorResponse(request, catalogErrorOf(host, request, error));
  try {
    const answer = serve(host, mount, request, session, rawPath, queryStart, true);
    // A request that answers later can still fail (a subscription whose endpoint refused the
    // validation request): that error is its answer too, not the poll's.
    return answer instanceof Promise ? answer.catch(failed) : answer;
  } catch (error) {
    return failed(error);
  }
}

/** A fault answers instead of the service: with its error, by dropping the connection, or after a delay. */
function answerFault(
  host: PipelineHost, mount: ServiceMount, request: ODataRequest, session: RequestSession, fault: PlannedFault, started: number,
): ODataResponse | Promise<ODataResponse> {
  if (fault.drop) return finish(host, request, session, { status: 0, headers: {}, body: undefined, drop: true }, started, fault);
  if (fault.error) return fail(host, request, session, fault.error, started, fault);
  const answer = (): ODataResponse | Promise<ODataResponse> => {
    const queryStart = request.url.indexOf('?');
    const rawPath = queryStart < 0 ? request.url : request.url.slice(0, queryStart);
    try {
      return finished(host, request, session, serve(host, mount, request, session, rawPath, queryStart), started, fault);
    } catch (error) {
      return fail(host, request, session, error, started, fault);
    }
  };
  // A `$batch` part's delay is the batch's to wait (batch/run-batch.ts): the part answers at once.
  if (!fault.delayMs) return answer();
  return new Promise<void>((resolve) => setTimeout(resolve, fault.delayMs)).then(answer);
}

/** finish(), once a response that may still be on its way (a delayed `$batch`) is there. */
function finished(
  host: PipelineHost, request: ODataRequest, session: RequestSession, response: ODataResponse | Promise<ODataResponse>, started: number, fault?: PlannedFault,
): ODataResponse | Promise<ODataResponse> {
  if (!(response instanceof Promise)) return finish(host, request, session, response, started, fault);
  // A promise may reject with the answer's error (a subscription whose endpoint failed the validation request).
  return response.then((done) => finish(host, request, session, done, started, fault), (error: unknown) => fail(host, request, session, error, started, fault));
}

/** The journal entry of every exchange, written as it leaves. */
function finish(
  host: PipelineHost, request: ODataRequest, session: RequestSession, response: ODataResponse, started: number,
  fault?: PlannedFault, error?: ODataError,
): ODataResponse {
  host.record(session, {
    time: Date.now(), method: request.method, url: request.url, headers: request.headers, bodyText: request.bodyText, status: response.status,
    error: error ? { code: error.code, message: error.message, details: error.details } : undefined,
    fault: fault ? fault.source : undefined, durationMs: performance.now() - started, requestId: request.requestId, batch: request.batch,
  });
  return response;
}

/** The service's answer, with no fault in the way. */
function serve(
  host: PipelineHost, mount: ServiceMount, request: ODataRequest, session: RequestSession, rawPath: string, queryStart: number, accepted = false,
): ODataResponse | Promise<ODataResponse> {
  const { service, prefix } = mount;
  const rawQuery = queryStart < 0 ? '' : request.url.slice(queryStart + 1);
  const path = rawPath.slice(prefix.length);
  const fixed = fixedResource(request, service, path, rawPath, rawQuery, `${request.origin}${prefix}`);
  if (fixed !== undefined) return fixed;
  // Asynchronous requests (Protocol §11.6, async/): a status monitor answers for itself; a request
  // that prefers respond-async may be answered 202 and run when its monitor completes (`accepted`).
  const monitorId = monitorIdOf(path);
  if (monitorId !== undefined) return answerMonitor({ host, mount, request, session, rawPath, run: runAccepted }, monitorId);
  const prefer = parsePreferences(request.headers.prefer);
  const respondAsync = prefer.respondAsync === true && !accepted;
  if (isBatchPath(path)) {
    return (respondAsync ? acceptAsync(host, mount, request, session, rawPath, undefined) : undefined)
      ?? durableAnswer(host, session, answerBatch(host, mount, request, session, PIPELINE, rawPath));
  }
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  // Graph checks the token before anything else, and the permissions once the operation is known.
  const authorizer = host.authorizer(prefix);
  const claims = authorizer?.authenticate(header(request.headers, 'authorization'));
  // Throttling limits count what passed the token check, before anything else is read; a `$batch`
  // was answered above, so each of its parts counts here on its own and the envelope not at all.
  // An accepted asynchronous request was counted when it was accepted, not again when its monitor runs it.
  const overLimit = accepted ? undefined : host.throttle(request, prefix, path, claims);
  if (overLimit !== undefined) throw overLimit;
  checkRequestVersion(header(request.headers, 'odata-version'));
  const query = parseQueryOptions(rawQuery);
  const store = session.storeOf(prefix);
  const resolved = resolvePath(service, store, path, query);
  const methods = service.routes.get(resolved.kind)?.get(resolved.source);
  if (!methods) throw odataErrors.segmentNotFound(path.split('/').filter(Boolean).pop() ?? path);
  const route = methods.get(method as HttpMethod);
  if (!route) throw odataErrors.methodNotAllowed(request.method, rawPath, [...methods.keys()]);
  let segments: string[] = [];
  if (authorizer !== undefined) {
    segments = operationSegments(service, path);
    authorizer.authorize(claims, method, segments);
  }
  const format = negotiateFormat(header(request.headers, 'accept'), query.format, header(request.headers, 'odata-maxversion'), rawMediaTypeOf(resolved));
  const later = respondAsync ? acceptAsync(host, mount, request, session, rawPath, route.operation) : undefined;
  if (later !== undefined) return later;
  const call: OperationCall = {
    host, mount, request, session, store, resolved, path, query, rawQuery, format, prefer,
    handler: route.handler as OperationHandler, authorizeNested: authorizer === undefined ? undefined : (below) => authorizer.authorize(claims, 'POST', [...segments, ...below]),
  };
  // Change notifications (docs/notifications.md): a write to Graph's subscriptions set is admitted
  // by the server first; a create waits for the endpoint to answer the validation request.
  const admitted = host.subscriptions === undefined ? undefined : admitSubscriptionWrite(host.subscriptions, mount, session, store, resolved, method, request.body);
  if (admitted instanceof Promise) return admitted.then((body) => operate(call, body));
  return operate(call, admitted === undefined ? request.body : admitted);
}

/** What the operation step needs of a request the pipeline has resolved, routed and checked. */
interface OperationCall {
  host: PipelineHost;
  mount: ServiceMount;
  request: ODataRequest;
  session: RequestSession;
  store: MemoryStore;
  resolved: ResolvedPath;
  path: string;
  query: QueryOptions;
  rawQuery: string;
  format: ResponseFormat;
  prefer: Preferences;
  /**
   * Routes are made with edmock's operation handlers (mock/load-service.ts); the service types
   * them only as functions (service.ts says why).
   */
  handler: OperationHandler;
  /** With auth on: a nested entity is a create in its own collection, checked as a POST there would be. */
  authorizeNested: ((below: string[]) => void) | undefined;
}

/** The operation step: the route's handler with `body`, its result written, the persistence barrier of a write attached. */
function operate(call: OperationCall, body: unknown): ODataResponse {
  const { host, mount, request, session, format } = call;
  const result = call.handler({
    service: mount.service, store: call.store, resolved: call.resolved, body, bodyFormat: bodyFormatOf(request.headers), baseUrl: `${request.origin}${mount.prefix}`,
    prefix: mount.prefix, path: call.path, query: call.query, rawQuery: call.rawQuery, format, prefer: call.prefer,
    preconditions: { ifMatch: header(request.headers, 'if-match'), ifNoneMatch: header(request.headers, 'if-none-match') },
    pageSize: host.pageSize, deltaRetentionMs: host.deltaRetentionMs,
    sessionId: session.id, userHandlers: mount.userHandlers,
    ...(call.authorizeNested === undefined ? {} : { authorizeNested: call.authorizeNested }),
  });
  // The first delta query of a collection starts its tracking: a change to keep like a write's.
  const durable = WRITES.has(request.method) || result.changedStore === true ? host.written(session) : undefined;
  const response = result.contentType !== undefined
    ? rawResponse(request, result.status, result.body as string | Buffer, result.contentType, result.headers, format.version)
    : jsonResponse(request, result.status, result.body, result.headers, format.contentType, format.version);
  if (durable !== undefined) response.durable = durable;
  return response;
}

/** A batch's answer waits for the writes of all its parts (the last one's barrier covers the ones before). */
function durableAnswer(host: PipelineHost, session: RequestSession, response: ODataResponse | Promise<ODataResponse>): ODataResponse | Promise<ODataResponse> {
  const attach = (answer: ODataResponse): ODataResponse => {
    const durable = host.written(session);
    if (durable !== undefined) answer.durable = durable;
    return answer;
  };
  return response instanceof Promise ? response.then(attach) : attach(response);
}

/** The service document at the root and `$metadata` (also percent-encoded): read-only, no token needed. */
function fixedResource(request: ODataRequest, service: ODataService, path: string, rawPath: string, rawQuery: string, baseUrl: string): ODataResponse | undefined {
  const isRoot = path === '' || path === '/';
  const isMetadata = !isRoot && path.length <= 12 && /^\/(\$|%24)metadata$/i.test(path);
  if (!isRoot && !isMetadata) return undefined;
  if (request.method !== 'GET' && request.method !== 'HEAD') throw odataErrors.methodNotAllowed(request.method, rawPath, READ_ONLY);
  return isRoot ? serviceDocumentResponse(request, service, baseUrl) : metadataResponse(request, service, rawQuery);
}

/**
 * A request path as the permission tables write paths: each name and each key a segment of its
 * own (`mobileApps('a')` is `mobileApps/a`), type casts left out but not the key one may carry
 * (`mobileApps/<type>('a')` is `mobileApps/a` too), so no spelling of the URL escapes the check
 * its operation has.
 */
function operationSegments(service: ODataService, path: string): string[] {
  const segments: string[] = [];
  for (const segment of parsePathSegments(path)) {
    const isCast = segment.name.includes('.') && resolveEntityTypeName(service, segment.name) !== undefined;
    if (!isCast) segments.push(segment.name);
    // A function's arguments (`getReport(period='D7')`) are not a key: permission tables name the function alone.
    const isCall = service.boundOperationNames.has(segment.name) || Object.hasOwn(service.model.container.functionImports, segment.name);
    if (segment.key !== undefined && !isCall) segments.push(unquote(segment.key) ?? segment.key);
  }
  return segments;
}

const NO_BODY_FORMAT = Object.freeze({});
const IEEE754_BODY = Object.freeze({ ieee754: true });

/** OData JSON §3.2: `IEEE754Compatible=true` in the Content-Type says Int64 and Decimal are strings. */
function bodyFormatOf(headers: RequestHeaders): BodyFormat {
  const type = headers['content-type'];
  return typeof type === 'string' && /;\s*ieee754compatible\s*=\s*"?true/i.test(type) ? IEEE754_BODY : NO_BODY_FORMAT;
}
