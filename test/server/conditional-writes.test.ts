import t from 'tap';
import { assertODataError, BETA_APP, startServer, USER_STATUS_ID } from '../helpers/server.js';

// ETags and conditional requests (Protocol §11.4.1.1, §8.2.4), PUT, Prefer on updates, deep insert.

const STATUSES = `${BETA_APP}/userStatuses`;
const STATUS = `${STATUSES}/${USER_STATUS_ID}`;

t.test('every entity carries @odata.etag; GET returns it as ETag; it changes on every write', async (t) => {
  const client = await startServer(t);
  const first = await client.get(STATUS);
  t.match(first.headers.etag, /^W\/"\d+-\d+"$/);
  t.equal(first.body['@odata.etag'], first.headers.etag);
  const listed = await client.get(STATUSES);
  t.equal(listed.body.value[0]['@odata.etag'], first.headers.etag, 'the same tag in a collection');
  const patched = await client.patch(STATUS, { failedDeviceCount: 9 });
  t.equal(patched.status, 204);
  t.not(patched.headers.etag, first.headers.etag, 'a write gives a new tag, in the 204 too');
  t.equal((await client.get(STATUS)).headers.etag, patched.headers.etag);
});

t.test('If-None-Match on reads: 304 when it matches', async (t) => {
  const client = await startServer(t);
  const { headers } = await client.get(STATUS);
  const cached = await client.get(STATUS, { 'if-none-match': String(headers.etag) });
  t.equal(cached.status, 304);
  t.equal(cached.text, '');
  t.equal((await client.get(STATUS, { 'if-none-match': '*' })).status, 304);
  t.equal((await client.get(STATUS, { 'if-none-match': 'W/"0-0"' })).status, 200);
  t.equal((await client.get(`${STATUS}/userName`, { 'if-none-match': String(headers.etag) })).status, 304, 'also for a property');
});

t.test('If-Match on update, replace and delete: 412 on a stale tag, never required', async (t) => {
  const client = await startServer(t);
  const { headers } = await client.get(STATUS);
  const etag = String(headers.etag);
  t.equal((await client.patch(STATUS, { userName: 'no precondition' })).status, 204, 'If-Match is optional, as in Graph');
  const stale = await client.request('PATCH', STATUS, { userName: 'stale' }, { 'if-match': etag });
  assertODataError(t, stale, 412, 'PreconditionFailed');
  t.equal((await client.get(STATUS)).body.userName, 'no precondition', 'nothing written');
  const current = String((await client.get(STATUS)).headers.etag);
  t.equal((await client.request('PATCH', STATUS, { userName: 'fresh' }, { 'if-match': current })).status, 204);
  t.equal((await client.request('PATCH', STATUS, { userName: 'any' }, { 'if-match': '*' })).status, 204);
  assertODataError(t, await client.request('PUT', STATUS, { userName: 'x' }, { 'if-match': current }), 412, 'PreconditionFailed');
  assertODataError(t, await client.request('DELETE', STATUS, undefined, { 'if-match': current }), 412, 'PreconditionFailed');
  assertODataError(t, await client.request('PATCH', STATUS, { userName: 'x' }, { 'if-none-match': '*' }), 412, 'PreconditionFailed');
  const latest = String((await client.get(STATUS)).headers.etag);
  t.equal((await client.request('DELETE', STATUS, undefined, { 'if-match': `"other", ${latest}` })).status, 204, 'a list of tags');
});

t.test('PUT replaces: omitted properties go back to their defaults; the key cannot change', async (t) => {
  const client = await startServer(t);
  const replaced = await client.request('PUT', STATUS, { userName: 'Replaced', installedDeviceCount: 5 }, { prefer: 'return=representation' });
  t.equal(replaced.status, 200);
  t.match(replaced.body, { id: USER_STATUS_ID, userName: 'Replaced', installedDeviceCount: 5, failedDeviceCount: 0, notInstalledDeviceCount: 0, userPrincipalName: null });
  t.equal((await client.request('PUT', STATUS, { id: USER_STATUS_ID })).status, 204, 'repeating the key is fine');
  assertODataError(t, await client.request('PUT', STATUS, { id: 'other' }), 400, 'BadRequest');
  assertODataError(t, await client.request('PUT', STATUS, { installedDeviceCount: 'many' }), 400, 'BadRequest');
  assertODataError(t, await client.request('PUT', STATUS, { deviceStatuses: [] }), 400, 'BadRequest');
  assertODataError(t, await client.request('PUT', `${STATUSES}/missing`, { userName: 'x' }), 404, 'ResourceNotFound');
});

t.test('Prefer: return=minimal on an update answers 204 with OData-EntityId and Preference-Applied', async (t) => {
  const client = await startServer(t);
  const response = await client.patch(STATUS, { userName: 'min' }, { prefer: 'return=minimal' });
  t.equal(response.status, 204);
  t.equal(response.headers['preference-applied'], 'return=minimal');
  t.equal(response.headers['odata-entityid'], `http://localhost:80/beta/deviceAppManagement/mobileApps('11111111-1111-4111-8111-111111111111')/userStatuses('${USER_STATUS_ID}')`);
});

t.test('deep insert creates the entity and its contained children, all or none', async (t) => {
  const client = await startServer(t);
  const created = await client.post(STATUSES, {
    id: 'deep', userName: 'Deep',
    deviceStatuses: [{ id: 'dev-a', deviceName: 'A', installState: 'failed' }, { deviceName: 'B' }],
  });
  t.equal(created.status, 201);
  t.equal(created.body.deviceStatuses.length, 2, 'the children come back expanded');
  t.equal(created.body.deviceStatuses[0].installState, 'failed');
  t.match(created.body['@odata.context'], /userStatuses\/\$entity$/);
  t.same((await client.get(`${STATUSES}/deep/deviceStatuses`)).body.value.map((d: { deviceName: string }) => d.deviceName), ['A', 'B']);

  const before = (await client.get(STATUSES)).body.value.length;
  const badChild = await client.post(STATUSES, { id: 'deep2', deviceStatuses: [{ deviceName: 'ok' }, { errorCode: 'Integer' }] });
  assertODataError(t, badChild, 400, 'BadRequest');
  t.equal(badChild.body.error.details[0]?.target, 'deviceStatuses/1/errorCode', 'the nested path is the target');
  const duplicateChildren = await client.post(STATUSES, { id: 'deep3', deviceStatuses: [{ id: 'x' }, { id: 'x' }] });
  assertODataError(t, duplicateChildren, 409, 'Conflict');
  assertODataError(t, await client.post(STATUSES, { id: 'deep4', deviceStatuses: { deviceName: 'not an array' } }), 400, 'BadRequest');
  assertODataError(t, await client.post(STATUSES, { id: 'deep5', app: { '@odata.type': '#microsoft.graph.webApp' } }), 400, 'BadRequest');
  t.equal((await client.get(STATUSES)).body.value.length, before, 'no parent was created by a failed deep insert');
  assertODataError(t, await client.get(`${STATUSES}/deep2`), 404, 'ResourceNotFound');
  assertODataError(t, await client.patch(`${STATUSES}/deep`, { deviceStatuses: [] }), 400, 'BadRequest');
});
