import path from 'node:path';
import t from 'tap';
import { parseServeOptions } from '../../src/cli/serve-options.js';
import { bearerToken } from '../helpers/bearer-token.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { assertODataError, GUID, startServer, type Client, type Response, type TapTest } from '../helpers/server.js';
import type { CreateServerOptions } from '../../src/server/create-server.js';

// Asynchronous requests, as a client sees them over HTTP (OData 4.01 Protocol §8.2.8.8, §9.1.3,
// §11.6; test/models/operations.xml). A request that prefers `respond-async` is answered
// `202 Accepted` with the status monitor in `Location`; the monitor answers 202 with Retry-After
// until the request is done, then 200 with the request's own answer.

const MODEL = path.join(REPO_ROOT, 'test', 'models', 'operations.xml');
const BASE = 'http://localhost:80';
const ASYNC = { prefer: 'respond-async' };
const MONITOR = /^http:\/\/localhost:80\/\$async\/([0-9a-f-]{36})$/;

async function shop(t: TapTest, options: CreateServerOptions = {}): Promise<Client> {
  const client = await startServer(t, { services: [{ prefix: '', metadataFile: MODEL }], ...options });
  t.equal((await client.post('/Categories', { Id: 7, Name: 'Tools' })).status, 201);
  t.equal((await client.post('/Products', { Id: 1, Name: 'Hammer', Price: 9.5, Color: 'Red' })).status, 201);
  return client;
}

/** The 202 of §11.6: Location of a status monitor, Retry-After, Preference-Applied (§8.2.8.8); its monitor's path. */
function assertAccepted(t: TapTest, response: Response, retryAfter = '1'): string {
  t.equal(response.status, 202, '202 Accepted (§9.1.3)');
  t.match(response.headers.location, MONITOR, 'Location names a status monitor under the service root');
  t.equal(response.headers['retry-after'], retryAfter, 'Retry-After in seconds (§8.3.7)');
  t.equal(response.headers['preference-applied'], 'respond-async', 'Preference-Applied: respond-async (§8.2.8.8)');
  t.equal(response.text, '', 'no body');
  return new URL(response.headers.location as string).pathname;
}

/** A poll that is still pending: 202 with Location (the same monitor) and Retry-After (§11.6). */
function assertPending(t: TapTest, response: Response, monitor: string, retryAfter = '1'): void {
  t.equal(response.status, 202, 'the monitor answers 202 while pending');
  t.equal(new URL(response.headers.location as string).pathname, monitor, 'with Location again');
  t.equal(response.headers['retry-after'], retryAfter, 'and Retry-After');
  t.notOk(response.headers.asyncresult, 'no AsyncResult before the end');
}

t.test('an action that prefers respond-async: 202, one pending poll, then 200 with AsyncResult and the action\'s result', async (t) => {
  const c = await shop(t);
  const monitor = assertAccepted(t, await c.post('/Products(1)/ops.Discount', { Percent: 10 }, ASYNC));
  assertPending(t, await c.get(monitor, { accept: 'application/json' }), monitor);
  const done = await c.get(monitor, { accept: 'application/json' });
  t.equal(done.status, 200, '200 once done (§11.6)');
  t.equal(done.headers.asyncresult, '200', 'AsyncResult: the request\'s own status (§8.3.1)');
  t.match(done.headers['content-type'], /^application\/json/, 'the request\'s own headers');
  t.equal(done.body['@odata.context'], `${BASE}/$metadata#Products/$entity`);
  t.equal(done.body.Id, 1);
  t.match(done.headers['request-id'], GUID);
  assertODataError(t, await c.get(monitor, { accept: 'application/json' }), 404, 'ResourceNotFound');
});

