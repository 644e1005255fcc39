import t from 'tap';
import { APP_ID, assertODataError, BETA_APP, BETA_CONFIG, BETA_LOB, CONFIG_USER_STATUS_ID, startServer } from '../helpers/server.js';

// Protocol corners a review found: references removed by $id, options on reference lists,
// query strings in form encoding, tokens tied to their query, nested references in a deep
// insert, read-only fixed resources, version headers, type casts in context URLs, and the
// placement of complex types in full metadata.

const REFS = `${BETA_LOB}/userStatuses/$ref`;
const STATUS_URL = `http://localhost:80/beta/deviceAppManagement/mobileAppConfigurations('22222222-2222-4222-8222-222222222222')/userStatuses('${CONFIG_USER_STATUS_ID}')`;
const DEVICE_STATUSES = `${BETA_APP}/deviceStatuses`;

t.test('a reference is removed by $id (Protocol §11.4.6.2) or @id, as Graph SDKs send it', async (t) => {
  const client = await startServer(t);
  for (const option of ['$id', '@id']) {
    t.equal((await client.post(REFS, { '@odata.id': STATUS_URL })).status, 204);
    const removed = await client.request('DELETE', `${REFS}?${option}=${encodeURIComponent(STATUS_URL)}`);
    t.equal(removed.status, 204, `DELETE .../$ref?${option}=`);
    t.same((await client.get(REFS)).body.value, [], 'the link is gone');
    assertODataError(t, await client.request('DELETE', `${REFS}?${option}=${encodeURIComponent(STATUS_URL)}`), 404, 'ResourceNotFound');
  }
  const bare = await client.request('DELETE', REFS);
  assertODataError(t, bare, 400, 'BadRequest');
  t.equal(bare.body.error.target, '$id');
  const extra = await client.post(REFS, { '@odata.id': STATUS_URL, userDisplayName: 'x' });
  assertODataError(t, extra, 400, 'BadRequest');
  t.match(extra.body.error.message, /'userDisplayName' is not part of an entity reference/);
});

t.test('a list of references takes $top, $skip, $count, $filter and $orderby (URL Conventions §4.4)', async (t) => {
  const client = await startServer(t);
  t.equal((await client.post(REFS, { '@odata.id': STATUS_URL })).status, 204);
  const second = await client.post(`${BETA_CONFIG}/userStatuses`, { id: 'second', userDisplayName: 'Zed', devicesCount: 9 });
  t.equal(second.status, 201);
  t.equal((await client.post(REFS, { '@odata.id': `${BETA_CONFIG}/userStatuses/second` })).status, 204);
  const counted = await client.get(`${REFS}?$count=true&$top=1`);
  t.equal(counted.body['@odata.count'], 2);
  t.equal(counted.body.value.length, 1);
  const filtered = await client.get(`${REFS}?$filter=devicesCount%20eq%209`);
  t.same(filtered.body.value, [{ '@odata.id': `http://localhost:80/beta/deviceAppManagement/mobileAppConfigurations('22222222-2222-4222-8222-222222222222')/userStatuses('second')` }]);
  const ordered = await client.get(`${REFS}?$orderby=userDisplayName%20desc&$skip=1`);
  t.same(ordered.body.value, [{ '@odata.id': STATUS_URL }]);
  assertODataError(t, await client.get(`${REFS}?$select=id`), 400, 'BadRequest');
});

t.test('a + in the query string is a space, as form encoding writes it', async (t) => {
  const client = await startServer(t);
  t.equal((await client.post(DEVICE_STATUSES, { deviceName: 'A B', installState: 'failed' })).status, 201);
  const found = await client.get(`${DEVICE_STATUSES}?$filter=deviceName+eq+'A+B'`);
  t.equal(found.status, 200);
  t.same(found.body.value.map((e: { deviceName: string }) => e.deviceName), ['A B']);
  const plus = await client.get(`${DEVICE_STATUSES}?$filter=lastSyncDateTime%20lt%202026-01-01T00:00:00%2B01:00`);
  t.equal(plus.status, 200, 'a literal plus travels as %2B');
});

