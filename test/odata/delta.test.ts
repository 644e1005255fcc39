import path from 'node:path';
import t from 'tap';
import type { CreateServerOptions } from '../../src/server/create-server.js';
import { createMockServer, type MockServer } from '../../src/server/mock-server.js';
import { assertODataError, startServer, type Client, type Response, type TapTest } from '../helpers/server.js';
import { modelFile } from '../helpers/paths.js';
import { crashImage } from '../helpers/crash-image.js';

// Graph's delta query as a client sees it over plain HTTP, on a model of our own that binds
// `delta` to users, groups, a contained collection and directoryObjects (test/models/delta.xml).
// The rules quoted are Graph's "Use delta query to track changes in Microsoft Graph data"
// (delta-query-overview) and the user: delta reference page.

const PAGE_SIZE = 2;

async function deltaServer(t: TapTest, options: Pick<CreateServerOptions, 'deltaRetentionSeconds' | 'asyncRequests'> = {}): Promise<Client> {
  return startServer(t, { services: [{ prefix: '/v1.0', metadataFile: modelFile('delta.xml') }], fixtures: false, pageSize: PAGE_SIZE, ...options });
}

const ORIGIN = 'http://localhost:80/v1.0';

async function addUsers(client: Client, ...names: string[]): Promise<void> {
  for (const name of names) t.equal((await client.post('/v1.0/users', { id: name, displayName: name, jobTitle: 'engineer', city: 'Oslo' })).status, 201);
}

/** An entity without its control information (`@odata.type`, `@odata.etag`), as the tests compare it. */
function plain(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([name]) => !name.startsWith('@odata.')));
}

/** The link's path and query below the origin, as a client follows it. */
const below = (link: string): string => link.slice(ORIGIN.length - '/v1.0'.length);

/** Follows nextLinks to the deltaLink: every page's values, and the deltaLink. */
async function allPages(client: Client, url: string, headers?: Record<string, string>): Promise<{ values: any[]; deltaLink: string; pages: Response[] }> {
  const pages: Response[] = [];
  let next: string | undefined = url;
  while (next !== undefined) {
    const page = await client.get(next, headers);
    if (page.status !== 200) throw new Error(`${next}: ${page.status} ${page.text}`);
    pages.push(page);
    next = page.body['@odata.nextLink'] === undefined ? undefined : below(page.body['@odata.nextLink']);
  }
  const last = pages[pages.length - 1];
  return { values: pages.flatMap((p) => p.body.value.map(plain)), deltaLink: below(last?.body['@odata.deltaLink']), pages };
}

t.test('the first round: the current state in pages, nextLink with $skiptoken, the last page with a deltaLink ($deltatoken)', async (t) => {
  const client = await deltaServer(t);
  await addUsers(client, 'adele', 'bruno', 'carla');
  const first = await client.get('/v1.0/users/delta');
  t.equal(first.status, 200);
  t.equal(first.body['@odata.context'], `${ORIGIN}/$metadata#users`, "Graph's context: the collection");
  t.match(first.body['@odata.nextLink'], /^http:\/\/localhost:80\/v1\.0\/users\/delta\?\$skiptoken=[\w-]+$/);
  t.notOk('@odata.deltaLink' in first.body, 'a page has a nextLink or a deltaLink, never both');
  t.same(first.body.value.map((u: any) => u.id), ['adele', 'bruno'], 'a server-driven page');
  t.match(first.body.value[0], { id: 'adele', displayName: 'adele', jobTitle: 'engineer' });
  const second = await client.get(below(first.body['@odata.nextLink']));
  t.same(second.body.value.map((u: any) => u.id), ['carla']);
  t.match(second.body['@odata.deltaLink'], /^http:\/\/localhost:80\/v1\.0\/users\/delta\?\$deltatoken=[\w-]+$/);
  t.notOk('@odata.nextLink' in second.body);
  for (const spelling of ['/v1.0/users/delta()', '/v1.0/users/microsoft.graph.delta()', '/v1.0/users/graph.delta']) {
    const { values } = await allPages(client, spelling);
    t.same(values.map((u) => u.id), ['adele', 'bruno', 'carla'], `${spelling}: the same round (Graph: /delta is a shortcut of /microsoft.graph.delta)`);
  }
});

