import { odataErrors } from '../errors.js';
import type { ODataRequest, ODataResponse, PipelineHost, RequestSession, ServiceMount } from '../exchange.js';
import { headerValue } from '../request-headers.js';
import { rawResponse } from '../respond.js';
import { checkRequestVersion, negotiateVersion } from '../response-format.js';
import { DEFAULT_ASYNC_SETTINGS } from './async-settings.js';
import { finalAnswer } from './final-answer.js';
import { closeMonitor, findMonitor, monitorUrl } from './monitors.js';

// A status monitor's answers (Protocol 4.01 §11.6):
// - GET while the request is pending: `202 Accepted` again, with `Location` and `Retry-After`;
// - GET once the pending polls are used up: the request runs now, and its answer is delivered
//   (final-answer.ts says in which form). The monitor is then gone: a later GET is a 404, which
//   §11.6 allows for a result no longer kept ("410 Gone or 404 Not Found").
// - DELETE: cancels the request, which never ran (§11.6: no observable change): `204 No Content`,
//   and a later GET is a 404 ("After a successful DELETE ... returns 404 Not Found").
// - any other method: 405 with `Allow: GET, DELETE`. HEAD too: answered from a GET, it would
//   run the request and send its result nowhere.
// Each poll passes the token check and counts against the throttling limits first, as any request.

const MONITOR_METHODS = ['GET', 'DELETE'];

/** Runs a request accepted for asynchronous processing, as the pipeline would have answered it (the pipeline gives this). */
export type RunAccepted = (host: PipelineHost, mount: ServiceMount, request: ODataRequest, session: RequestSession) => ODataResponse | Promise<ODataResponse>;

export interface MonitorRequest {
  host: PipelineHost;
  mount: ServiceMount;
  /** The poll or cancellation itself. */
  request: ODataRequest;
  session: RequestSession;
  rawPath: string;
  run: RunAccepted;
}

export function answerMonitor(call: MonitorRequest, id: string): ODataResponse | Promise<ODataResponse> {
  const { host, mount, request, session } = call;
  // Graph checks the token first: a monitor is read with the same credentials as the service.
  const claims = host.authorizer(mount.prefix)?.authenticate(headerValue(request.headers, 'authorization'));
  // Then the throttling limits: a poll or a cancellation counts as the GET or DELETE it is (Graph:
  // "all requests accrue against your usage limits"); a refused poll leaves the monitor as it was.
  const overLimit = host.throttle(request, mount.prefix, call.rawPath.slice(mount.prefix.length), claims);
  if (overLimit !== undefined) throw overLimit;
  checkRequestVersion(headerValue(request.headers, 'odata-version'));
  const version = negotiateVersion(headerValue(request.headers, 'odata-maxversion'));
  const monitor = findMonitor(session, mount.prefix, id);
  if (monitor === undefined) throw odataErrors.asyncMonitorNotFound(id);
  if (request.method === 'DELETE') {
    closeMonitor(session, monitor);
    return rawResponse(request, 204, undefined, undefined, undefined, version);
  }
  if (request.method !== 'GET') throw odataErrors.methodNotAllowed(request.method, call.rawPath, MONITOR_METHODS);
  if (monitor.pendingPolls > 0) {
    monitor.pendingPolls--;
    const retryAfter = (host.asyncRequests ?? DEFAULT_ASYNC_SETTINGS).retryAfterSeconds;
    return rawResponse(request, 202, undefined, undefined, { Location: monitorUrl(request.origin, monitor), 'Retry-After': String(retryAfter) }, version);
  }
  closeMonitor(session, monitor);
  const result = call.run(host, mount, monitor.request, session);
  return result instanceof Promise ? result.then((done) => finalAnswer(request, done, version)) : finalAnswer(request, result, version);
}
