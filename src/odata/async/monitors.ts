import { randomUUID } from 'node:crypto';
import type { ODataRequest, RequestSession } from '../exchange.js';

// The status monitors (Protocol 4.01 §11.6) of asynchronous requests not yet delivered, per
// session: a monitor belongs to the session (`x-edmock-session`) that made the request, so
// another session polling its URL finds nothing. Keyed by the host's session objects, so a server
// has its own and a session that ends takes its monitors with it.

export interface StatusMonitor {
  readonly id: string;
  /** The prefix of the service the request was sent to: its monitor answers only there. */
  readonly prefix: string;
  /** The request as it arrived, run when the monitor completes. */
  readonly request: ODataRequest;
  /** Polls still to answer `202 Accepted`. */
  pendingPolls: number;
}

/**
 * Undelivered monitors one session keeps; past it the oldest is forgotten (its URL then answers
 * 404, which §11.6 allows for a client that "waits too long"). Bounds what requests never polled
 * for can hold.
 */
export const MAX_MONITORS_PER_SESSION = 1000;

const monitorsBySession = new WeakMap<RequestSession, Map<string, StatusMonitor>>();

export function openMonitor(session: RequestSession, prefix: string, request: ODataRequest, pendingPolls: number): StatusMonitor {
  let monitors = monitorsBySession.get(session);
  if (monitors === undefined) monitorsBySession.set(session, (monitors = new Map<string, StatusMonitor>()));
  if (monitors.size >= MAX_MONITORS_PER_SESSION) monitors.delete(monitors.keys().next().value as string);
  const monitor: StatusMonitor = { id: randomUUID(), prefix, request, pendingPolls };
  monitors.set(monitor.id, monitor);
  return monitor;
}

/** The session's monitor with this id at this service, if it is still open. */
export function findMonitor(session: RequestSession, prefix: string, id: string): StatusMonitor | undefined {
  const monitor = monitorsBySession.get(session)?.get(id);
  return monitor?.prefix === prefix ? monitor : undefined;
}

export function closeMonitor(session: RequestSession, monitor: StatusMonitor): void {
  monitorsBySession.get(session)?.delete(monitor.id);
}

/**
 * The id a status monitor's path (below the service prefix) names: `/$async/<id>`, `$` also
 * percent-encoded. A `$`-prefixed segment is no OData identifier (CSDL §15.2), so no entity set,
 * singleton or import can take this URL, as §11.6 requires ("MUST differ from any other resource URL").
 */
export function monitorIdOf(path: string): string | undefined {
  // Most paths do not start with `/$` or `/%`: one character decides.
  const second = path.charCodeAt(1);
  if (second !== 0x24 && second !== 0x25) return undefined;
  return /^\/(?:\$|%24)async\/([^/?]+)$/i.exec(path)?.[1];
}

/** Where the monitor answers. */
export const monitorUrl = (origin: string, monitor: StatusMonitor): string => `${origin}${monitor.prefix}/$async/${monitor.id}`;