t.test('bound to a collection, through an action import, and with no return type: each goes async', async (t) => {
  const c = await shop(t);
  const recolor = assertAccepted(t, await c.post('/Products/ops.Recolor', { Color: 'Green' }, ASYNC));
  const report = assertAccepted(t, await c.post('/Report', { Title: 'Q1' }, ASYNC));
  const archive = assertAccepted(t, await c.post('/Products(1)/ops.Archive', {}, ASYNC));
  for (const monitor of [recolor, report, archive]) await c.get(monitor, { accept: 'application/json' });
  t.equal((await c.get(recolor, { accept: 'application/json' })).headers.asyncresult, '200');
  t.equal((await c.get(report, { accept: 'application/json' })).headers.asyncresult, '200');
  const archived = await c.get(archive, { accept: 'application/json' });
  t.equal(archived.status, 200, 'the monitor answers 200 (§11.6)');
  t.equal(archived.headers.asyncresult, '204', 'for an action without a return type (§11.5.5.1)');
  t.equal(archived.text, '');
});

t.test('the pending polls and Retry-After are configurable', async (t) => {
  const c = await shop(t, { asyncRequests: { pendingPolls: 3, retryAfter: 7 } });
  const monitor = assertAccepted(t, await c.post('/Products(1)/ops.Approve', {}, ASYNC), '7');
  for (let poll = 0; poll < 3; poll++) assertPending(t, await c.get(monitor, { accept: 'application/json' }), monitor, '7');
  const done = await c.get(monitor, { accept: 'application/json' });
  t.equal(done.headers.asyncresult, '200');
  t.same(done.body, { '@odata.context': `${BASE}/$metadata#Edm.Boolean`, value: true });
  const immediate = await shop(t, { asyncRequests: { pendingPolls: 0 } });
  const direct = assertAccepted(t, await immediate.post('/Products(1)/ops.Approve', {}, ASYNC));
  t.equal((await immediate.get(direct, { accept: 'application/json' })).headers.asyncresult, '200', 'with 0, the first poll has the result');
});

t.test('OData 4.0 without Accept, or any poll accepting application/http: the result as an HTTP message (§11.6)', async (t) => {
  const c = await shop(t);
  const polls: Record<string, string>[] = [{}, { 'odata-maxversion': '4.0' }, { accept: 'application/http', 'odata-maxversion': '4.01' }];
  for (const headers of polls) {
    const monitor = assertAccepted(t, await c.post('/Products(1)/ops.Discount', { Percent: 5 }, ASYNC));
    await c.get(monitor, headers);
    const done = await c.get(monitor, headers);
    t.equal(done.status, 200);
    t.equal(done.headers['content-type'], 'application/http', `Content-Type: application/http (${JSON.stringify(headers)})`);
    t.equal(done.headers.asyncresult, '200');
    const [head = '', body = ''] = done.text.split('\r\n\r\n');
    t.match(head, /^HTTP\/1\.1 200 OK\r\n/, 'a status line');
    t.match(head, /\r\ncontent-type: application\/json;odata\.metadata=minimal/i, 'the response\'s own headers');
    t.equal(JSON.parse(body).Id, 1, 'and its body');
  }
});

t.test('OData 4.01, or 4.0 with an Accept not naming application/http: AsyncResult and the response itself (§11.6)', async (t) => {
  const c = await shop(t);
  const polls: Record<string, string>[] = [{ 'odata-maxversion': '4.01' }, { accept: '*/*' }, { accept: 'application/json', 'odata-maxversion': '4.0' }];
  for (const headers of polls) {
    const monitor = assertAccepted(t, await c.post('/Products(1)/ops.Discount', { Percent: 5 }, ASYNC));
    await c.get(monitor, headers);
    const done = await c.get(monitor, headers);
    t.equal(done.headers.asyncresult, '200', `AsyncResult (${JSON.stringify(headers)})`);
    t.match(done.headers['content-type'], /^application\/json/);
    t.equal(done.body.Id, 1);
  }
});

