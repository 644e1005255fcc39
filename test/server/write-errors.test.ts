import t from 'tap';
import { assertODataError, BETA_APP, startServer, USER_STATUS_ID, V1_CONFIG } from '../helpers/server.js';

// Every class of bad input gets its status and an OData JSON error, and never changes the store.

const USER_STATUSES = `${BETA_APP}/userStatuses`;
const CONFIG_USER_STATUSES = `${V1_CONFIG}/userStatuses`;

t.test('validation errors: one detail per failing property, each with its target', async (t) => {
  const client = await startServer(t);
  const cases: [string, string, Record<string, unknown>, string, RegExp][] = [
    ['unknown property', USER_STATUSES, { userName: 'a', colour: 'red' }, 'colour', /^The property 'colour' does not exist on type 'microsoft\.graph\.userAppInstallStatus'/],
    ['Int32 above its range', USER_STATUSES, { installedDeviceCount: 2147483648 }, 'installedDeviceCount', /Cannot convert the literal '2147483648' to the expected type 'Edm\.Int32'/],
    ['Int32 below its range', USER_STATUSES, { installedDeviceCount: -2147483649 }, 'installedDeviceCount', /'Edm\.Int32'/],
    ['Int32 not integral', USER_STATUSES, { failedDeviceCount: 1.5 }, 'failedDeviceCount', /'1\.5' to the expected type 'Edm\.Int32'/],
    ['Int32 as a string', USER_STATUSES, { failedDeviceCount: '3' }, 'failedDeviceCount', /'3' to the expected type 'Edm\.Int32'/],
    ['String as a number', USER_STATUSES, { userName: 42 }, 'userName', /'42' to the expected type 'Edm\.String'/],
    ['bad enum member', CONFIG_USER_STATUSES, { status: 'String' }, 'status', /'String' is not a member of the enum type 'microsoft\.graph\.complianceStatus'\. Members: unknown, notApplicable/],
    ['enum member in the wrong case', CONFIG_USER_STATUSES, { status: 'Compliant' }, 'status', /not a member/],
    ['enum by number', CONFIG_USER_STATUSES, { status: 2 }, 'status', /'2' to the expected type 'microsoft\.graph\.complianceStatus'/],
    ['bad DateTimeOffset', CONFIG_USER_STATUSES, { lastReportedDateTime: 'String (timestamp)' }, 'lastReportedDateTime', /'String \(timestamp\)' to the expected type 'Edm\.DateTimeOffset'/],
    ['DateTimeOffset without offset', CONFIG_USER_STATUSES, { lastReportedDateTime: '2026-01-01T10:00:00' }, 'lastReportedDateTime', /Edm\.DateTimeOffset/],
    ['DateTimeOffset with month 13', CONFIG_USER_STATUSES, { lastReportedDateTime: '2026-13-01T10:00:00Z' }, 'lastReportedDateTime', /Edm\.DateTimeOffset/],
    ['null for a non-nullable property', CONFIG_USER_STATUSES, { devicesCount: null }, 'devicesCount', /'devicesCount' has type 'Edm\.Int32', which is not nullable/],
  ];
  for (const [name, url, body, target, message] of cases) {
    const response = await client.post(url, body);
    assertODataError(t, response, 400, 'BadRequest');
    t.equal(response.body.error.details.length, 1, `${name}: one detail`);
    t.equal(response.body.error.details[0]?.target, target, `${name}: target`);
    t.match(response.body.error.details[0]?.message, message, `${name}: message`);
    t.equal(response.body.error.target, target, `${name}: top-level target`);
  }
  const before = await client.get(USER_STATUSES);
  t.equal(before.body.value.length, 1, 'no failed create left anything behind');
});

t.test('several failing properties give several details', async (t) => {
  const client = await startServer(t);
  const response = await client.post(CONFIG_USER_STATUSES, { devicesCount: 'Integer', status: 'String', lastReportedDateTime: 'String (timestamp)', extra: 1 });
  assertODataError(t, response, 400, 'BadRequest');
  t.same(response.body.error.details.map((d: { target: string }) => d.target).sort(), ['devicesCount', 'extra', 'lastReportedDateTime', 'status']);
  t.equal(response.body.error.message, 'The request body has 4 invalid properties.');
  t.equal(response.body.error.target, null);
});

t.test('valid values at the edges are accepted', async (t) => {
  const client = await startServer(t);
  const response = await client.post(CONFIG_USER_STATUSES, {
    devicesCount: -2147483648, status: 'notAssigned', lastReportedDateTime: '2017-01-01T00:03:19.2710393+03:00', userDisplayName: null,
  });
  t.equal(response.status, 201);
  t.match(response.body, { devicesCount: -2147483648, status: 'notAssigned', userDisplayName: null, userPrincipalName: null });
});

