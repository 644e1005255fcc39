import t from 'tap';
import { bearerToken } from '../helpers/bearer-token.js';
import { APP_ID, assertODataError, BETA_APP, CONFIG_ID, startServer, type Client } from '../helpers/server.js';

// JSON batching: OData 4.01 JSON Format §19 and Microsoft Graph's JSON batching. Each part is
// answered exactly as the same request sent alone; the batch adds ordering (dependsOn), 424 for
// a part whose dependency failed, all-or-nothing atomicity groups, `$<id>` references and a limit.

const APPS = '/beta/deviceAppManagement/mobileApps';
const WEB_APP = { '@odata.type': '#microsoft.graph.webApp', displayName: 'Batch app', appUrl: 'https://example.com' };
const JSON_TYPE = { 'content-type': 'application/json' };

interface PartAnswer {
  id: string;
  status: number;
  atomicityGroup?: string;
  headers: Record<string, string>;
  body?: any;
}

async function batch(client: Client, requests: unknown[], headers: Record<string, string> = {}, url = '/beta/$batch') {
  const response = await client.post(url, { requests }, headers);
  const byId = new Map<string, PartAnswer>();
  for (const answer of (response.body?.responses ?? []) as PartAnswer[]) byId.set(answer.id, answer);
  return { response, byId, part: (id: string): PartAnswer => byId.get(id) as PartAnswer };
}

async function appCount(client: Client): Promise<number> {
  return Number((await client.get(`${APPS}/$count`)).text);
}

t.test('JSON §19: a batch answers 200 with one response per request, each as if sent alone', async (t) => {
  const client = await startServer(t);
  const alone = await client.get(`${BETA_APP}?$select=displayName`);
  const { response, part } = await batch(client, [
    { id: 'read', method: 'GET', url: `/deviceAppManagement/mobileApps/${APP_ID}?$select=displayName` },
    { id: 'create', method: 'POST', url: 'deviceAppManagement/mobileApps', headers: JSON_TYPE, body: WEB_APP },
  ]);
  t.equal(response.status, 200);
  t.match(response.headers['content-type'], /^application\/json/);
  t.same(response.body.responses.map((r: PartAnswer) => r.id), ['read', 'create'], 'responses in the order of the requests');
  t.equal(part('read').status, 200);
  t.same(part('read').body, alone.body, 'the body a part answers is the body the request answers alone');
  t.equal(part('read').headers.ETag, alone.headers.etag);
  t.equal(part('create').status, 201);
  t.match(part('create').headers.Location, new RegExp(`/beta/deviceAppManagement/mobileApps\\('${part('create').body.id}'\\)$`));
  t.equal(part('create').body.displayName, 'Batch app');
  t.equal((await client.get(`${APPS}/${part('create').body.id}`)).status, 200, 'the created entity is stored');
});

t.test('part URLs: relative to the service root, absolute-path, with the version prefix (as the Graph SDK sends them), absolute', async (t) => {
  const client = await startServer(t);
  const forms = ['deviceAppManagement/mobileApps/' + APP_ID, '/deviceAppManagement/mobileApps/' + APP_ID, `/beta/deviceAppManagement/mobileApps/${APP_ID}`, `http://localhost/beta/deviceAppManagement/mobileApps/${APP_ID}`];
  const { part } = await batch(client, forms.map((url, i) => ({ id: String(i + 1), method: 'GET', url })));
  for (let i = 1; i <= forms.length; i++) {
    t.equal(part(String(i)).status, 200, forms[i - 1]);
    t.equal(part(String(i)).body.id, APP_ID, forms[i - 1]);
  }
});

