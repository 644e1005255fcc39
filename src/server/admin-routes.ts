import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ODataError } from '../odata/errors.js';
import { entityUrl, JsonText, stringifyJson } from '../odata/payload.js';
import type { MemoryStore, StoreSnapshot } from '../store/memory-store.js';
import type { JournalFilter } from '../toolkit/journal.js';
import { SESSION_HEADER, type Session } from '../toolkit/sessions.js';
import { ADMIN_PREFIX } from '../toolkit/toolkit.js';
import { serviceAt } from './create-server.js';
import { loadFixtures, type LoadedFixture } from './fixtures.js';
import { sendJson } from './lifecycle.js';
import { baseUrlOf } from './service-routes.js';

// The admin API, under /_edmock (a name no service can have at the root: create-server refuses
// one). Every call works on the session its x-edmock-session header names (the default session
// without one), answers JSON, and fails in the OData error shape like the services do.
//
//   GET    /_edmock                     what is here
//   GET    /_edmock/journal             ?path=<glob>&method=&status=<404|4xx>
//   DELETE /_edmock/journal
//   POST   /_edmock/journal/verify      {"path", "method", "status", "count"}: 200, or 409 with what matched
//   POST   /_edmock/reset               every store back to the startup dataset
//   POST   /_edmock/fixtures            {"/beta/deviceAppManagement/mobileApps": [{...}], ...}, all or nothing
//   GET    /_edmock/dump                every stored entity and link
//   GET    /_edmock/faults              POST a rule; DELETE all of them, or /_edmock/faults/{id}
//   DELETE /_edmock/sessions/{id}       forget a session

const ENDPOINTS = [
  'GET /_edmock/journal', 'DELETE /_edmock/journal', 'POST /_edmock/journal/verify', 'POST /_edmock/reset',
  'POST /_edmock/fixtures', 'GET /_edmock/dump', 'GET /_edmock/faults', 'POST /_edmock/faults', 'DELETE /_edmock/faults',
  'DELETE /_edmock/faults/{id}', 'DELETE /_edmock/sessions/{id}',
];

const badRequest = (message: string, target: string | null = null) => new ODataError(400, 'BadRequest', message, target);