t.test('following the deltaLink: created, updated and deleted entities in change order, each once with its latest state', async (t) => {
  const client = await deltaServer(t);
  await addUsers(client, 'adele', 'bruno', 'carla');
  const { deltaLink } = await allPages(client, '/v1.0/users/delta');
  const empty = await client.get(deltaLink);
  t.same(empty.body.value, [], 'nothing changed yet');
  t.match(empty.body['@odata.deltaLink'], /\$deltatoken=/);
  t.equal((await client.patch('/v1.0/users/bruno', { jobTitle: 'lead' })).status, 204);
  await addUsers(client, 'dora');
  t.equal((await client.delete('/v1.0/users/adele')).status, 204);
  t.equal((await client.patch('/v1.0/users/bruno', { city: 'Bergen' })).status, 204);
  await addUsers(client, 'temp');
  t.equal((await client.delete('/v1.0/users/temp')).status, 204);
  const round = await allPages(client, deltaLink);
  t.same(round.values, [
    { id: 'dora', displayName: 'dora', jobTitle: 'engineer', city: 'Oslo' },
    { id: 'adele', '@removed': { reason: 'deleted' } },
    { id: 'bruno', displayName: 'bruno', jobTitle: 'lead', city: 'Bergen' },
  ], 'bruno once, with both changes, at his last; temp was created and deleted in between: nothing to report');
  t.equal(round.pages.length, 2, 'changes are paged too');
  const after = await client.get(round.deltaLink);
  t.same(after.body.value, [], 'the new deltaLink starts after them');
  t.same((await allPages(client, deltaLink)).values.length, 3, 'an old deltaLink still answers its round (tokens are stateless)');
});

t.test('$deltatoken=latest: no entities, a deltaLink from now ("sync from now")', async (t) => {
  const client = await deltaServer(t);
  await addUsers(client, 'adele');
  const latest = await client.get('/v1.0/users/delta?$deltatoken=latest');
  t.equal(latest.status, 200);
  t.same(latest.body.value, []);
  t.match(latest.body['@odata.deltaLink'], /\$deltatoken=/);
  await addUsers(client, 'bruno');
  const changes = await client.get(below(latest.body['@odata.deltaLink']));
  t.same(changes.body.value.map((u: any) => u.id), ['bruno']);
});

t.test('$select narrows what is tracked and returned; the id always comes back', async (t) => {
  const client = await deltaServer(t);
  await addUsers(client, 'adele', 'bruno');
  const { values, deltaLink, pages: [first] } = await allPages(client, '/v1.0/users/delta?$select=displayName,jobTitle');
  t.same(values, [{ id: 'adele', displayName: 'adele', jobTitle: 'engineer' }, { id: 'bruno', displayName: 'bruno', jobTitle: 'engineer' }]);
  await client.patch('/v1.0/users/adele', { city: 'Bergen' });
  await client.patch('/v1.0/users/bruno', { jobTitle: 'lead' });
  const round = await client.get(deltaLink);
  t.same(round.body.value.map(plain), [{ id: 'bruno', displayName: 'bruno', jobTitle: 'lead' }], 'a change of an unselected property is not reported');
  t.match(round.body['@odata.deltaLink'], /\$deltatoken=/, 'the select travels in the token');
  // Protocol §10.9, and Graph's user: delta example (`$metadata#users(displayName,givenName,surname)`).
  for (const page of [first, round]) t.equal(page.body['@odata.context'], `${ORIGIN}/$metadata#users(displayName,jobTitle)`, 'the context names the select list on every page');
});

