import { request as httpsRequest } from 'node:https';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { createMockServer } from '../../src/server/mock-server.js';
import { readPermissionTable } from '../../src/toolkit/auth.js';
import { bearerToken } from '../helpers/bearer-token.js';
import { assertODataError, BETA_APP, startServer } from '../helpers/server.js';

// Auth, off by default: a bearer token required (401 InvalidAuthenticationToken), then the
// token's scp/roles checked against the permissions the pages document (403
// Authorization_RequestDenied naming them). And HTTPS with a local CA, trusted explicitly.

const USER_STATUSES = `${BETA_APP}/userStatuses`;

const token = bearerToken;

t.test('auth is off by default', async (t) => {
  const client = await startServer(t);
  t.equal((await client.get(USER_STATUSES)).status, 200);
});

t.test('with auth on, a request needs a well-formed, unexpired bearer token', async (t) => {
  const client = await startServer(t, { auth: true });
  const missing = await client.get(USER_STATUSES);
  assertODataError(t, missing, 401, 'InvalidAuthenticationToken');
  t.equal(missing.body.error.message, 'Access token is empty.');
  t.match(missing.headers['www-authenticate'], /^Bearer realm="", authorization_uri="https:\/\/login\.microsoftonline\.com/);
  assertODataError(t, await client.get(USER_STATUSES, { authorization: 'Basic dXNlcjpwYXNz' }), 401, 'InvalidAuthenticationToken');
  const notJwt = await client.get(USER_STATUSES, { authorization: 'Bearer opaque-token' });
  assertODataError(t, notJwt, 401, 'InvalidAuthenticationToken');
  t.match(notJwt.body.error.message, /JWT is not well formed/);
  const expired = await client.get(USER_STATUSES, { authorization: `Bearer ${token({ exp: 1_000_000 })}` });
  assertODataError(t, expired, 401, 'InvalidAuthenticationToken');
  t.match(expired.body.error.message, /expired/);
  t.equal((await client.get(USER_STATUSES, { authorization: `Bearer ${token({ scp: 'User.Read' })}` })).status, 200, 'no permissions table: any valid token');
  assertODataError(t, await client.get('/_edmock/journal'), 401, 'InvalidAuthenticationToken');
  t.comment('the admin API needs a token too (test/toolkit/auth-doors.test.ts tries every door)');
});

t.test("with the pages' permissions, the token's scopes must grant the operation", async (t) => {
  const table = await readPermissionTable('metadata/beta.permissions.json');
  const client = await startServer(t, { auth: { permissions: { '/beta': table } } });
  const body = { userName: 'x' };
  const denied = await client.post(USER_STATUSES, body, { authorization: `Bearer ${token({ scp: 'User.Read DeviceManagementApps.Read.All' })}` });
  assertODataError(t, denied, 403, 'Authorization_RequestDenied');
  t.match(denied.body.error.message, /^Insufficient privileges to complete the operation\. POST \/deviceAppManagement\/mobileApps\/\{mobileAppId\}\/userStatuses needs one of these permissions \(delegated: DeviceManagementApps\.ReadWrite\.All; application: DeviceManagementApps\.ReadWrite\.All\)/);
  t.equal((await client.post(USER_STATUSES, body, { authorization: `Bearer ${token({ scp: 'openid DeviceManagementApps.ReadWrite.All' })}` })).status, 201, 'a delegated scope');
  t.equal((await client.post(USER_STATUSES, body, { authorization: `Bearer ${token({ roles: ['DeviceManagementApps.ReadWrite.All'] })}` })).status, 201, 'an application role');
  const parenthesised = `/beta/deviceAppManagement/mobileApps('11111111-1111-4111-8111-111111111111')/userStatuses`;
  assertODataError(t, await client.post(parenthesised, body, { authorization: `Bearer ${token({ scp: 'User.Read' })}` }), 403, 'Authorization_RequestDenied');
  t.equal((await client.get(USER_STATUSES, { authorization: `Bearer ${token({ scp: 'User.Read' })}` })).status, 200, 'operations the pages do not document are not checked');
});

t.test('--tls: HTTPS with a certificate for localhost signed by a local CA', async (t) => {
  const dir = path.join(t.testdir(), 'tls');
  const mock = await createMockServer({ tls: { dir } });
  t.teardown(() => mock.close());
  const material = mock.app.edmock.tls;
  t.equal(material?.created, true, 'made at first start');
  t.equal(material?.caFile, path.join(dir, 'ca.pem'));
  const url = await mock.listen();
  t.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const ca = await readFile(path.join(dir, 'ca.pem'), 'utf8');
  const get = (trusted: boolean, host: string) => new Promise<string>((resolve) => {
    const target = new URL(`${url.replace('127.0.0.1', host)}${USER_STATUSES}`);
    const request = httpsRequest(target, trusted ? { ca } : {}, (response) => { response.resume(); resolve(String(response.statusCode)); });
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    request.end();
  });
  t.equal(await get(true, '127.0.0.1'), '200', 'trusted CA: verified, by IP');
  t.equal(await get(true, 'localhost'), '200', 'and by name');
  t.equal(await get(false, '127.0.0.1'), 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'untrusted without the CA: verification stays on');
  const again = await createMockServer({ tls: { dir } });
  t.teardown(() => again.close());
  t.equal(again.app.edmock.tls?.created, false, 'kept for the next start');
  t.equal(again.app.edmock.tls?.cert, material?.cert);
});
