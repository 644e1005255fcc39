import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { createServer } from '../../src/server/create-server.js';
import { createMockServer } from '../../src/server/mock-server.js';
import { ensureTlsMaterial } from '../../src/toolkit/tls.js';
import { bearer } from '../helpers/bearer-token.js';
import { assertODataError, BETA_APP, startServer } from '../helpers/server.js';

// What a review of the toolkit found, pinned: secrets kept out of the journal, sessions that
// cannot touch each other's faults, permission checks no URL spelling escapes, and the edges of
// persistence, TLS and the admin API.

const USER_STATUSES = `${BETA_APP}/userStatuses`;
const token = (claims: Record<string, unknown>) => bearer(claims);

t.test('the journal never keeps a credential: a token without its scheme, cookies', async (t) => {
  const client = await startServer(t);
  await client.get(USER_STATUSES, { authorization: 'eyJsecretnoscheme' });
  await client.get(USER_STATUSES, { authorization: 'Basic dXNlcjpwYXNz', cookie: 'sid=1; other=2' });
  await client.get(USER_STATUSES, { 'proxy-authorization': 'Bearer x.y.z' });
  const [first, second, third] = (await client.get('/_edmock/journal')).body.value;
  t.equal(first.headers.authorization, '[redacted]', 'no scheme: nothing of it is kept');
  t.equal(second.headers.authorization, 'Basic [redacted]');
  t.equal(second.headers.cookie, '[redacted]');
  t.equal(third.headers['proxy-authorization'], 'Bearer [redacted]');
});

t.test("sessions cannot see, count or remove each other's fault rules", async (t) => {
  const client = await startServer(t);
  const a = { 'x-edmock-session': 'a' };
  const b = { 'x-edmock-session': 'b' };
  t.equal((await client.post('/_edmock/faults', { fault: 'error', path: '/beta/**', every: 2 })).status, 201, 'a global rule');
  const statuses: [number, number][] = [];
  for (let i = 0; i < 2; i++) statuses.push([(await client.get(USER_STATUSES, a)).status, (await client.get(USER_STATUSES, b)).status]);
  t.same(statuses, [[200, 200], [500, 500]], "a global rule counts each session's requests on their own");
  const own = await client.request('POST', '/_edmock/faults', { fault: 'timeout', path: '/v1.0/**' }, a);
  assertODataError(t, await client.request('DELETE', `/_edmock/faults/${own.body.id}`, undefined, b), 404, 'ResourceNotFound');
  t.equal((await client.delete('/_edmock/faults')).status, 204, 'the default session removes the global rules');
  t.equal((await client.get('/v1.0/deviceAppManagement', a)).status, 504, "and not a session's own");
  t.equal((await client.get(USER_STATUSES, b)).status, 200);
  t.equal((await client.delete('/_edmock/sessions/a')).status, 204);
  t.equal((await client.get('/v1.0/deviceAppManagement', a)).status, 200, 'an ended session takes its rules with it');
});

t.test('a dropped connection under inject rejects, as a client sees a reset', async (t) => {
  const mock = await createMockServer();
  t.teardown(() => mock.close());
  await t.rejects(mock.inject({ url: USER_STATUSES, headers: { 'x-edmock-fault': 'drop' } }), { code: 'LIGHT_ECONNRESET' });
});

t.test('permission checks hold for every spelling of the URL; the in-process API reads the pages\' tables too', async (t) => {
  const mock = await createMockServer({ auth: true });
  t.teardown(() => mock.close());
  const post = (url: string) => mock.inject({ method: 'POST', url, headers: { authorization: token({ scp: 'User.Read' }), 'content-type': 'application/json' }, payload: '{"userName":"x"}' });
  for (const url of [USER_STATUSES, `${BETA_APP}/microsoft.graph.webApp/userStatuses`, "/beta/deviceAppManagement/mobileApps('11111111-1111-4111-8111-111111111111')/userStatuses"]) {
    t.equal((await post(url)).statusCode, 403, url);
  }
  await mock.inject({ method: 'POST', url: '/beta/deviceAppManagement/mobileApps', headers: { authorization: token({ roles: ['DeviceManagementApps.ReadWrite.All'] }), 'content-type': 'application/json' }, payload: JSON.stringify({ '@odata.type': '#microsoft.graph.webApp', id: 'a/b' }) });
  t.equal((await post('/beta/deviceAppManagement/mobileApps/a%2Fb/userStatuses')).statusCode, 403, 'a key holding a slash is one segment');
});

