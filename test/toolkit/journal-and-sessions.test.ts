import t from 'tap';
import { assertODataError, BETA_APP, startServer } from '../helpers/server.js';

// The request journal and session isolation, over the admin API (/_edmock) as a test suite in
// another language would use them.

const USER_STATUSES = `${BETA_APP}/userStatuses`;

t.test('every request is journaled: method, URL, headers with Authorization redacted, body, status, findings, duration', async (t) => {
  const client = await startServer(t);
  await client.request('POST', USER_STATUSES, '{"userName":"A","installedDeviceCount":"Integer"}', { authorization: 'Bearer secret.token.value', 'client-request-id': 'c-1' });
  await client.get(`${USER_STATUSES}?$top=1`);
  await client.get('/_edmock/journal'); // admin calls are the test, not the SDK: not journaled
  const journal = await client.get('/_edmock/journal');
  t.equal(journal.status, 200);
  const [post, get] = journal.body.value;
  t.equal(journal.body.value.length, 2);
  t.match(post, { seq: 1, method: 'POST', url: USER_STATUSES, path: USER_STATUSES, status: 400, body: '{"userName":"A","installedDeviceCount":"Integer"}' });
  t.equal(post.headers.authorization, 'Bearer [redacted]', 'the scheme stays, the token does not');
  t.equal(post.headers['client-request-id'], 'c-1');
  t.match(post.error, { code: 'BadRequest', details: [{ code: 'InvalidValue', target: 'installedDeviceCount' }] }, 'validation findings');
  t.type(post.durationMs, 'number');
  t.match(post.time, /^\d{4}-\d\d-\d\dT/);
  t.match(get, { seq: 2, method: 'GET', url: `${USER_STATUSES}?$top=1`, path: USER_STATUSES, status: 200 });
  t.notOk('body' in get);
});

t.test('the journal is filtered, verified and cleared', async (t) => {
  const client = await startServer(t);
  await client.post(USER_STATUSES, { userName: 'one' });
  await client.post(USER_STATUSES, { userName: 'two' });
  await client.get(`${BETA_APP}/nowhere`);
  t.equal((await client.get('/_edmock/journal?method=POST')).body.value.length, 2);
  t.equal((await client.get('/_edmock/journal?status=4xx')).body.value.length, 1);
  t.equal((await client.get(`/_edmock/journal?path=${encodeURIComponent('/beta/deviceAppManagement/mobileApps/*/userStatuses')}`)).body.value.length, 2);
  t.equal((await client.get(`/_edmock/journal?path=${encodeURIComponent('/beta/**')}&status=201`)).body.value.length, 2);
  const verified = await client.post('/_edmock/journal/verify', { method: 'POST', path: '/beta/**', status: 201, count: 2 });
  t.same(verified.body, { ok: true, matched: 2 });
  const failed = await client.post('/_edmock/journal/verify', { method: 'POST', count: 1 });
  assertODataError(t, failed, 409, 'VerificationFailed');
  t.match(failed.body.error.message, /Expected 1 request\(s\) matching POST \/\*\*; 2 matched/);
  t.equal(failed.body.error.details.length, 2, 'what matched, for the failure message');
  assertODataError(t, await client.post('/_edmock/journal/verify', { method: 'POST' }), 400, 'BadRequest');
  t.equal((await client.delete('/_edmock/journal')).status, 204);
  t.same((await client.get('/_edmock/journal')).body.value, []);
});

t.test('a journal keeps the last journalSize requests; 0 keeps none', async (t) => {
  const small = await startServer(t, { journalSize: 3 });
  for (let i = 0; i < 5; i++) await small.get(`${USER_STATUSES}?$top=${i}`);
  t.same((await small.get('/_edmock/journal')).body.value.map((e: { seq: number }) => e.seq), [3, 4, 5]);
  const none = await startServer(t, { journalSize: 0 });
  await none.get(USER_STATUSES);
  t.same((await none.get('/_edmock/journal')).body.value, []);
});

t.test('x-edmock-session: each session its own stores and journal, seeded with the startup dataset', async (t) => {
  const client = await startServer(t);
  const a = { 'x-edmock-session': 'suite-a' };
  const b = { 'x-edmock-session': 'suite-b' };
  t.equal((await client.get(USER_STATUSES, a)).body.value.length, 1, 'a new session starts with the fixtures');
  t.equal((await client.request('POST', USER_STATUSES, { userName: 'only in a' }, a)).status, 201);
  t.equal((await client.get(USER_STATUSES, a)).body.value.length, 2);
  t.equal((await client.get(USER_STATUSES, b)).body.value.length, 1, 'b does not see it');
  t.equal((await client.get(USER_STATUSES)).body.value.length, 1, 'nor does the default session');
  t.same((await client.get('/_edmock/journal', a)).body.value.map((e: { method: string }) => e.method), ['GET', 'POST', 'GET'], "a's journal holds a's requests");
  t.equal((await client.get('/_edmock/journal', b)).body.value.length, 1);
  t.equal((await client.delete('/_edmock/sessions/suite-a')).status, 204);
  t.equal((await client.get(USER_STATUSES, a)).body.value.length, 1, 'a forgotten session starts over');
  assertODataError(t, await client.delete('/_edmock/sessions/nobody'), 404, 'ResourceNotFound');
  const bad = await client.get(USER_STATUSES, { 'x-edmock-session': 'no spaces allowed' });
  assertODataError(t, bad, 400, 'BadRequest');
  t.equal(bad.body.error.target, 'x-edmock-session');
});

t.test('the admin API answers in the OData error shape and lists itself', async (t) => {
  const client = await startServer(t);
  const index = await client.get('/_edmock');
  t.equal(index.status, 200);
  t.ok(index.body.endpoints.includes('POST /_edmock/reset'));
  t.same(index.body.services.map((s: { prefix: string }) => s.prefix), ['/beta', '/v1.0']);
  assertODataError(t, await client.get('/_edmock/nothing'), 404, 'ResourceNotFound');
  assertODataError(t, await client.request('POST', '/_edmock/journal/verify', '{oops'), 400, 'BadRequest');
});
