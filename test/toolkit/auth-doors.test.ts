import t from 'tap';
import { parseServeOptions } from '../../src/cli/serve-options.js';
import { readPermissionTable } from '../../src/toolkit/auth.js';
import { createMockServer } from '../../src/server/mock-server.js';
import { isLoopbackHost } from '../../src/toolkit/admin-guard.js';
import { bearer } from '../helpers/bearer-token.js';
import { assertODataError, type Client, startServer, type TapTest } from '../helpers/server.js';

// Every door of a mock started with --auth, and what it answers: the services' resources (those
// Graph serves without a token, and those it does not), `$batch` and its parts, the entities a
// body nests, each claim Graph checks, and the admin API. Each table row is one door tried.

const WRITE_SCOPE = 'DeviceManagementApps.ReadWrite.All';
const APPS = '/beta/deviceAppManagement/mobileApps';
const NOW = Math.floor(Date.now() / 1000);
const HOUR = 3600;
const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const HEADER = part({ alg: 'none', typ: 'JWT' });
const raw = (payload: string) => `Bearer ${HEADER}.${payload}.unsigned`;

const EMPTY = 'Access token is empty.';
const UNREADABLE = 'CompactToken parsing failed with error code: 80049217';
const AUDIENCE = 'Access token validation failure. Invalid audience.';

interface Door {
  door: string;
  method?: 'GET' | 'POST' | 'DELETE';
  url: string;
  authorization?: string;
  body?: unknown;
  status: number;
  code?: string;
  message?: string | RegExp;
}

async function tryDoors(t: TapTest, client: Client, doors: Door[]): Promise<void> {
  for (const door of doors) {
    const headers: Record<string, string> = door.authorization === undefined ? {} : { authorization: door.authorization };
    const response = await client.request(door.method ?? 'GET', door.url, door.body, headers);
    if (door.code === undefined) {
      t.equal(response.status, door.status, door.door);
      continue;
    }
    t.test(door.door, async (t) => {
      assertODataError(t, response, door.status, door.code as string);
      if (door.message !== undefined) t.match(response.body.error.message, door.message);
      if (door.status === 401) t.match(response.headers['www-authenticate'], /^Bearer realm=""/, "Graph's challenge");
    });
  }
}