t.test('$<id> at the start of a URL names the entity an earlier request created (JSON §19.1, Protocol §11.7.3.1)', async (t) => {
  const client = await startServer(t);
  const { part } = await batch(client, [
    { id: 'new', method: 'POST', url: '/deviceAppManagement/mobileApps', headers: JSON_TYPE, body: WEB_APP },
    { id: 'rename', method: 'PATCH', url: '$new', dependsOn: ['new'], headers: JSON_TYPE, body: { '@odata.type': '#microsoft.graph.webApp', displayName: 'Renamed' } },
    { id: 'read', method: 'GET', url: '$new?$select=displayName', dependsOn: ['rename'] },
    { id: 'nothing', method: 'GET', url: '$read', dependsOn: ['read'] },
  ]);
  t.equal(part('rename').status, 204);
  t.equal(part('read').body.displayName, 'Renamed');
  assertODataError(t, toResponse(part('nothing')), 400, 'BadRequest');
  t.match(part('nothing').body.error.message, /'\$read'.*created/);
});

t.test('Graph: a request whose dependency failed is not run and answers 424, and so do those depending on it', async (t) => {
  const client = await startServer(t);
  const before = await appCount(client);
  const { response, part } = await batch(client, [
    { id: '1', method: 'GET', url: '/deviceAppManagement/mobileApps/no-such-app' },
    { id: '2', method: 'POST', url: '/deviceAppManagement/mobileApps', dependsOn: ['1'], headers: JSON_TYPE, body: WEB_APP },
    { id: '3', method: 'GET', url: '/deviceAppManagement/mobileApps', dependsOn: ['2'] },
    { id: '4', method: 'GET', url: `/deviceAppManagement/mobileApps/${APP_ID}` },
  ]);
  t.equal(response.status, 200, 'the batch itself succeeds');
  t.equal(part('1').status, 404);
  for (const id of ['2', '3']) {
    t.equal(part(id).status, 424, `request ${id}`);
    t.equal(part(id).body.error.code, 'FailedDependency');
  }
  t.equal(part('4').status, 200, 'an independent request still runs (JSON §19.4: continue by default)');
  t.equal(await appCount(client), before, 'the create that depended on a failure did not happen');
});

t.test('JSON §19.1: an atomicity group commits all or nothing', async (t) => {
  const client = await startServer(t);
  const before = await appCount(client);
  const { part } = await batch(client, [
    { id: 'a', atomicityGroup: 'g1', method: 'POST', url: '/deviceAppManagement/mobileApps', headers: JSON_TYPE, body: WEB_APP },
    { id: 'b', atomicityGroup: 'g1', method: 'POST', url: '/deviceAppManagement/mobileApps', headers: JSON_TYPE, body: { ...WEB_APP, appUrl: 42 } },
    { id: 'c', atomicityGroup: 'g1', method: 'POST', url: '/deviceAppManagement/mobileApps', headers: JSON_TYPE, body: WEB_APP },
    { id: 'd', method: 'GET', url: '/deviceAppManagement/mobileApps/$count', dependsOn: ['g1'] },
  ]);
  t.equal(part('b').status, 400, 'the failing request answers its own error');
  t.equal(part('a').status, 424, 'a request of the group that had succeeded is rolled back');
  t.equal(part('c').status, 424, 'a request after the failure does not run');
  t.equal(part('a').atomicityGroup, 'g1', 'JSON §19.5: the response repeats the group');
  t.equal(part('d').status, 424, 'a request depending on the group fails with it');
  t.equal(await appCount(client), before, 'nothing of the group was kept');

  const ok = await batch(client, [
    { id: 'a', atomicityGroup: 'g', method: 'POST', url: '/deviceAppManagement/mobileApps', headers: JSON_TYPE, body: WEB_APP },
    { id: 'b', atomicityGroup: 'g', method: 'POST', url: '/deviceAppManagement/mobileApps', headers: JSON_TYPE, body: WEB_APP },
  ]);
  t.same([ok.part('a').status, ok.part('b').status], [201, 201]);
  t.equal(await appCount(client), before + 2, 'a group that succeeds is kept');
});

t.test('Prefer: continue-on-error=false stops the batch at the first failure (JSON §19.4)', async (t) => {
  const client = await startServer(t);
  const { response, byId } = await batch(client, [
    { id: '1', method: 'GET', url: '/deviceAppManagement/mobileApps/missing' },
    { id: '2', method: 'GET', url: '/deviceAppManagement/mobileApps' },
  ], { prefer: 'odata.continue-on-error=false' });
  t.equal(response.status, 200);
  t.same([...byId.keys()], ['1'], 'what did not run has no response');
});

