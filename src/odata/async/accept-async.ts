import type { Operation } from '../../contract/routes.js';
import type { ODataRequest, ODataResponse, PipelineHost, RequestSession, ServiceMount } from '../exchange.js';
import { headerValue } from '../request-headers.js';
import { rawResponse } from '../respond.js';
import { negotiateVersion } from '../response-format.js';
import { DEFAULT_ASYNC_SETTINGS, honoursRespondAsync } from './async-settings.js';
import { monitorUrl, openMonitor } from './monitors.js';

// The first answer to a request the service processes asynchronously (Protocol 4.01 §11.6,
// §9.1.3): `202 Accepted`, `Location` naming its status monitor, `Retry-After` (§8.3.7), and
// `Preference-Applied: respond-async`, which §8.2.8.8 requires once the preference is applied.
//
// Nothing of the request runs now: it runs when its monitor completes (answer-monitor.ts). So
// while the monitor answers 202 no effect of it is visible, a DELETE of the monitor cancels it
// with "no observable change" as §11.6 demands, and whatever it answers, an error included, is
// the monitor's final answer: the "response to the initial Data Service Request" (4.0 §11.6).
// What decides whether the request is accepted at all (its URL, route, token, scopes, Accept)
// was checked before, synchronously, by the pipeline.

/** The 202 for a request that prefers respond-async and that the service answers so; undefined for one it answers as before. */
export function acceptAsync(
  host: PipelineHost, mount: ServiceMount, request: ODataRequest, session: RequestSession, rawPath: string, operation: Operation | undefined,
): ODataResponse | undefined {
  const settings = host.asyncRequests ?? DEFAULT_ASYNC_SETTINGS;
  if (!honoursRespondAsync(settings, request, rawPath, operation)) return undefined;
  const monitor = openMonitor(session, mount.prefix, request, settings.pendingPolls);
  const version = negotiateVersion(headerValue(request.headers, 'odata-maxversion'));
  return rawResponse(request, 202, undefined, undefined, {
    Location: monitorUrl(request.origin, monitor),
    'Retry-After': String(settings.retryAfterSeconds),
    'Preference-Applied': 'respond-async',
  }, version);
}