t.test('the services: which doors answer without a token, and what each claim check answers', async (t) => {
  const client = await startServer(t, { auth: true });
  const read = bearer({ scp: 'User.Read' });
  await tryDoors(t, client, [
    { door: '$metadata without a token (Graph serves it)', url: '/beta/$metadata', status: 200 },
    { door: 'service document without a token (Graph serves it)', url: '/beta/', status: 200 },
    { door: 'an entity set without a token', url: '/beta/deviceAppManagement', status: 401, code: 'InvalidAuthenticationToken', message: EMPTY },
    { door: '$batch without a token', method: 'POST', url: '/beta/$batch', body: { requests: [{ id: '1', method: 'GET', url: '/deviceAppManagement' }] }, status: 401, code: 'InvalidAuthenticationToken', message: EMPTY },
    { door: 'a Basic credential', url: '/beta/deviceAppManagement', authorization: 'Basic dXNlcjpwYXNz', status: 401, code: 'InvalidAuthenticationToken' },
    { door: 'an opaque token (no dots)', url: '/beta/deviceAppManagement', authorization: 'Bearer opaque-token', status: 401, code: 'InvalidAuthenticationToken', message: /^IDX14100: JWT is not well formed, there are no dots/ },
    { door: 'two parts', url: '/beta/deviceAppManagement', authorization: `Bearer ${HEADER}.${part({ aud: 'https://graph.microsoft.com' })}`, status: 401, code: 'InvalidAuthenticationToken', message: UNREADABLE },
    { door: 'an empty payload', url: '/beta/deviceAppManagement', authorization: raw(''), status: 401, code: 'InvalidAuthenticationToken', message: UNREADABLE },
    { door: 'an empty JSON object as payload', url: '/beta/deviceAppManagement', authorization: raw(part({})), status: 401, code: 'InvalidAuthenticationToken', message: UNREADABLE },
    { door: 'a payload that is not JSON', url: '/beta/deviceAppManagement', authorization: raw(part('x').slice(1)), status: 401, code: 'InvalidAuthenticationToken', message: UNREADABLE },
    { door: 'exp in the past', url: '/beta/deviceAppManagement', authorization: bearer({ exp: NOW - HOUR }), status: 401, code: 'InvalidAuthenticationToken', message: 'Lifetime validation failed, the token is expired.' },
    { door: 'exp a string', url: '/beta/deviceAppManagement', authorization: bearer({ exp: String(NOW + HOUR) }), status: 401, code: 'InvalidAuthenticationToken', message: UNREADABLE },
    { door: 'nbf in the future', url: '/beta/deviceAppManagement', authorization: bearer({ nbf: NOW + HOUR, exp: NOW + 2 * HOUR }), status: 401, code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' },
    { door: 'nbf a string', url: '/beta/deviceAppManagement', authorization: bearer({ nbf: String(NOW - HOUR) }), status: 401, code: 'InvalidAuthenticationToken', message: UNREADABLE },
    { door: 'no aud', url: '/beta/deviceAppManagement', authorization: bearer({ aud: undefined, scp: 'User.Read' }), status: 401, code: 'InvalidAuthenticationToken', message: AUDIENCE },
    { door: "another resource's aud", url: '/beta/deviceAppManagement', authorization: bearer({ aud: 'https://management.azure.com' }), status: 401, code: 'InvalidAuthenticationToken', message: AUDIENCE },
    { door: 'aud not a string', url: '/beta/deviceAppManagement', authorization: bearer({ aud: 42 }), status: 401, code: 'InvalidAuthenticationToken', message: AUDIENCE },
    { door: 'a valid token (nbf past, exp future, Graph aud)', url: '/beta/deviceAppManagement', authorization: bearer({ nbf: NOW - 60, exp: NOW + HOUR, scp: 'User.Read' }), status: 200 },
    { door: "Graph's application id as aud", url: '/beta/deviceAppManagement', authorization: bearer({ aud: '00000003-0000-0000-c000-000000000000' }), status: 200 },
    { door: 'aud an array holding Graph', url: '/beta/deviceAppManagement', authorization: bearer({ aud: ['api://other', 'https://graph.microsoft.com'] }), status: 200 },
    { door: 'a $batch part with a token the part needs more than', method: 'POST', url: '/beta/$batch', authorization: read, body: { requests: [{ id: '1', method: 'GET', url: '/deviceAppManagement' }] }, status: 200 },
  ]);
});

t.test('a configured audience replaces the default', async (t) => {
  const client = await startServer(t, { auth: { audience: ['api://edmock-tests'] } });
  await tryDoors(t, client, [
    { door: 'Graph aud, not configured', url: '/beta/deviceAppManagement', authorization: bearer({}), status: 401, code: 'InvalidAuthenticationToken', message: AUDIENCE },
    { door: 'the configured aud', url: '/beta/deviceAppManagement', authorization: bearer({ aud: 'api://edmock-tests' }), status: 200 },
  ]);
});

const WEB_APP = (id: string, statuses: unknown[]) => ({ '@odata.type': '#microsoft.graph.webApp', id, displayName: id, userStatuses: statuses });
const STATUS = { '@odata.type': '#microsoft.graph.userAppInstallStatus', userName: 'nested' };

t.test('deep insert: each nested entity needs the permissions of a POST to its own collection', async (t) => {
  const table = await readPermissionTable('metadata/beta.permissions.json');
  const client = await startServer(t, { auth: { permissions: { '/beta': table } } });
  const appCount = async () => Number((await client.get(`${APPS}/$count`, { authorization: bearer({}) })).text);
  const before = await appCount();
  const denied = await client.post(APPS, WEB_APP('nested-denied', [STATUS]), { authorization: bearer({ scp: 'User.Read' }) });
  assertODataError(t, denied, 403, 'Authorization_RequestDenied');
  t.match(denied.body.error.message, /POST \/deviceAppManagement\/mobileApps\/\{mobileAppId\}\/userStatuses needs one of these permissions \(delegated: DeviceManagementApps\.ReadWrite\.All/);
  t.equal(await appCount(), before, 'nothing was created, not even the unchecked outer entity');
  t.equal((await client.post(APPS, WEB_APP('no-nesting', []), { authorization: bearer({ scp: 'User.Read' }) })).status, 201, 'the outer POST alone is not in the table');
  const granted = await client.post(APPS, WEB_APP('nested-granted', [STATUS]), { authorization: bearer({ scp: WRITE_SCOPE }) });
  t.equal(granted.status, 201, 'the scope the nested collection needs');
  t.equal(granted.body.userStatuses?.length, 1);
  const byRole = await client.post(APPS, WEB_APP('nested-role', [STATUS]), { authorization: bearer({ roles: [WRITE_SCOPE] }) });
  t.equal(byRole.status, 201, 'or the application role');
});

t.test('$batch: a part that deep-inserts is checked like the request alone', async (t) => {
  const table = await readPermissionTable('metadata/beta.permissions.json');
  const client = await startServer(t, { auth: { permissions: { '/beta': table } } });
  const requests = [
    { id: 'nested', method: 'POST', url: '/deviceAppManagement/mobileApps', headers: { 'Content-Type': 'application/json' }, body: WEB_APP('batch-nested', [STATUS]) },
    { id: 'flat', method: 'POST', url: '/deviceAppManagement/mobileApps', headers: { 'Content-Type': 'application/json' }, body: WEB_APP('batch-flat', []) },
    { id: 'own-token', method: 'GET', url: '/deviceAppManagement', headers: { Authorization: bearer({ exp: NOW - HOUR }) } },
  ];
  const response = await client.post('/beta/$batch', { requests }, { authorization: bearer({ scp: 'User.Read' }) });
  t.equal(response.status, 200);
  const answer = (id: string) => (response.body.responses as { id: string; status: number; body: any }[]).find((r) => r.id === id);
  t.equal(answer('nested')?.status, 403);
  t.equal(answer('nested')?.body.error.code, 'Authorization_RequestDenied');
  t.equal(answer('flat')?.status, 201);
  t.equal(answer('own-token')?.status, 401, "a part's own Authorization header is checked as the part's token");
  t.equal(answer('own-token')?.body.error.message, 'Lifetime validation failed, the token is expired.');
  t.equal((await client.get(`${APPS}/batch-nested`, { authorization: bearer({}) })).status, 404, 'the refused part created nothing');
});

const ADMIN_DOORS: [string, 'GET' | 'POST' | 'DELETE', string, unknown?][] = [
  ['index', 'GET', '/_edmock'],
  ['dump', 'GET', '/_edmock/dump'],
  ['journal', 'GET', '/_edmock/journal'],
  ['journal clear', 'DELETE', '/_edmock/journal'],
  ['journal verify', 'POST', '/_edmock/journal/verify', { count: 0 }],
  ['reset', 'POST', '/_edmock/reset', {}],
  ['fixtures', 'POST', '/_edmock/fixtures', { [APPS]: [WEB_APP('by-fixture', [])] }],
  ['faults list', 'GET', '/_edmock/faults'],
  ['faults add', 'POST', '/_edmock/faults', { fault: 'error', path: '/beta/**' }],
  ['faults clear', 'DELETE', '/_edmock/faults'],
  ['a session ended', 'DELETE', '/_edmock/sessions/nobody'],
];

t.test('the admin API with --auth: each door needs the edmock.admin role', async (t) => {
  const client = await startServer(t, { auth: true });
  for (const [name, method, url, body] of ADMIN_DOORS) {
    t.test(name, async (t) => {
      const anonymous = await client.request(method, url, body);
      assertODataError(t, anonymous, 401, 'InvalidAuthenticationToken');
      t.match(anonymous.body.error.message, /^Access token is empty\. The admin API needs the admin token .* or a token whose roles hold 'edmock\.admin'/);
      const serviceToken = await client.request(method, url, body, { authorization: bearer({ scp: WRITE_SCOPE, roles: [WRITE_SCOPE] }) });
      assertODataError(t, serviceToken, 403, 'Authorization_RequestDenied');
      t.equal(serviceToken.body.error.details[0].message, 'application: edmock.admin');
    });
  }
  const admin = bearer({ roles: ['edmock.admin'] });
  t.equal((await client.get('/_edmock/dump', { authorization: admin })).status, 200, 'the admin role opens it');
  t.equal((await client.post('/_edmock/faults', { fault: 'error', path: '/v1.0/nowhere' }, { authorization: admin })).status, 201);
  t.equal((await client.request('DELETE', '/_edmock/sessions/nobody', undefined, { authorization: admin })).status, 404, 'and the door then does its work');
  assertODataError(t, await client.get('/_edmock/dump', { authorization: bearer({ roles: ['edmock.admin'], exp: NOW - HOUR }) }), 401, 'InvalidAuthenticationToken');
  assertODataError(t, await client.get('/_edmock/dump', { authorization: bearer({ roles: ['edmock.admin'], aud: undefined }) }), 401, 'InvalidAuthenticationToken');
  const unread = await client.request('POST', '/_edmock/fixtures', '{"not json', { 'content-type': 'application/json' });
  assertODataError(t, unread, 401, 'InvalidAuthenticationToken');
  t.comment('credentials are checked before the body is read: a malformed body without them is a 401, not a 400');
});

t.test('the admin token opens the admin API, compared in full; the services stay as configured', async (t) => {
  const secret = 'correct-horse-battery-staple';
  const tokenOnly = await startServer(t, { adminToken: secret });
  assertODataError(t, await tokenOnly.get('/_edmock/dump'), 401, 'InvalidAuthenticationToken');
  assertODataError(t, await tokenOnly.get('/_edmock/dump', { authorization: `Bearer ${secret.slice(0, -1)}` }), 401, 'InvalidAuthenticationToken');
  assertODataError(t, await tokenOnly.get('/_edmock/dump', { authorization: `Bearer ${secret}x` }), 401, 'InvalidAuthenticationToken');
  assertODataError(t, await tokenOnly.get('/_edmock/dump', { authorization: bearer({ roles: ['edmock.admin'] }) }), 401, 'InvalidAuthenticationToken');
  t.equal((await tokenOnly.get('/_edmock/dump', { authorization: `Bearer ${secret}` })).status, 200);
  t.equal((await tokenOnly.get('/beta/deviceAppManagement')).status, 200, 'without --auth the services need no token');

  const both = await startServer(t, { auth: true, adminToken: secret });
  t.equal((await both.get('/_edmock/dump', { authorization: `Bearer ${secret}` })).status, 200, 'with --auth: the admin token');
  t.equal((await both.get('/_edmock/dump', { authorization: bearer({ roles: ['edmock.admin'] }) })).status, 200, 'or the role');
  assertODataError(t, await both.get('/_edmock/dump', { authorization: 'Bearer not-the-secret' }), 401, 'InvalidAuthenticationToken');
  assertODataError(t, await both.get('/beta/deviceAppManagement', { authorization: `Bearer ${secret}` }), 401, 'InvalidAuthenticationToken');
  t.comment('the admin token is no token for the services');
  await t.rejects(createMockServer({ adminToken: 'short' }), /8 characters or more/);
  await t.rejects(createMockServer({ adminToken: 'has a space' }), /no spaces/, 'a bearer token is one word');
});

t.test('the in-process API acts on the state directly, with auth on', async (t) => {
  const mock = await createMockServer({ auth: true });
  t.teardown(() => mock.close());
  const loaded = mock.load(APPS, [WEB_APP('in-process', [])]);
  t.equal(loaded.length, 1);
  t.ok(mock.dump()['/beta']?.entities.some((e) => e.key === 'in-process'));
  mock.faults.add({ fault: 'error', path: '/v1.0/nowhere' });
  t.equal(mock.faults.list().length, 1);
  mock.reset();
  t.equal(mock.journal.list().length, 0);
});

t.test('listening where other hosts reach an open admin API is refused', async (t) => {
  for (const host of ['localhost', '127.0.0.1', '127.8.9.10', '::1', '[::1]', '::ffff:127.0.0.1']) t.ok(isLoopbackHost(host), host);
  for (const host of ['0.0.0.0', '::', '192.168.1.20', 'example.test', '::ffff:10.0.0.1']) t.notOk(isLoopbackHost(host), host);
  const open = await createMockServer({ auth: true });
  t.teardown(() => open.close());
  await t.rejects(open.listen({ host: '0.0.0.0' }), /refusing to listen on '0\.0\.0\.0'.*--admin-token/);
  t.match(await open.listen(), /^http:\/\/127\.0\.0\.1:\d+$/, 'loopback is fine');

  const root = process.cwd();
  t.throws(() => parseServeOptions(['--host', '0.0.0.0'], root, {}), { message: /--host 0\.0\.0\.0: other hosts could reach the admin API.*--admin-token <secret>.*--unsafe-open-admin/ });
  t.throws(() => parseServeOptions(['--host', '0.0.0.0', '--auth'], root, {}), { message: /admin API/ }, 'a role claim anyone can mint protects nothing');
  t.throws(() => parseServeOptions(['--admin-token', 'short'], root, {}), { message: /8 characters or more/ });
  t.throws(() => parseServeOptions(['--audience', 'api://x'], root, {}), { message: /--audience goes with --auth/ });
  const settings = (args: string[], env: NodeJS.ProcessEnv = {}) => parseServeOptions(args, root, env) as Exclude<ReturnType<typeof parseServeOptions>, 'help'>;
  t.equal(settings(['--host', '0.0.0.0', '--admin-token', 'a-long-secret']).adminToken, 'a-long-secret');
  t.equal(settings(['--host', '0.0.0.0'], { EDMOCK_ADMIN_TOKEN: 'from-the-environment' }).adminToken, 'from-the-environment');
  t.equal(settings(['--host', '0.0.0.0', '--unsafe-open-admin']).unsafeOpenAdmin, true);
  t.same(settings(['--auth', '--audience', 'api://a', '--audience', 'api://b']).audience, ['api://a', 'api://b']);
});