t.test('nothing of the request is visible before its monitor is done; a create marked async ends in 200 with AsyncResult 201 and its Location', async (t) => {
  const c = await shop(t, { asyncRequests: { requests: ['POST /Products'] } });
  const monitor = assertAccepted(t, await c.post('/Products', { Id: 5, Name: 'Drill' }, ASYNC));
  assertODataError(t, await c.get('/Products(5)'), 404, 'ResourceNotFound');
  assertPending(t, await c.get(monitor, { accept: 'application/json' }), monitor);
  assertODataError(t, await c.get('/Products(5)'), 404, 'ResourceNotFound');
  const done = await c.get(monitor, { accept: 'application/json' });
  t.equal(done.status, 200, '§11.6 has the final answer 200, not 303');
  t.equal(done.headers.asyncresult, '201', 'AsyncResult: 201 Created');
  t.equal(done.headers.location, `${BASE}/Products(5)`, 'Location of the created entity (§8.3.3)');
  t.equal(done.body.Name, 'Drill');
  t.equal((await c.get('/Products(5)')).status, 200, 'now it exists');
  t.equal((await c.post('/Products', { Id: 6 })).status, 201, 'the same request without the preference is answered as before');
  t.equal((await c.patch('/Products(5)', { Name: 'x' }, ASYNC)).status, 204, 'an unmarked write ignores respond-async');
});

t.test('a request that fails: the monitor delivers its error as the final answer', async (t) => {
  const c = await shop(t);
  const monitor = assertAccepted(t, await c.post('/Products(1)/ops.Discount', { Percent: 'ten' }, ASYNC));
  await c.get(monitor, { accept: 'application/json' });
  const done = await c.get(monitor, { accept: 'application/json' });
  t.equal(done.status, 200);
  t.equal(done.headers.asyncresult, '400', 'AsyncResult: 400');
  t.equal(done.body.error.code, 'BadRequest');
  t.equal(done.body.error.target, 'Percent', 'the parameter\'s error, as a synchronous call gets it');
  const wrapped = assertAccepted(t, await c.post('/Products(1)/ops.Discount', {}, ASYNC));
  await c.get(wrapped);
  t.match((await c.get(wrapped)).text, /^HTTP\/1\.1 400 Bad Request\r\n/, 'as an HTTP message for 4.0');
  assertODataError(t, await c.post('/Products(99)/ops.Discount', { Percent: 1 }, ASYNC), 404, 'ResourceNotFound');
  assertODataError(t, await c.post('/Nowhere/ops.Discount', {}, ASYNC), 404, 'ResourceNotFound');
});

t.test('DELETE on a pending monitor cancels the request: 204, it never runs, and the monitor is gone (§11.6)', async (t) => {
  const c = await shop(t, { asyncRequests: { requests: ['POST /Products'] } });
  const monitor = assertAccepted(t, await c.post('/Products', { Id: 8, Name: 'Level' }, ASYNC));
  const cancelled = await c.request('DELETE', monitor);
  t.equal(cancelled.status, 204);
  assertODataError(t, await c.get(monitor), 404, 'ResourceNotFound');
  assertODataError(t, await c.get('/Products(8)'), 404, 'ResourceNotFound');
  assertODataError(t, await c.request('DELETE', monitor), 404, 'ResourceNotFound');
  const other = assertAccepted(t, await c.post('/Products(1)/ops.Approve', {}, ASYNC));
  const put = await c.request('PUT', other, {});
  assertODataError(t, put, 405, 'MethodNotAllowed');
  t.equal(put.headers.allow, 'GET, DELETE');
  t.equal((await c.request('HEAD', other)).status, 405, 'HEAD would run the request and lose its result');
  t.equal((await c.get(other, { accept: 'application/json' })).status, 202, 'neither counted as a poll');
});

t.test('an unknown monitor is the catalog\'s 404', async (t) => {
  const c = await shop(t);
  const response = await c.get('/$async/00000000-0000-4000-8000-000000000000');
  assertODataError(t, response, 404, 'ResourceNotFound');
  t.match(response.body.error.message, /00000000-0000-4000-8000-000000000000/);
  assertODataError(t, await c.get('/%24async/nothing'), 404, 'ResourceNotFound');
});