t.test('Graph: more than 20 requests is a 400; the limit is configurable', async (t) => {
  const client = await startServer(t);
  const requests = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i + 1), method: 'GET', url: '/deviceAppManagement' }));
  t.equal((await batch(client, requests(20))).response.status, 200, '20 is allowed');
  const over = (await batch(client, requests(21))).response;
  assertODataError(t, over, 400, 'BadRequest');
  t.match(over.body.error.message, /21 requests; the limit is 20/);
  const small = await startServer(t, { batchLimit: 2 });
  assertODataError(t, (await batch(small, requests(3))).response, 400, 'BadRequest');
  const none = await startServer(t, { batchLimit: 0 });
  t.equal((await batch(none, requests(25))).response.status, 200, 'batchLimit 0: no limit');
});

t.test('with no limit, a chain of 10,000 dependencies runs in order (no recursion as deep as the batch)', async (t) => {
  const client = await startServer(t, { batchLimit: 0, journalSize: 0 });
  const length = 10_000;
  const requests = Array.from({ length }, (_, i) => ({ id: `r${i}`, method: 'GET', url: '/deviceAppManagement', dependsOn: i === length - 1 ? [] : [`r${i + 1}`] }));
  const response = await client.post('/beta/$batch', { requests });
  t.equal(response.status, 200);
  const ids = (response.body.responses as PartAnswer[]).map((r) => r.id);
  t.equal(ids.length, length);
  t.ok((response.body.responses as PartAnswer[]).every((r) => r.status === 200), 'every request ran');
  const cycle = [...requests.slice(0, -1), { ...requests[length - 1], dependsOn: ['r0'] }];
  const refused = await client.post('/beta/$batch', { requests: cycle });
  assertODataError(t, refused, 400, 'BadRequest');
  t.match(refused.body.error.message, /cycle: 'r0' -> 'r1' -> .* -> 'r0'/);
});

t.test('a batch whose requests cannot run as written is a 400 naming the request, and nothing runs', async (t) => {
  const client = await startServer(t);
  const before = await appCount(client);
  const create = { method: 'POST', url: '/deviceAppManagement/mobileApps', headers: JSON_TYPE, body: WEB_APP };
  const cases: [string, unknown[], RegExp][] = [
    ['a repeated id (Graph: ids are not case-sensitive)', [{ id: 'x', ...create }, { id: 'X', ...create }], /'X' is used by more than one/],
    ['a dependency on no request', [{ id: '1', ...create, dependsOn: ['9'] }], /'1' depends on '9'/],
    ['a cycle', [{ id: '1', ...create, dependsOn: ['2'] }, { id: '2', ...create, dependsOn: ['1'] }], /cycle: '1' -> '2' -> '1'/],
    ['a request that is itself a $batch', [{ id: '1', ...create }, { id: '2', method: 'POST', url: '/$batch', headers: JSON_TYPE, body: { requests: [] } }], /'2' is itself a \$batch/],
    ['a request without a method', [{ id: '1', url: '/deviceAppManagement' }], /'1' has no "method"/],
    ['a request without an id', [{ method: 'GET', url: '/deviceAppManagement' }], /no "id" string/],
    ['dependsOn that is not an array of ids', [{ id: '1', method: 'GET', url: '/x', dependsOn: '0' }], /"dependsOn" of request '1'/],
  ];
  for (const [what, requests, message] of cases) {
    const { response } = await batch(client, requests);
    assertODataError(t, response, 400, 'BadRequest');
    t.match(response.body.error.message, message, what);
  }
  t.equal(await appCount(client), before, 'no request of a refused batch ran');
});