t.test('a $skiptoken continues only the query that issued it', async (t) => {
  const client = await startServer(t);
  for (let i = 0; i < 3; i++) await client.post(DEVICE_STATUSES, { deviceName: `d${i}`, errorCode: i });
  const first = await client.get(`${DEVICE_STATUSES}?$orderby=deviceName`, { prefer: 'odata.maxpagesize=1' });
  const token = /\$skiptoken=([^&]+)/.exec(first.body['@odata.nextLink'])?.[1];
  t.ok(token, 'a nextLink with a token');
  t.equal((await client.get(`${DEVICE_STATUSES}?$orderby=deviceName&$skiptoken=${token}`, { prefer: 'odata.maxpagesize=1' })).status, 200, 'the same query continues');
  for (const other of ['$orderby=deviceName%20desc', '$orderby=errorCode', '$orderby=deviceName&$filter=errorCode%20gt%200']) {
    const mismatch = await client.get(`${DEVICE_STATUSES}?${other}&$skiptoken=${token}`);
    assertODataError(t, mismatch, 400, 'BadRequest');
    t.equal(mismatch.body.error.target, '$skiptoken', other);
  }
});

t.test('a deep insert cannot nest a reference into a containment navigation', async (t) => {
  const client = await startServer(t);
  const response = await client.post(`${BETA_APP}/userStatuses`, { userName: 'x', deviceStatuses: [{ deviceName: 'ok' }, { '@odata.id': 'x' }] });
  assertODataError(t, response, 400, 'BadRequest');
  t.equal(response.body.error.target, 'deviceStatuses/1/@odata.id');
  t.same((await client.get(`${BETA_APP}/userStatuses?$filter=userName%20eq%20'x'`)).body.value, [], 'nothing created');
});

t.test('$metadata and the service root are read-only: 405 with Allow: GET', async (t) => {
  const client = await startServer(t);
  for (const [method, url] of [['POST', '/beta/'], ['POST', '/beta'], ['PUT', '/beta/'], ['PATCH', '/beta/$metadata'], ['DELETE', '/beta/$metadata']] as const) {
    const response = await client.request(method, url, method === 'DELETE' ? undefined : {});
    assertODataError(t, response, 405, 'MethodNotAllowed');
    t.equal(response.headers.allow, 'GET', `${method} ${url}`);
  }
  const encoded = await client.get('/beta/%24metadata');
  t.equal(encoded.status, 200, '/%24metadata is /$metadata');
  t.match(encoded.headers['content-type'], /^application\/xml/);
});

t.test('request headers: an OData-Version the service does not speak, a Content-Encoding it does not apply', async (t) => {
  const client = await startServer(t);
  const v5 = await client.get(`${BETA_APP}`, { 'odata-version': '5.0' });
  assertODataError(t, v5, 400, 'BadRequest');
  t.equal(v5.body.error.target, 'OData-Version');
  t.equal((await client.get(`${BETA_APP}`, { 'odata-version': '4.01' })).status, 200);
  const gzip = await client.request('POST', DEVICE_STATUSES, { deviceName: 'x' }, { 'content-encoding': 'gzip' });
  assertODataError(t, gzip, 415, 'UnsupportedMediaType');
  t.match(gzip.body.error.message, /Content-Encoding 'gzip' is not supported/);
});

t.test('$format=json with parameters; a type cast in the context URL; complex types inside their value in full metadata', async (t) => {
  const client = await startServer(t);
  const full = await client.get(`${BETA_APP}?$format=json;odata.metadata=full`);
  t.equal(full.status, 200);
  t.match(full.headers['content-type'], /odata\.metadata=full/);
  t.equal(full.body['@odata.context'], 'http://localhost:80/beta/$metadata#deviceAppManagement/mobileApps/$entity');
  const cast = await client.get(`${BETA_APP}/microsoft.graph.webApp`);
  t.equal(cast.body['@odata.context'], 'http://localhost:80/beta/$metadata#deviceAppManagement/mobileApps/microsoft.graph.webApp/$entity');
  const icon = await client.post('/beta/deviceAppManagement/mobileApps', { '@odata.type': '#microsoft.graph.webApp', id: 'icon', largeIcon: { type: 'png', value: 'aGk=' } });
  t.equal(icon.status, 201);
  const described = await client.get('/beta/deviceAppManagement/mobileApps/icon', { accept: 'application/json;odata.metadata=full' });
  t.same(described.body.largeIcon, { '@odata.type': '#microsoft.graph.mimeContent', type: 'png', value: 'aGk=' }, 'the complex type inside its value');
  t.notOk('largeIcon@odata.type' in described.body, 'not beside it');
  const plain = await client.get(`/beta/deviceAppManagement/mobileApps/${APP_ID}`, { accept: 'application/json;odata.metadata=full' });
  t.equal(plain.body.largeIcon, null);
  t.notOk('largeIcon@odata.type' in plain.body, 'a null value needs no type');
  t.equal(plain.body['createdDateTime@odata.type'], '#DateTimeOffset', 'primitive types still beside their value');
});