t.test('without the preference, a function, a read: answered as before, with no Preference-Applied', async (t) => {
  const c = await shop(t);
  const action = await c.post('/Products(1)/ops.Approve', {});
  t.equal(action.status, 200);
  t.notOk(action.headers['preference-applied']);
  const read = await c.get('/Products(1)', ASYNC);
  t.equal(read.status, 200, 'a read is not honoured unless marked');
  t.notOk(read.headers['preference-applied']);
  const fn = await c.get('/Sum(A=1,B=2)', ASYNC);
  t.equal(fn.status, 200, 'nor a function');
  t.notOk(fn.headers['preference-applied']);
  const other = await c.post('/Products(1)/ops.Approve', {}, { prefer: 'return=minimal, wait=10' });
  t.equal(other.status, 200, 'other preferences do not ask for 202 (§11.6: MUST NOT without respond-async)');
});

t.test('monitors belong to the session that made the request (x-edmock-session)', async (t) => {
  const c = await shop(t);
  const mine = { ...ASYNC, 'x-edmock-session': 'alice' };
  const monitor = assertAccepted(t, await c.post('/Report', { Title: 'mine' }, mine));
  assertODataError(t, await c.get(monitor, { 'x-edmock-session': 'bob' }), 404, 'ResourceNotFound');
  assertODataError(t, await c.get(monitor), 404, 'ResourceNotFound');
  t.equal((await c.get(monitor, { 'x-edmock-session': 'alice' })).status, 202, 'its own session finds it');
});

t.test('polls are journaled like every request', async (t) => {
  const c = await shop(t);
  const monitor = assertAccepted(t, await c.post('/Products(1)/ops.Approve', {}, ASYNC));
  await c.get(monitor);
  await c.get(monitor);
  const journal = (await c.get('/_edmock/journal')).body;
  const entries = (journal.value ?? journal) as { method: string; url: string; status: number }[];
  const tail = entries.slice(-3).map((entry) => `${entry.method} ${entry.url} ${entry.status}`);
  t.same(tail, [`POST /Products(1)/ops.Approve 202`, `GET ${monitor} 202`, `GET ${monitor} 200`]);
});

t.test('$batch: respond-async of a part is ignored; a batch marked async is answered by its monitor (§11.7.7.6)', async (t) => {
  const c = await shop(t, { asyncRequests: { requests: ['POST /$batch'] } });
  const batch = { requests: [{ id: '1', method: 'POST', url: '/Products(1)/ops.Approve', headers: { 'content-type': 'application/json', prefer: 'respond-async' }, body: {} }] };
  const direct = await c.post('/$batch', batch);
  t.equal(direct.status, 200);
  t.equal(direct.body.responses[0].status, 200, 'a part is answered at once');
  const monitor = assertAccepted(t, await c.post('/$batch', batch, ASYNC));
  await c.get(monitor, { accept: 'application/json' });
  const done = await c.get(monitor, { accept: 'application/json' });
  t.equal(done.headers.asyncresult, '200');
  t.equal(done.body.responses[0].status, 200);
});

t.test('a service at a prefix: marks name the prefix, the monitor lives under it, and another service does not know it', async (t) => {
  const c = await startServer(t, {
    services: [{ prefix: '/shop', metadataFile: MODEL }, { prefix: '/other', metadataFile: MODEL }],
    asyncRequests: { requests: ['POST /shop/Categories'] },
  });
  const response = await c.post('/shop/Categories', { Id: 1, Name: 'Paint' }, ASYNC);
  t.equal(response.status, 202);
  t.match(response.headers.location, /^http:\/\/localhost:80\/shop\/\$async\/[0-9a-f-]{36}$/, 'Location under the service root');
  const monitor = new URL(response.headers.location as string).pathname;
  assertODataError(t, await c.get(monitor.replace('/shop/', '/other/')), 404, 'ResourceNotFound');
  t.equal((await c.post('/other/Categories', { Id: 1 }, ASYNC)).status, 201, 'the mark is for /shop only');
  t.equal((await c.get(monitor)).status, 202);
  t.equal((await c.get(monitor, { accept: 'application/json' })).headers.asyncresult, '201');
});

