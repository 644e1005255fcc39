import { request as httpRequest } from 'node:http';
import t from 'tap';
import { createMockServer } from '../../src/server/mock-server.js';
import { assertODataError, BETA_APP, startServer } from '../helpers/server.js';

// Faults as Graph fails (learn.microsoft.com/graph/throttling): 429 and 503 with Retry-After in
// seconds, 500, 504, added latency, a dropped connection; by rule or by one request's header.

const USER_STATUSES = `${BETA_APP}/userStatuses`;

t.test('a throttle rule on every 2nd matching request: 429, Retry-After, Graph error shape', async (t) => {
  const client = await startServer(t);
  const added = await client.post('/_edmock/faults', { fault: 'throttle', path: '/beta/**', method: 'GET', every: 2, retryAfter: 3 });
  t.equal(added.status, 201);
  t.match(added.body, { id: 'f1', fault: 'throttle', every: 2, matched: 0, applied: 0 });
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await client.get(USER_STATUSES)).status);
  t.same(statuses, [200, 429, 200, 429]);
  const throttled = await client.get(USER_STATUSES).then(() => client.get(USER_STATUSES));
  assertODataError(t, throttled, 429, 'TooManyRequests');
  t.equal(throttled.headers['retry-after'], '3');
  t.equal((await client.post(USER_STATUSES, { userName: 'x' })).status, 201, 'other methods pass');
  t.equal((await client.get('/v1.0/deviceAppManagement')).status, 200, 'other paths pass');
  t.match((await client.get('/_edmock/faults')).body.value, [{ id: 'f1', matched: 6, applied: 3 }]);
  const journal = (await client.get('/_edmock/journal?status=429')).body.value;
  t.equal(journal.length, 3);
  t.equal(journal[0].fault, 'throttle (f1)', 'the journal says which rule answered');
  t.equal((await client.delete('/_edmock/faults/f1')).status, 204);
  t.equal((await client.get(USER_STATUSES)).status, 200);
  assertODataError(t, await client.delete('/_edmock/faults/f1'), 404, 'ResourceNotFound');
});

t.test('each kind of fault; times limits a rule; a bad rule is a 400 naming the member', async (t) => {
  const client = await startServer(t);
  for (const [fault, status, code] of [['unavailable', 503, 'serviceNotAvailable'], ['error', 500, 'generalException'], ['timeout', 504, 'timeout']] as const) {
    await client.post('/_edmock/faults', { fault, path: '/beta/deviceAppManagement', times: 1 });
    const response = await client.get('/beta/deviceAppManagement');
    assertODataError(t, response, status, code);
    if (fault === 'unavailable') t.equal(response.headers['retry-after'], '1', 'Retry-After defaults to 1 s');
    t.equal((await client.get('/beta/deviceAppManagement')).status, 200, `${fault}: used up after one`);
  }
  const bad = await client.post('/_edmock/faults', { fault: 'explode' });
  assertODataError(t, bad, 400, 'BadRequest');
  t.equal(bad.body.error.target, 'fault');
  const unknown = await client.post('/_edmock/faults', { fault: 'error', evry: 2 });
  assertODataError(t, unknown, 400, 'BadRequest');
  t.equal(unknown.body.error.target, 'evry');
  assertODataError(t, await client.post('/_edmock/faults', { fault: 'error', every: 2, probability: 0.5 }), 400, 'BadRequest');
});

t.test('a probability rule is reproducible: the same seed, the same requests fail', async (t) => {
  const pattern = async () => {
    const mock = await createMockServer({ faults: { seed: 7, rules: [{ fault: 'error', path: '/beta/**', probability: 0.5 }] } });
    t.teardown(() => mock.close());
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await mock.inject(USER_STATUSES)).statusCode);
    return statuses;
  };
  const first = await pattern();
  t.same(await pattern(), first);
  t.ok(first.includes(500) && first.includes(200), `a mix: ${first.join(',')}`);
});

t.test('one request asks for its own fault with x-edmock-fault; latency delays, then answers', async (t) => {
  const client = await startServer(t);
  const throttled = await client.get(USER_STATUSES, { 'x-edmock-fault': 'throttle; retry-after=9' });
  assertODataError(t, throttled, 429, 'TooManyRequests');
  t.equal(throttled.headers['retry-after'], '9');
  const start = Date.now();
  const slow = await client.get(USER_STATUSES, { 'x-edmock-fault': 'latency=150' });
  t.equal(slow.status, 200);
  t.ok(Date.now() - start >= 140, 'answered after the delay');
  assertODataError(t, await client.get('/beta/$metadata', { 'x-edmock-fault': 'unavailable' }), 503, 'serviceNotAvailable');
  assertODataError(t, await client.get(USER_STATUSES, { 'x-edmock-fault': 'nonsense' }), 400, 'BadRequest');
});

t.test('a dropped connection ends the socket without an answer', async (t) => {
  const mock = await createMockServer();
  t.teardown(() => mock.close());
  const url = new URL(`${await mock.listen()}${USER_STATUSES}`);
  const outcome = await new Promise<string>((resolve) => {
    const request = httpRequest(url, { headers: { 'x-edmock-fault': 'drop' } }, (response) => resolve(`answered ${response.statusCode}`));
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    request.end();
  });
  t.equal(outcome, 'ECONNRESET');
  t.match(mock.journal.list(), [{ status: 0, fault: 'drop (header)' }]);
});

t.test('rules added in a session apply to that session only', async (t) => {
  const mock = await createMockServer();
  t.teardown(() => mock.close());
  const suite = mock.session('suite-1');
  suite.faults.add({ fault: 'error', path: '/beta/**' });
  t.equal((await mock.inject({ url: USER_STATUSES, headers: { 'x-edmock-session': 'suite-1' } })).statusCode, 500);
  t.equal((await mock.inject(USER_STATUSES)).statusCode, 200, 'the default session is not affected');
  t.equal(mock.faults.list().length, 0);
  suite.faults.clear();
  t.equal((await mock.inject({ url: USER_STATUSES, headers: { 'x-edmock-session': 'suite-1' } })).statusCode, 200);
});
