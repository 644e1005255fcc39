import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ADMIN_PREFIX } from '../mock/create-mock.js';
import { fixtureError, type MockState } from '../mock/mock-state.js';
import { odataErrors } from '../odata/errors.js';
import { JsonText, stringifyJson } from '../odata/response-json.js';
import { jsonResponse, PLAIN_JSON } from '../odata/respond.js';
import { MAX_GLOB_LENGTH } from '../toolkit/glob.js';
import type { JournalFilter } from '../toolkit/journal.js';
import { SESSION_HEADER, type Session } from '../toolkit/sessions.js';
import { originOf as origin, odataRequestOf, send, sendWhenDurable } from './lifecycle.js';

// The admin API, under /_edmock (a name no service can have at the root: create-mock refuses
// one). Every call works on the session its x-edmock-session header names (the default session
// without one), answers JSON, and fails in the OData error shape like the services do. The work
// itself is MockState's; these are its HTTP doors. With `--auth` or `--admin-token`, each door
// asks for the admin credentials (toolkit/admin-guard.ts) before it reads a body.
//
//   GET    /_edmock                     what is here
//   GET    /_edmock/journal             ?path=<glob>&method=&status=<404|4xx>
//   DELETE /_edmock/journal
//   POST   /_edmock/journal/verify      {"path", "method", "status", "count"}: 200, or 409 with what matched
//   POST   /_edmock/reset               every store back to the startup dataset, the journal emptied
//   POST   /_edmock/fixtures            {"/beta/deviceAppManagement/mobileApps": [{...}], ...}, all or nothing
//   GET    /_edmock/dump                every stored entity and link
//   GET    /_edmock/faults              POST a rule; DELETE all of them, or /_edmock/faults/{id}
//   DELETE /_edmock/sessions/{id}       forget a session
//   GET    /_edmock/openapi/{service}   the service's OpenAPI 3.0 description (by name or prefix)
//   GET    /_edmock/reloads             per service, what the last `serve --watch` reload changed for clients
//   GET    /_edmock/throttle            the throttling limits in force and what each has counted (the server's, not a session's);
//                                       PUT {"rules": [...]} or {"preset": "graph"} replaces them, DELETE removes them,
//                                       DELETE /_edmock/throttle/counters starts every window afresh
//   GET    /_edmock/subscriptions       the session's change-notification subscriptions (docs/notifications.md)
//   POST   /_edmock/subscriptions/{id}/lifecycle   {"event": "missed" | "subscriptionRemoved" | "reauthorizationRequired"}

const ENDPOINTS = [
  'GET /_edmock/journal', 'DELETE /_edmock/journal', 'POST /_edmock/journal/verify', 'POST /_edmock/reset',
  'POST /_edmock/fixtures', 'GET /_edmock/dump', 'GET /_edmock/faults', 'POST /_edmock/faults', 'DELETE /_edmock/faults',
  'DELETE /_edmock/faults/{id}', 'DELETE /_edmock/sessions/{id}', 'GET /_edmock/openapi/{service}', 'GET /_edmock/reloads',
  'GET /_edmock/throttle', 'PUT /_edmock/throttle', 'DELETE /_edmock/throttle', 'DELETE /_edmock/throttle/counters',
  'GET /_edmock/subscriptions', 'POST /_edmock/subscriptions/{id}/lifecycle',
];

const invalid = odataErrors.invalidAdminRequest;