t.test('the batch resource itself: POST only, JSON or multipart, a body that is a batch', async (t) => {
  const client = await startServer(t);
  const get = await client.get('/beta/$batch');
  assertODataError(t, get, 405, 'MethodNotAllowed');
  t.equal(get.headers.allow, 'POST');
  assertODataError(t, await client.request('POST', '/beta/$batch', '<batch/>', { 'content-type': 'text/xml' }), 415, 'UnsupportedMediaType');
  assertODataError(t, await client.request('POST', '/beta/$batch', '{"requests":[', JSON_TYPE), 400, 'BadRequest');
  assertODataError(t, await client.post('/beta/$batch', { value: [] }), 400, 'BadRequest');
  assertODataError(t, await client.post('/beta/$batch', ['x']), 400, 'BadRequest');
  const big = await startServer(t, { bodyLimit: 1024 });
  const tooBig = await batch(big, [{ id: '1', method: 'POST', url: '/deviceAppManagement/mobileApps', headers: JSON_TYPE, body: { ...WEB_APP, description: 'x'.repeat(2000) } }]);
  assertODataError(t, tooBig.response, 413, 'RequestEntityTooLarge');
  t.equal((await batch(client, [])).response.status, 200, 'an empty batch answers an empty list');
  t.equal((await client.post('/v1.0/%24batch', { requests: [{ id: '1', method: 'GET', url: '/deviceAppManagement' }] })).status, 200, 'percent-encoded $batch, the v1.0 service');
  t.equal((await client.post('/beta/$batch/', { requests: [] })).status, 200, 'a trailing slash, as on any other path');
  t.equal((await client.get('/beta/$batch/')).headers.allow, 'POST');
});

t.test('part bodies: JSON values, base64url, and media types a request alone would be refused', async (t) => {
  const client = await startServer(t);
  const base64 = Buffer.from(JSON.stringify(WEB_APP)).toString('base64url');
  const { part } = await batch(client, [
    { id: 'b64', method: 'POST', url: '/deviceAppManagement/mobileApps', headers: JSON_TYPE, body: base64 },
    { id: 'xml', method: 'POST', url: '/deviceAppManagement/mobileApps', headers: { 'Content-Type': 'application/xml' }, body: Buffer.from('<a/>').toString('base64url') },
    { id: 'bad', method: 'POST', url: '/deviceAppManagement/mobileApps', headers: JSON_TYPE, body: Buffer.from('{"displayName":').toString('base64url') },
    { id: 'count', method: 'GET', url: '/deviceAppManagement/mobileApps/$count', headers: { accept: 'text/plain' } },
    { id: 'delete', method: 'DELETE', url: '$b64', dependsOn: ['b64'], headers: JSON_TYPE },
  ]);
  t.equal(part('delete').status, 204, 'RFC 9110 §9.3.5: a DELETE with a JSON Content-Type and no body, as o.js and SAP send it');
  t.equal(part('b64').status, 201, 'Graph: a JSON body may come base64url-encoded');
  t.equal(part('xml').status, 415);
  t.equal(part('xml').body.error.code, 'UnsupportedMediaType');
  t.equal(part('bad').status, 400);
  t.match(part('count').headers['Content-Type'], /^text\/plain/);
  t.equal(typeof part('count').body, 'string', 'JSON §19.5: a text/plain body is a JSON string');
  t.match(part('count').body, /^\d+$/);
});

t.test('faults hit the part they match: a throttled part answers 429 with Retry-After while the batch is 200', async (t) => {
  const client = await startServer(t, { faults: { rules: [{ fault: 'throttle', path: '/beta/deviceAppManagement/mobileAppConfigurations/*', retryAfter: 3 }, { fault: 'latency', path: '/beta/deviceAppManagement', latencyMs: 20 }] } });
  const { response, part } = await batch(client, [
    { id: '1', method: 'GET', url: `/deviceAppManagement/mobileAppConfigurations/${CONFIG_ID}` },
    { id: '2', method: 'GET', url: `/deviceAppManagement/mobileApps/${APP_ID}` },
    { id: '3', method: 'GET', url: '/deviceAppManagement' },
  ]);
  t.equal(response.status, 200);
  t.equal(part('1').status, 429);
  t.equal(part('1').headers['Retry-After'], '3');
  t.equal(part('1').body.error.code, 'TooManyRequests');
  t.equal(part('2').status, 200);
  t.equal(part('3').status, 200, 'a latency fault delays the batch, not the answer');
  const journal = (await client.get('/_edmock/journal')).body.value as { url: string; fault?: string }[];
  t.ok(journal.some((e) => e.url === '/beta/deviceAppManagement' && e.fault !== undefined), 'the latency fault is journaled on its part');
});