t.test('with --auth, a monitor is polled with a token like the service (401 without)', async (t) => {
  const c = await startServer(t, { services: [{ prefix: '', metadataFile: MODEL }], auth: true });
  const authorization = `Bearer ${bearerToken({ scp: 'Any.Read' })}`;
  const monitor = assertAccepted(t, await c.post('/Report', { Title: 'secured' }, { ...ASYNC, authorization }));
  assertODataError(t, await c.get(monitor), 401, 'InvalidAuthenticationToken');
  t.equal((await c.get(monitor, { authorization })).status, 202);
  t.equal((await c.get(monitor, { authorization, accept: 'application/json' })).headers.asyncresult, '200');
});

t.test('bad settings stop the start: a rule that is no METHOD /glob, a negative count', async (t) => {
  await t.rejects(startServer(t, { services: [{ prefix: '', metadataFile: MODEL }], asyncRequests: { requests: ['POST Products'] } }), /asyncRequests\.requests: 'POST Products' is not/);
  await t.rejects(startServer(t, { services: [{ prefix: '', metadataFile: MODEL }], asyncRequests: { pendingPolls: -1 } }), /asyncRequests\.pendingPolls/);
  t.match(parseServeOptions(['--async', 'POST /v1.0/users', '--async', '/beta/**', '--async-polls', '2', '--async-retry-after', '5'], '.'), {
    asyncRequests: { requests: ['POST /v1.0/users', '/beta/**'], pendingPolls: 2, retryAfter: 5 },
  });
  t.match(parseServeOptions([], '.'), { asyncRequests: undefined }, 'nothing given: the defaults');
  t.throws(() => parseServeOptions(['--async', 'users'], '.'), /--async: 'users' is not 'METHOD \/path-glob'/);
  t.throws(() => parseServeOptions(['--async-polls', 'x'], '.'), /--async-polls/);
});

t.test('throttling counts an accepted request once: when it is accepted, not again when its monitor runs it', async (t) => {
  const rule = { name: 'discounts', paths: ['/Products*/**'], methods: ['POST'], scope: 'app' as const, limit: 1, windowSeconds: 60 };
  const c = await shop(t, { throttle: { rules: [rule] } });
  const monitor = assertAccepted(t, await c.post('/Products(1)/ops.Discount', { Percent: 10 }, ASYNC));
  assertPending(t, await c.get(monitor, { accept: 'application/json' }), monitor);
  const done = await c.get(monitor, { accept: 'application/json' });
  t.equal(done.headers.asyncresult, '200', 'the run is not refused by the limit its acceptance used');
  const counted = (await c.get('/_edmock/throttle')).body.counters as { used: number }[];
  t.same(counted.map((counter) => counter.used), [1], 'one request counted');
  assertODataError(t, await c.post('/Products(1)/ops.Discount', { Percent: 10 }, ASYNC), 429, 'TooManyRequests');
});

t.test('a status monitor poll counts against the throttling limits as any request does, and a refused poll keeps the monitor', async (t) => {
  // Graph throttling guidance: "all requests accrue against your usage limits"; a client that
  // polls faster than Retry-After says is throttled like any other. A 429 is no answer of the
  // request itself, so the monitor stays open for the next poll.
  const c = await shop(t, { asyncRequests: { pendingPolls: 1 } });
  t.equal((await c.request('PUT', '/_edmock/throttle', { rules: [{ name: 'reads', scope: 'global', methods: ['GET'], limit: 1, windowSeconds: 60 }] })).status, 200);
  const monitor = assertAccepted(t, await c.post('/Products(1)/ops.Discount', { Percent: 10 }, ASYNC));
  assertPending(t, await c.get(monitor), monitor);
  const refused = await c.get(monitor);
  assertODataError(t, refused, 429, 'TooManyRequests');
  t.equal(refused.headers['retry-after'], '60');
  t.equal((await c.request('DELETE', '/_edmock/throttle/counters')).status, 204);
  const done = await c.get(monitor, { 'odata-maxversion': '4.01' });
  t.equal(done.status, 200, 'the monitor was not used up by the refused poll');
  t.equal(done.headers.asyncresult, '200');
});