/** A journal filter from a query string or a body; a misspelt member would widen the match, so it is refused. */
function journalFilter(source: Record<string, unknown>): JournalFilter {
  const allowed = ['path', 'method', 'status', 'direction'];
  const unknown = Object.keys(source).find((name) => !allowed.includes(name));
  if (unknown !== undefined) throw invalid(`'${unknown}' is not a journal filter (${allowed.join(', ')}).`, unknown);
  const filter: JournalFilter = {};
  for (const name of ['path', 'method', 'status'] as const) {
    const value = source[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' && !(name === 'status' && typeof value === 'number')) throw invalid(`'${name}' must be a string.`, name);
    filter[name] = value as string;
  }
  if (filter.path !== undefined && !filter.path.startsWith('/')) throw invalid("'path' is a glob starting with '/'.", 'path');
  if (filter.path !== undefined && filter.path.length > MAX_GLOB_LENGTH) throw invalid(`'path' is a glob of at most ${MAX_GLOB_LENGTH} characters.`, 'path');
  if (filter.method !== undefined && !/^[A-Za-z]+$/.test(filter.method)) throw invalid("'method' is an HTTP method.", 'method');
  if (filter.status !== undefined && !/^([1-5]\d\d|[1-5]xx|0)$/i.test(String(filter.status))) throw invalid("'status' is a status code (404) or a class (4xx).", 'status');
  const direction = source.direction;
  if (direction !== undefined && direction !== 'inbound' && direction !== 'outbound') throw invalid("'direction' is 'inbound' or 'outbound'.", 'direction');
  if (direction !== undefined) filter.direction = direction;
  return filter;
}

const objectBody = (request: FastifyRequest): Record<string, unknown> => {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('The body must be a JSON object.');
  return body as Record<string, unknown>;
};

function verifyJournal(session: Session, body: Record<string, unknown>): { ok: true; matched: number } {
  const { count, ...rest } = body;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw invalid("'count' is the number of requests expected to match (a whole number).", 'count');
  const filter = journalFilter(rest);
  const result = session.journal.verify(filter, count);
  if (result.ok) return { ok: true, matched: result.matched };
  const described = `${filter.method ?? 'any method'} ${filter.path ?? '/**'}${filter.status === undefined ? '' : ` answered ${filter.status}`}`;
  throw odataErrors.verificationFailed(`Expected ${count} request(s) matching ${described}; ${result.matched} matched.`,
    result.entries.slice(0, 20).map((e) => ({ code: String(e.status), message: `${e.method} ${e.url}`, target: e.time })));
}

/** `durable`: a write to a store kept on disk (`--data`), answered once it is there. */
type AdminHandler = (session: Session, request: FastifyRequest) => { status?: number; body?: unknown; durable?: Promise<void> | undefined };

export function mountAdminRoutes(app: FastifyInstance, state: MockState): void {
  // onRequest: before the body is read, so that nobody without credentials gets to send one.
  const guard = (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void => {
    try {
      state.adminGuard.check(request.headers.authorization);
      done();
    } catch (error) {
      done(error as Error);
    }
  };
  const route = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, handler: AdminHandler): void => {
    app.route({ method, url: `${ADMIN_PREFIX}${url}`, onRequest: guard, handler: (request: FastifyRequest, reply: FastifyReply) => {
      const { status = 200, body, durable } = handler(state.session(request.headers), request);
      const odataRequest = odataRequestOf(request);
      const response = jsonResponse(odataRequest, body === undefined ? 204 : status, body, undefined, PLAIN_JSON);
      if (durable !== undefined) return sendWhenDurable(state, request, reply, odataRequest, response, durable);
      send(request, reply, response);
      return undefined;
    } });
  };
  route('GET', '', (session, request) => ({ body: {
    session: session.id || null,
    sessionHeader: SESSION_HEADER,
    services: state.services.map((s) => ({ prefix: s.prefix || '/', service: s.service.name, metadata: `${origin(request)}${s.prefix}/$metadata` })),
    endpoints: ENDPOINTS,
  } }));
  route('GET', '/journal', (session, request) => ({ body: { value: session.journal.list(journalFilter(request.query as Record<string, unknown>)) } }));
  route('DELETE', '/journal', (session) => { session.journal.clear(); return {}; });
  route('POST', '/journal/verify', (session, request) => ({ body: verifyJournal(session, objectBody(request)) }));
  route('POST', '/reset', (session) => ({ durable: state.reset(session) }));
  route('POST', '/fixtures', (session, request) => {
    const source = 'POST /_edmock/fixtures';
    try {
      const value = state.load(session, objectBody(request) as Record<string, unknown[]>, source, origin(request));
      return { status: 201, body: { value }, durable: state.written(session) };
    } catch (error) {
      throw fixtureError(error, source);
    }
  });
  // stringifyJson: stored Int64 values beyond 2^53 keep their digits.
  route('GET', '/dump', (session, request) => ({ body: new JsonText(stringifyJson({ session: session.id || null, services: state.dump(session, origin(request)) })) }));
  route('GET', '/faults', (session) => ({ body: { value: state.faults.list(session.id || undefined) } }));
  route('POST', '/faults', (session, request) => ({ status: 201, body: state.faults.add(request.body, session.id || undefined) }));
  route('DELETE', '/faults', (session) => { state.faults.remove({ session: session.id || undefined }); return {}; });
  route('DELETE', '/faults/:id', (session, request) => {
    const { id } = request.params as { id: string };
    // A session removes only its own rules; the default session only the global ones.
    if (state.faults.remove({ session: session.id || undefined, id }) === 0) throw odataErrors.faultRuleNotFound(id);
    return {};
  });
  // `*`: a service's prefix may have several segments (`/openapi/api/v2`).
  route('GET', '/openapi/*', (_session, request) => ({ body: state.openApi((request.params as { '*': string })['*'], origin(request)) }));
  route('GET', '/reloads', () => ({ body: state.reloads() }));
  route('GET', '/throttle', () => ({ body: state.throttling.describe() }));
  route('PUT', '/throttle', (_session, request) => {
    state.throttling.configure(request.body, 'PUT /_edmock/throttle');
    return { body: state.throttling.describe() };
  });
  route('DELETE', '/throttle', () => { state.throttling.clear(); return {}; });
  route('DELETE', '/throttle/counters', () => { state.throttling.resetCounters(); return {}; });
  route('GET', '/subscriptions', (session) => ({ body: { value: state.subscriptionList(session) } }));
  // 202: the lifecycle notification is queued for delivery (batched and retried like any other).
  route('POST', '/subscriptions/:id/lifecycle', (session, request) => ({ status: 202, body: state.subscriptionLifecycle(session, (request.params as { id: string }).id, objectBody(request)) }));
  route('DELETE', '/sessions/:id', (_session, request) => {
    const { id } = request.params as { id: string };
    if (!state.sessions.end(id)) throw odataErrors.sessionNotFound(id);
    return {};
  });
}