t.test('malformed JSON, non-object bodies and empty bodies are 400', async (t) => {
  const client = await startServer(t);
  assertODataError(t, await client.post(USER_STATUSES, '{"userName": '), 400, 'BadRequest');
  assertODataError(t, await client.post(USER_STATUSES, '[{"userName":"a"}]'), 400, 'BadRequest');
  assertODataError(t, await client.post(USER_STATUSES, '"text"'), 400, 'BadRequest');
  assertODataError(t, await client.post(USER_STATUSES, 'null'), 400, 'BadRequest');
  assertODataError(t, await client.post(USER_STATUSES, ''), 400, 'BadRequest');
  const malformed = await client.post(USER_STATUSES, '{"a":1,}');
  t.match(malformed.body.error.message, /^The request body is not valid JSON/);
});

t.test('hostile member names are refused without touching any prototype', async (t) => {
  const client = await startServer(t);
  const proto = await client.post(USER_STATUSES, '{"userName":"a","__proto__":{"installedDeviceCount":5}}');
  assertODataError(t, proto, 400, 'BadRequest');
  t.equal(proto.body.error.target, '__proto__');
  const nested = await client.post(USER_STATUSES, '{"userName":"a","x":{"__proto__":{"polluted":true}}}');
  assertODataError(t, nested, 400, 'BadRequest');
  const constructor = await client.post(USER_STATUSES, '{"constructor":{"prototype":{"polluted":true}}}');
  assertODataError(t, constructor, 400, 'BadRequest');
  t.equal(constructor.body.error.details[0]?.target, 'constructor', 'an unknown property like any other');
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched');
  const escaped = await client.post(USER_STATUSES, '{"\\u005f_proto__":{"installedDeviceCount":5}}');
  assertODataError(t, escaped, 400, 'BadRequest');
  t.equal(escaped.body.error.target, '__proto__', 'also when written with a JSON escape');
  const key = await client.get(`${BETA_APP}/userStatuses/__proto__`);
  assertODataError(t, key, 404, 'ResourceNotFound');
  const segment = await client.get('/beta/__proto__');
  assertODataError(t, segment, 404, 'ResourceNotFound');
  const nav = await client.get(`${BETA_APP}/constructor`);
  assertODataError(t, nav, 404, 'ResourceNotFound');
});

t.test('hostile nesting is a fast 400, never a stack overflow', async (t) => {
  const client = await startServer(t);
  for (const [name, body] of [
    ['arrays', '['.repeat(1_000_000) + ']'.repeat(1_000_000)],
    ['objects', '{"a":'.repeat(500_000) + '1' + '}'.repeat(500_000)],
    ['inside a property', `{"userName":${'['.repeat(100)}${']'.repeat(100)}}`],
  ]) {
    const response = await client.post(USER_STATUSES, body);
    assertODataError(t, response, 400, 'BadRequest');
    t.match(response.body.error.message, /nested more than 64 levels/, name);
  }
  t.equal((await client.post(USER_STATUSES, { userName: 'still fine' })).status, 201);
});