t.test("$filter: id eq '...' joined by or (Graph's only delta filter, at most 50); anything else is a 400", async (t) => {
  const client = await deltaServer(t);
  await addUsers(client, 'adele', 'bruno', 'carla');
  const { values, deltaLink } = await allPages(client, "/v1.0/users/delta?$filter=id eq 'carla' or id eq 'adele'");
  t.same(values.map((u) => u.id), ['adele', 'carla']);
  await client.patch('/v1.0/users/bruno', { city: 'x' });
  await client.delete('/v1.0/users/carla');
  t.same((await client.get(deltaLink)).body.value, [{ id: 'carla', '@removed': { reason: 'deleted' } }]);
  assertODataError(t, await client.get("/v1.0/users/delta?$filter=displayName eq 'adele'"), 400, 'BadRequest');
  assertODataError(t, await client.get("/v1.0/users/delta?$filter=id ne 'adele'"), 400, 'BadRequest');
  const many = Array.from({ length: 51 }, (_, i) => `id eq 'u${i}'`).join(' or ');
  const tooMany = await client.get(`/v1.0/users/delta?$filter=${encodeURIComponent(many)}`);
  assertODataError(t, tooMany, 400, 'BadRequest');
  t.match(tooMany.body.error.message, /at most 50/);
});

t.test('options Graph does not take on delta, options beside a token, and $deltatoken elsewhere are 400s', async (t) => {
  const client = await deltaServer(t);
  await addUsers(client, 'adele');
  for (const option of ['$top=1', '$orderby=displayName', '$expand=*', '$count=true', '$skip=1']) {
    assertODataError(t, await client.get(`/v1.0/users/delta?${option}`), 400, 'BadRequest');
  }
  const { deltaLink } = await allPages(client, '/v1.0/users/delta');
  const withSelect = await client.get(`${deltaLink}&$select=city`);
  assertODataError(t, withSelect, 400, 'BadRequest');
  t.match(withSelect.body.error.message, /the token carries the options of the first request/);
  assertODataError(t, await client.get('/v1.0/users?$deltatoken=latest'), 400, 'BadRequest');
  assertODataError(t, await client.get('/v1.0/printers/delta'), 404, 'ResourceNotFound');
});

t.test('an unknown, foreign or reset token is the 410 syncStateNotFound, Location the initial query (Graph: "Synchronization reset")', async (t) => {
  const client = await deltaServer(t);
  await addUsers(client, 'adele');
  const garbage = await client.get('/v1.0/users/delta?$deltatoken=bm90LWEtdG9rZW4');
  assertODataError(t, garbage, 410, 'syncStateNotFound');
  t.equal(garbage.body.error.message, 'The sync state generation is not found. The delta token is expired and data must be synchronized again.');
  t.equal(garbage.headers.location, `${ORIGIN}/users/delta`);
  t.match(garbage.body.error.details, [{ message: 'The delta token is not one this service issued.' }]);
  const { deltaLink } = await allPages(client, '/v1.0/users/delta');
  const groupsRound = await allPages(client, '/v1.0/groups/delta');
  const foreign = await client.get(`/v1.0/users/delta?$deltatoken=${groupsRound.deltaLink.split('=')[1]}`);
  assertODataError(t, foreign, 410, 'syncStateNotFound');
  t.match(foreign.body.error.details, [{ message: 'The delta token was issued for another collection.' }], 'the detail is a sentence saying why');
  t.equal((await client.post('/_edmock/reset', {})).status, 204);
  const afterReset = await client.get(deltaLink);
  assertODataError(t, afterReset, 410, 'syncStateNotFound');
  t.match(afterReset.body.error.details, [{ message: 'The delta token belongs to a change tracking that is gone (a reset).' }]);
  t.equal((await client.get('/v1.0/users/delta')).status, 200, 'a new initial query starts again');
});

t.test('an expired token is the 410 (--delta-retention, Graph: 7 days for directory objects)', async (t) => {
  const client = await deltaServer(t, { deltaRetentionSeconds: 0 });
  await addUsers(client, 'adele');
  const first = await client.get('/v1.0/users/delta');
  await new Promise((resolve) => setTimeout(resolve, 5));
  const expired = await client.get(below(first.body['@odata.deltaLink']));
  assertODataError(t, expired, 410, 'syncStateNotFound');
  t.match(expired.body.error.details, [{ message: 'The delta token has expired.' }]);
});