t.test('--data: the file is written at startup (an unwritable path fails then), load() is saved, a foreign type is refused', async (t) => {
  const dir = t.testdir();
  await t.rejects(createServer({ dataFile: path.join(dir, 'missing', 'sub', 'store.json') }), /--data .*store\.json: cannot be written/);
  const file = path.join(dir, 'store.json');
  const mock = await createMockServer({ dataFile: file });
  mock.load(USER_STATUSES, [{ id: 'loaded', userName: 'kept' }]);
  await mock.close();
  const saved = JSON.parse(await readFile(file, 'utf8'));
  t.ok(saved.services['/beta'].entities.some((e: { key: string }) => e.key === 'loaded'), 'load() reached the file');
  saved.services['/beta'].entities[0].type = 'microsoft.graph.nothingLikeIt';
  await writeFile(file, JSON.stringify(saved));
  await t.rejects(createServer({ dataFile: file }), /is a 'microsoft\.graph\.nothingLikeIt', which the metadata of '\/beta' does not declare/);
  for (const content of ['{"format":"edmock-store","version":1,"services":null}', '{"format":"edmock-store","version":1,"services":{"/beta":{"sequence":1,"entities":[],"links":[{}]}}}']) {
    await writeFile(file, content);
    await t.rejects(createServer({ dataFile: file }), /left as it is/);
  }
});

t.test('servers starting together share one CA', async (t) => {
  const dir = path.join(t.testdir(), 'tls');
  const materials = await Promise.all(Array.from({ length: 6 }, () => ensureTlsMaterial(dir)));
  t.equal(new Set(materials.map((m) => m.cert)).size, 1, 'the same certificate for all');
  t.equal(materials.filter((m) => m.created).length, 1, 'made once');
  t.equal(await readFile(path.join(dir, 'localhost.pem'), 'utf8'), materials[0]?.cert);
  const partial = path.join(t.testdir(), 'partial');
  await mkdir(partial);
  await writeFile(path.join(partial, 'ca.pem'), 'x');
  await t.rejects(ensureTlsMaterial(partial), /exists without a complete CA and certificate/);
});

t.test('admin edges: filter typos, Retry-After bounds, a body-less reset, journal size, the reserved prefix', async (t) => {
  const client = await startServer(t);
  const typo = await client.get('/_edmock/journal?staus=404');
  assertODataError(t, typo, 400, 'BadRequest');
  t.equal(typo.body.error.target, 'staus');
  assertODataError(t, await client.get('/_edmock/journal?status=abc'), 400, 'BadRequest');
  assertODataError(t, await client.post('/_edmock/journal/verify', { count: 1, bogus: 1 }), 400, 'BadRequest');
  assertODataError(t, await client.post('/_edmock/faults', { fault: 'throttle', retryAfter: 1e21 }), 400, 'BadRequest');
  assertODataError(t, await client.get(USER_STATUSES, { 'x-edmock-fault': 'throttle; retry-after=' }), 400, 'BadRequest');
  t.equal((await client.request('POST', '/_edmock/reset', '', { 'content-type': 'application/json' })).status, 204);
  await t.rejects(createServer({ journalSize: -1 }), /journalSize: -1 is not a whole number from 0 to 1000000/);
  await t.rejects(createServer({ services: [{ prefix: '/_edmock', bundled: 'beta' }] }), /the service prefix '\/_edmock' is taken/);
  await t.rejects(createServer({ services: [{ prefix: '/_edmock/x', bundled: 'beta' }] }), /is taken/);
});