t.test('a content type other than JSON is 415', async (t) => {
  const client = await startServer(t);
  const text = await client.post(USER_STATUSES, '{"userName":"a"}', { 'content-type': 'text/plain' });
  assertODataError(t, text, 415, 'UnsupportedMediaType');
  t.match(text.body.error.message, /'text\/plain'/);
  assertODataError(t, await client.post(USER_STATUSES, 'userName=a', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'UnsupportedMediaType');
  const withParameters = await client.post(USER_STATUSES, { userName: 'a' }, { 'content-type': 'application/json;odata.metadata=minimal;charset=utf-8' });
  t.equal(withParameters.status, 201, 'JSON with parameters is fine');
});

t.test('a body over the limit is 413 (default 4 MiB, configurable)', async (t) => {
  const client = await startServer(t);
  const big = JSON.stringify({ userName: 'x'.repeat(4 * 1024 * 1024) });
  assertODataError(t, await client.post(USER_STATUSES, big), 413, 'RequestEntityTooLarge');
  const small = await startServer(t, { bodyLimit: 100 });
  const response = await small.post(USER_STATUSES, { userName: 'y'.repeat(200) });
  assertODataError(t, response, 413, 'RequestEntityTooLarge');
  t.match(response.body.error.message, /limit of 100 bytes/);
  t.equal((await small.post(USER_STATUSES, { userName: 'short' })).status, 201);
});

t.test('the key in the body must match the key in the URL', async (t) => {
  const client = await startServer(t);
  const url = `${USER_STATUSES}/${USER_STATUS_ID}`;
  const response = await client.patch(url, { id: 'another-id', userName: 'b' });
  assertODataError(t, response, 400, 'BadRequest');
  t.equal(response.body.error.target, 'id');
  t.equal((await client.get(url)).body.userName, 'Adele Vance', 'nothing was written');
  t.equal((await client.patch(url, { id: USER_STATUS_ID, userName: 'b' })).status, 204, 'the same key is fine');
});

t.test('a duplicate id is 409 and leaves the first entity as it was', async (t) => {
  const client = await startServer(t);
  const response = await client.post(USER_STATUSES, { id: USER_STATUS_ID, userName: 'impostor' });
  assertODataError(t, response, 409, 'Conflict');
  t.equal((await client.get(`${USER_STATUSES}/${USER_STATUS_ID}`)).body.userName, 'Adele Vance');
  t.equal((await client.post(USER_STATUSES, { id: 'my-own-id', userName: 'c' })).body.id, 'my-own-id', 'a client id is kept');
  assertODataError(t, await client.post(USER_STATUSES, { id: '' }), 400, 'BadRequest');
});

t.test('a write under a parent that does not exist is 404', async (t) => {
  const client = await startServer(t);
  const response = await client.post('/beta/deviceAppManagement/mobileApps/no-such-app/userStatuses', { userName: 'a' });
  assertODataError(t, response, 404, 'ResourceNotFound');
  t.equal(response.body.error.target, 'no-such-app');
  assertODataError(t, await client.patch(`${USER_STATUSES}/no-such-status`, { userName: 'a' }), 404, 'ResourceNotFound');
  assertODataError(t, await client.delete(`${USER_STATUSES}/no-such-status`), 404, 'ResourceNotFound');
});

t.test('a method the resource does not support is 405 with Allow', async (t) => {
  const client = await startServer(t);
  const put = await client.request('PUT', USER_STATUSES, { userName: 'a' });
  assertODataError(t, put, 405, 'MethodNotAllowed');
  t.equal(put.headers.allow, 'GET, POST');
  const deleteSingleton = await client.delete('/beta/deviceAppManagement');
  assertODataError(t, deleteSingleton, 405, 'MethodNotAllowed');
  t.equal(deleteSingleton.headers.allow, 'GET, PATCH');
  const postEntity = await client.post(`${USER_STATUSES}/${USER_STATUS_ID}`, { userName: 'a' });
  t.equal(postEntity.headers.allow, 'GET, PATCH, PUT, DELETE');
});

t.test('bad URLs are 400', async (t) => {
  const client = await startServer(t);
  assertODataError(t, await client.get(`${USER_STATUSES}/%E0%A4%A`), 400, 'BadRequest');
  assertODataError(t, await client.get(`/beta/deviceAppManagement/mobileApps('unterminated)`), 400, 'BadRequest');
  assertODataError(t, await client.get(`/beta/deviceAppManagement/mobileApps('a'b')`), 400, 'BadRequest');
  assertODataError(t, await client.get(`/beta/deviceAppManagement//mobileApps`), 400, 'BadRequest');
  assertODataError(t, await client.get(`/beta/deviceAppManagement/mobileApps(unquoted)`), 400, 'BadRequest');
});

t.test('what the second review found: every such request answers in the OData shape', async (t) => {
  const client = await startServer(t);
  const options = await client.request('OPTIONS', USER_STATUSES);
  assertODataError(t, options, 405, 'MethodNotAllowed');
  t.equal(options.headers.allow, 'GET, POST');
  const annotated = await client.post(USER_STATUSES, { userName: 'a', 'userName@odata.type': '#Edm.Int32' });
  assertODataError(t, annotated, 400, 'BadRequest');
  t.equal(annotated.body.error.target, 'userName@odata.type');
  t.equal((await client.post(USER_STATUSES, { userName: 'a', 'userName@odata.type': '#String', 'failedDeviceCount@odata.type': 'Edm.Int32' })).status, 201, 'a fitting annotation is fine');
  const gzip = await client.post(USER_STATUSES, { userName: 'a' }, { 'content-encoding': 'gzip' });
  assertODataError(t, gzip, 415, 'UnsupportedMediaType');
  assertODataError(t, await client.get('/beta/$metadata?$format=atom'), 406, 'NotAcceptable');
  t.equal((await client.get('/beta/$metadata?$format=xml')).status, 200);
  assertODataError(t, await client.get('/beta/$crossjoin(a)'), 501, 'NotImplemented');
  assertODataError(t, await client.get(`${USER_STATUSES}/${USER_STATUS_ID}/userName/$count`), 400, 'BadRequest');
  assertODataError(t, await client.get(`${BETA_APP}?$expand=*/$ref`), 400, 'BadRequest');
  for (const filter of ["duration'P' eq duration'P1D'", 'errorCode eq 1e400', 'errorCode eq 99999999999999999999', 'null', "installState has microsoft.graph.resultantAppState'installed'"]) {
    const response = await client.get(`${BETA_APP}/deviceStatuses?$filter=${encodeURIComponent(filter)}`);
    assertODataError(t, response, 400, 'BadRequest');
    t.equal(response.body.error.target, '$filter', filter);
  }
});

t.test('a request Node cannot parse as HTTP still gets an OData error', async (t) => {
  const { createServer } = await import('../../src/server/create-server.js');
  const app = await createServer();
  t.teardown(() => app.close());
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const { connect } = await import('node:net');
  const { port } = new URL(address);
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write('FOO /beta/ HTTP/1.1\r\nHost: x\r\n\r\n'));
    let data = '';
    socket.on('data', (chunk) => { data += chunk.toString(); });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
  t.match(raw, /^HTTP\/1\.1 400 Bad Request\r\n/);
  t.match(raw, /\r\nOData-Version: 4\.0\r\n/);
  const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
  t.match(body, { error: { code: 'BadRequest', target: null, details: [], innerError: { 'request-id': String } } });
});