t.test('Prefer: odata.maxpagesize sets the page; return=minimal answers an update with the changed properties only', async (t) => {
  const client = await deltaServer(t);
  await addUsers(client, 'adele', 'bruno', 'carla');
  const paged = await client.get('/v1.0/users/delta', { prefer: 'odata.maxpagesize=1' });
  t.equal(paged.body.value.length, 1);
  t.equal(paged.headers['preference-applied'], 'odata.maxpagesize=1');
  const { deltaLink } = await allPages(client, '/v1.0/users/delta?$select=displayName,jobTitle,city');
  await client.patch('/v1.0/users/adele', { jobTitle: 'lead' });
  await addUsers(client, 'dora');
  const minimal = await client.get(deltaLink, { prefer: 'return=minimal' });
  t.same(minimal.body.value.map(plain), [{ id: 'adele', jobTitle: 'lead' }, { id: 'dora', displayName: 'dora', jobTitle: 'engineer', city: 'Oslo' }], 'user: delta: "only the object properties that have changed"; a new one whole');
  t.equal(minimal.headers['preference-applied'], 'return=minimal');
});

t.test('a rolled-back $batch change set leaves no trace in the delta', async (t) => {
  const client = await deltaServer(t);
  await addUsers(client, 'adele');
  const { deltaLink } = await allPages(client, '/v1.0/users/delta');
  const batch = await client.post('/v1.0/$batch', { requests: [
    { id: '1', atomicityGroup: 'g', method: 'PATCH', url: '/users/adele', headers: { 'content-type': 'application/json' }, body: { city: 'Rome' } },
    { id: '2', atomicityGroup: 'g', method: 'POST', url: '/users', headers: { 'content-type': 'application/json' }, body: { id: 'x' } },
    { id: '3', atomicityGroup: 'g', method: 'POST', url: '/users', headers: { 'content-type': 'application/json' }, body: { id: 'adele' } },
  ] });
  t.equal(batch.status, 200);
  t.same((await client.get('/v1.0/users/adele')).body.city, 'Oslo', 'rolled back');
  t.same((await client.get(deltaLink)).body.value, [], 'and so is its tracking');
});

t.test('a contained collection and an entity set view (directoryObjects sees users and groups) have their deltas', async (t) => {
  const client = await deltaServer(t);
  t.equal((await client.post('/v1.0/groups', { id: 'g1', displayName: 'Team' })).status, 201);
  await client.post('/v1.0/groups/g1/notes', { id: 'n1', text: 'hello' });
  const notes = await allPages(client, '/v1.0/groups/g1/notes/delta');
  t.same(notes.values, [{ id: 'n1', text: 'hello' }]);
  const all = await allPages(client, '/v1.0/directoryObjects/delta?$select=id');
  t.same(all.values.map((o) => o.id), ['g1']);
  await addUsers(client, 'adele');
  await client.patch('/v1.0/groups/g1/notes/n1', { text: 'bye' });
  await client.patch('/v1.0/groups/g1', { description: 'x' });
  t.same((await client.get(notes.deltaLink)).body.value.map(plain), [{ id: 'n1', text: 'bye' }]);
  t.same((await client.get(all.deltaLink)).body.value.map((o: any) => o.id), ['adele'], 'the group changed an unselected property only');
});

async function dataServer(t: TapTest, dataFile: string): Promise<MockServer> {
  const mock = await createMockServer({ services: [{ prefix: '/v1.0', metadataFile: modelFile('delta.xml') }], fixtures: false, pageSize: 10, dataFile });
  t.teardown(() => mock.close());
  return mock;
}

const getJson = async (mock: MockServer, url: string): Promise<any> => JSON.parse((await mock.inject({ method: 'GET', url })).body);
const send = async (mock: MockServer, method: 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<number> =>
  (await mock.inject({ method, url, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) }) })).statusCode;