/** A journal filter from a query string or a body; a misspelt member would widen the match, so it is refused. */
function journalFilter(source: Record<string, unknown>, allowed: string[] = ['path', 'method', 'status']): JournalFilter {
  const unknown = Object.keys(source).find((name) => !allowed.includes(name));
  if (unknown !== undefined) throw badRequest(`'${unknown}' is not a journal filter (${allowed.join(', ')}).`, unknown);
  const filter: JournalFilter = {};
  for (const name of ['path', 'method', 'status'] as const) {
    const value = source[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' && !(name === 'status' && typeof value === 'number')) throw badRequest(`'${name}' must be a string.`, name);
    filter[name] = value as string;
  }
  if (filter.path !== undefined && !filter.path.startsWith('/')) throw badRequest("'path' is a glob starting with '/'.", 'path');
  if (filter.method !== undefined && !/^[A-Za-z]+$/.test(filter.method)) throw badRequest("'method' is an HTTP method.", 'method');
  if (filter.status !== undefined && !/^([1-5]\d\d|[1-5]xx|0)$/i.test(String(filter.status))) throw badRequest("'status' is a status code (404) or a class (4xx).", 'status');
  return filter;
}

const objectBody = (request: FastifyRequest): Record<string, unknown> => {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The body must be a JSON object.');
  return body as Record<string, unknown>;
};

/** The user-facing form of a store: each entity as the services write it, with its canonical URL. */
function dumpOf(snapshot: StoreSnapshot, baseUrl: string): { entities: Record<string, unknown>[]; links: Record<string, string>[] } {
  return {
    entities: snapshot.entities.map((e) => ({ '@odata.id': entityUrl(baseUrl, e.path), '@odata.type': `#${e.type}`, '@odata.etag': `W/"${e.seq}-${e.version}"`, ...e.properties })),
    links: snapshot.links.map((l) => ({ navigation: entityUrl(baseUrl, l.navigation), '@odata.id': entityUrl(baseUrl, l.target) })),
  };
}

export function mountAdminRoutes(app: FastifyInstance): void {
  const { toolkit, services } = app.edmock;
  const sessionOf = (request: FastifyRequest): Session => toolkit.session(request);
  const ok = (request: FastifyRequest, reply: FastifyReply, body: unknown, status = 200): void => {
    sendJson(request, reply, status, body, undefined, 'application/json;charset=utf-8');
  };
  const changed = (session: Session) => { if (session === toolkit.sessions.default) toolkit.dataFile?.changed(); };

  app.get(ADMIN_PREFIX, (request, reply) => {
    ok(request, reply, {
      session: sessionOf(request).id || null,
      sessionHeader: SESSION_HEADER,
      services: services.map((s) => ({ prefix: s.prefix || '/', service: s.service.name, metadata: `${baseUrlOf(request, s.prefix)}/$metadata` })),
      endpoints: ENDPOINTS,
    });
  });

  app.get(`${ADMIN_PREFIX}/journal`, (request, reply) => {
    const filter = journalFilter(request.query as Record<string, unknown>);
    ok(request, reply, { value: sessionOf(request).journal.list(filter) });
  });
  app.delete(`${ADMIN_PREFIX}/journal`, (request, reply) => {
    sessionOf(request).journal.clear();
    sendJson(request, reply, 204, undefined);
  });
  app.post(`${ADMIN_PREFIX}/journal/verify`, (request, reply) => {
    const body = objectBody(request);
    const count = body.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw badRequest("'count' is the number of requests expected to match (a whole number).", 'count');
    const { count: _count, ...rest } = body;
    const filter = journalFilter(rest, ['path', 'method', 'status']);
    const result = sessionOf(request).journal.verify(filter, count);
    if (result.ok) { ok(request, reply, { ok: true, matched: result.matched }); return; }
    const described = `${filter.method ?? 'any method'} ${filter.path ?? '/**'}${filter.status === undefined ? '' : ` answered ${filter.status}`}`;
    throw new ODataError(409, 'VerificationFailed', `Expected ${count} request(s) matching ${described}; ${result.matched} matched.`, null,
      result.entries.slice(0, 20).map((e) => ({ code: String(e.status), message: `${e.method} ${e.url}`, target: e.time })));
  });

  app.post(`${ADMIN_PREFIX}/reset`, (request, reply) => {
    const session = sessionOf(request);
    toolkit.sessions.reset(session);
    changed(session);
    sendJson(request, reply, 204, undefined);
  });

  app.post(`${ADMIN_PREFIX}/fixtures`, (request, reply) => {
    const session = sessionOf(request);
    const body = objectBody(request);
    // Grouped by service first, so that a path naming no service fails before anything is written.
    const byService = new Map<string, { store: MemoryStore; fixtures: Record<string, unknown[]> }>();
    for (const [path, entities] of Object.entries(body)) {
      if (!Array.isArray(entities)) throw badRequest(`'${path}' must map to an array of entities.`, path);
      const slot = serviceAt(services, path);
      if (!slot) throw badRequest(`'${path}' is not under any service (${services.map((s) => s.prefix || '/').join(', ')}).`, path);
      let group = byService.get(slot.prefix);
      if (!group) byService.set(slot.prefix, (group = { store: toolkit.storeOf(session, slot.prefix), fixtures: {} }));
      group.fixtures[path.slice(slot.prefix.length)] = entities;
    }
    // All or nothing: every store touched is put back as it was when one entity fails.
    const before = new Map([...byService].map(([prefix, group]) => [prefix, group.store.snapshot()]));
    const loaded: (LoadedFixture & { '@odata.id': string })[] = [];
    try {
      for (const [prefix, group] of byService) {
        const slot = services.find((s) => s.prefix === prefix);
        if (!slot) continue;
        for (const fixture of loadFixtures(slot.service, group.store, group.fixtures, 'POST /_edmock/fixtures')) {
          loaded.push({ ...fixture, collection: `${prefix}${fixture.collection}`, '@odata.id': `${baseUrlOf(request, prefix)}${fixture.collection}/${encodeURIComponent(fixture.id)}` });
        }
      }
    } catch (error) {
      for (const [prefix, snapshot] of before) byService.get(prefix)?.store.restore(snapshot);
      const message = (error as Error).message.replace(/^POST \/_edmock\/fixtures: /, '');
      const cause = (error as Error).cause;
      // The entity's own findings (one detail per property) as a POST would give them.
      throw cause instanceof ODataError ? new ODataError(400, 'BadRequest', message, cause.target, cause.details) : badRequest(message);
    }
    changed(session);
    ok(request, reply, { value: loaded }, 201);
  });

  app.get(`${ADMIN_PREFIX}/dump`, (request, reply) => {
    const session = sessionOf(request);
    const dump: Record<string, unknown> = {};
    for (const slot of services) dump[slot.prefix || '/'] = dumpOf(toolkit.storeOf(session, slot.prefix).snapshot(), baseUrlOf(request, slot.prefix));
    // stringifyJson: stored Int64 values beyond 2^53 keep their digits.
    sendJson(request, reply, 200, new JsonText(stringifyJson({ session: session.id || null, services: dump })), undefined, 'application/json;charset=utf-8');
  });

  app.get(`${ADMIN_PREFIX}/faults`, (request, reply) => {
    const session = sessionOf(request);
    ok(request, reply, { value: toolkit.faults.list(session.id || undefined) });
  });
  app.post(`${ADMIN_PREFIX}/faults`, (request, reply) => {
    const session = sessionOf(request);
    ok(request, reply, toolkit.faults.add(request.body, session.id || undefined), 201);
  });
  app.delete(`${ADMIN_PREFIX}/faults`, (request, reply) => {
    const session = sessionOf(request);
    toolkit.faults.remove({ session: session.id || undefined });
    sendJson(request, reply, 204, undefined);
  });
  app.delete(`${ADMIN_PREFIX}/faults/:id`, (request, reply) => {
    const { id } = request.params as { id: string };
    // A session removes only its own rules; the default session only the global ones.
    if (toolkit.faults.remove({ session: sessionOf(request).id || undefined, id }) === 0) throw new ODataError(404, 'ResourceNotFound', `No fault rule '${id}' in this session.`, id);
    sendJson(request, reply, 204, undefined);
  });
  app.delete(`${ADMIN_PREFIX}/sessions/:id`, (request, reply) => {
    const { id } = request.params as { id: string };
    if (!toolkit.sessions.end(id)) throw new ODataError(404, 'ResourceNotFound', `No session '${id}'.`, id);
    sendJson(request, reply, 204, undefined);
  });
}