t.test('each part has its own journal entry, linked to the batch', async (t) => {
  const client = await startServer(t);
  const { response } = await batch(client, [
    { id: 'first', method: 'GET', url: '/deviceAppManagement' },
    { id: 'second', method: 'GET', url: '/deviceAppManagement/nowhere' },
  ], { 'client-request-id': 'batch-cid' });
  const entries = (await client.get('/_edmock/journal')).body.value as { method: string; url: string; status: number; requestId: string; batch?: { requestId: string; id: string } }[];
  const batchEntry = entries.find((e) => e.url === '/beta/$batch');
  t.ok(batchEntry, 'the batch is journaled');
  t.equal(batchEntry?.requestId, response.headers['request-id']);
  const parts = entries.filter((e) => e.batch !== undefined);
  t.same(parts.map((e) => [e.batch?.id, e.url, e.status]), [['first', '/beta/deviceAppManagement', 200], ['second', '/beta/deviceAppManagement/nowhere', 404]]);
  t.ok(parts.every((e) => e.batch?.requestId === batchEntry?.requestId), 'each part names the batch it came in');
  t.ok(entries.indexOf(parts[1]) < entries.indexOf(batchEntry as never), 'parts are journaled as they run, the batch when it answers');
});

t.test('the batch session header and credentials apply to every part', async (t) => {
  const client = await startServer(t);
  const session = { 'x-edmock-session': 'batch-suite' };
  const { part } = await batch(client, [{ id: '1', method: 'POST', url: '/deviceAppManagement/mobileApps', headers: JSON_TYPE, body: WEB_APP }], session);
  const id = part('1').body.id as string;
  t.equal((await client.get(`${APPS}/${id}`, session)).status, 200, 'created in the batch session');
  t.equal((await client.get(`${APPS}/${id}`)).status, 404, 'not in the default session');
});

t.test('with --auth: the batch needs a token, and each part is checked against its own permissions', async (t) => {
  const client = await startServer(t, { auth: true });
  const claims = (scp: string) => `Bearer ${jwt({ scp })}`;
  const unauthenticated = await batch(client, [{ id: '1', method: 'GET', url: '/deviceAppManagement' }]);
  assertODataError(t, unauthenticated.response, 401, 'InvalidAuthenticationToken');
  const userStatuses = `/deviceAppManagement/mobileApps/${APP_ID}/userStatuses`;
  const body = { '@odata.type': '#microsoft.graph.userAppInstallStatus', userName: 'A', userPrincipalName: 'a@contoso.com', installedDeviceCount: 1, failedDeviceCount: 0, notInstalledDeviceCount: 0 };
  const { response, part } = await batch(client, [
    { id: 'read', method: 'GET', url: userStatuses },
    { id: 'write', method: 'POST', url: userStatuses, headers: JSON_TYPE, body },
  ], { authorization: claims('User.Read') });
  t.equal(response.status, 200);
  t.equal(part('read').status, 200);
  t.equal(part('write').status, 403, 'a part the token does not grant is refused alone');
  t.equal(part('write').body.error.code, 'Authorization_RequestDenied');
});

const jwt = bearerToken;

/** A part's answer in the shape assertODataError reads. */
function toResponse(answer: PartAnswer) {
  const headers = Object.fromEntries(Object.entries(answer.headers).map(([name, value]) => [name.toLowerCase(), value]));
  return { status: answer.status, headers, body: answer.body, text: JSON.stringify(answer.body) };
}