t.test('--data: a deltaLink survives a restart, from the snapshot and from the log a crash leaves', async (t) => {
  const dir = t.testdir();
  const file = path.join(dir, 'store.json');
  const mock = await dataServer(t, file);
  t.equal(await send(mock, 'POST', '/v1.0/users', { id: 'adele', jobTitle: 'engineer' }), 201);
  const first = await getJson(mock, '/v1.0/users/delta?$select=jobTitle');
  const deltaLink = below(first['@odata.deltaLink']);
  t.equal(await send(mock, 'PATCH', '/v1.0/users/adele', { jobTitle: 'lead' }), 204);
  t.equal(await send(mock, 'POST', '/v1.0/users', { id: 'bruno' }), 201);
  // A rolled-back change set uses up stamps without a trace in the log: the replay must still number the same.
  await mock.inject({ method: 'POST', url: '/v1.0/$batch', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ requests: [
    { id: '1', atomicityGroup: 'g', method: 'PATCH', url: '/users/bruno', headers: { 'content-type': 'application/json' }, body: { jobTitle: 'x' } },
    { id: '2', atomicityGroup: 'g', method: 'POST', url: '/users', headers: { 'content-type': 'application/json' }, body: { id: 'adele' } },
  ] }) });
  const afterGap = below((await getJson(mock, '/v1.0/users/delta?$deltatoken=latest'))['@odata.deltaLink']);
  const gapImage = crashImage(file, path.join(dir, 'gap'));
  t.equal(await send(mock, 'DELETE', '/v1.0/users/adele'), 204);
  const live = await getJson(mock, deltaLink);
  t.same(live.value.map(plain), [{ id: 'bruno', jobTitle: null }, { id: 'adele', '@removed': { reason: 'deleted' } }]);
  const crashed = await dataServer(t, crashImage(file, path.join(dir, 'crash')));
  const replayed = await getJson(crashed, deltaLink);
  t.same(replayed.value.map(plain), live.value.map(plain), 'replayed from the log: the same changes');
  const fromGap = await dataServer(t, gapImage);
  t.equal(await send(fromGap, 'PATCH', '/v1.0/users/bruno', { jobTitle: 'ceo' }), 204);
  t.same((await getJson(fromGap, afterGap)).value.map(plain), [{ id: 'bruno', displayName: null, jobTitle: 'ceo', city: null }],
    'a token issued after the rolled-back group, the log ending there: the stamps the group used are logged, a change after the restart is after the token');
  t.equal(below(replayed['@odata.deltaLink']).split('$deltatoken=')[0], deltaLink.split('$deltatoken=')[0]);
  await mock.close();
  const restarted = await dataServer(t, file);
  t.same((await getJson(restarted, deltaLink)).value.map(plain), live.value.map(plain), 'from the snapshot written on the way out');
  t.equal(await send(restarted, 'PATCH', '/v1.0/users/bruno', { jobTitle: 'cto' }), 204);
  t.same((await getJson(restarted, below(live['@odata.deltaLink']))).value.map(plain), [{ id: 'bruno', jobTitle: 'cto' }], 'and tracking goes on after it');
});

t.test('a delta over a non-containment navigation is a 501 (its members live elsewhere, their links are not tracked)', async (t) => {
  const client = await deltaServer(t);
  t.equal((await client.post('/v1.0/groups', { id: 'g1' })).status, 201);
  assertODataError(t, await client.get("/v1.0/groups('g1')/members/delta"), 501, 'NotImplemented');
});

t.test('a delta query answered asynchronously: its monitor delivers the page, whose deltaLink works in its own session only', async (t) => {
  // Protocol 4.01 §11.6 (docs/async.md: `asyncRequests.requests` marks a request to go async);
  // a session (x-edmock-session) has its own stores, so its own change tracking.
  const client = await deltaServer(t, { asyncRequests: { requests: ['GET /v1.0/users/delta'], pendingPolls: 0 } });
  const session = { 'x-edmock-session': 'suite-a' };
  await client.post('/v1.0/users', { id: 'adele' }, session);
  const accepted = await client.get('/v1.0/users/delta', { ...session, prefer: 'respond-async' });
  t.equal(accepted.status, 202);
  const result = await client.get(new URL(String(accepted.headers.location)).pathname, { ...session, 'odata-maxversion': '4.01' });
  t.equal(result.status, 200);
  t.equal(result.headers.asyncresult, '200');
  t.same(result.body.value.map((u: any) => u.id), ['adele']);
  const deltaLink = below(result.body['@odata.deltaLink']);
  await client.post('/v1.0/users', { id: 'bruno' }, session);
  t.same((await client.get(deltaLink, session)).body.value.map((u: any) => u.id), ['bruno'], 'the changes since, in the session');
  assertODataError(t, await client.get(deltaLink), 410, 'syncStateNotFound');
});
