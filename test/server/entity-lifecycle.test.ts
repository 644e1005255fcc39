import t from 'tap';
import { APP_ID, assertODataError, BETA_APP, CONFIG_USER_STATUS_ID, GUID, startServer, USER_STATUS_ID, V1_CONFIG } from '../helpers/server.js';

// Create, read, list, update and delete on containment collections (OData 4.01 Protocol §11.2, §11.4).

const USER_STATUSES = `${BETA_APP}/userStatuses`;

t.test('create fills every declared property: defaults for omitted ones, the id when absent', async (t) => {
  const client = await startServer(t);
  const created = await client.post(`${V1_CONFIG}/userStatuses`, { userDisplayName: 'Megan' });
  t.equal(created.status, 201);
  t.same(Object.keys(created.body), ['@odata.context', '@odata.type', '@odata.etag', 'id', 'devicesCount', 'lastReportedDateTime', 'status', 'userDisplayName', 'userPrincipalName'],
    'control information first, then every property in declared order');
  t.match(created.body.id, GUID);
  t.equal(created.headers.etag, created.body['@odata.etag'], 'ETag header and @odata.etag agree');
  t.same({ ...created.body, id: undefined, '@odata.etag': undefined }, {
    '@odata.context': `http://localhost:80/v1.0/$metadata#deviceAppManagement/mobileAppConfigurations('22222222-2222-4222-8222-222222222222')/userStatuses/$entity`,
    '@odata.type': '#microsoft.graph.managedDeviceMobileAppConfigurationUserStatus',
    '@odata.etag': undefined,
    id: undefined,
    devicesCount: 0,
    lastReportedDateTime: '0001-01-01T00:00:00Z',
    status: 'unknown',
    userDisplayName: 'Megan',
    userPrincipalName: null,
  });
});

t.test('GET lists a collection and reads an entity by key, as a segment or in parentheses', async (t) => {
  const client = await startServer(t);
  const list = await client.get(USER_STATUSES);
  t.equal(list.status, 200);
  t.equal(list.body['@odata.context'], `http://localhost:80/beta/$metadata#deviceAppManagement/mobileApps('${APP_ID}')/userStatuses`);
  t.same(list.body.value.map((e: { id: string }) => e.id), [USER_STATUS_ID]);
  t.equal(list.body.value[0]['@odata.type'], '#microsoft.graph.userAppInstallStatus');
  for (const url of [
    `${USER_STATUSES}/${USER_STATUS_ID}`,
    `/beta/deviceAppManagement/mobileApps('${APP_ID}')/userStatuses('${USER_STATUS_ID}')`,
    `/beta/deviceAppManagement/mobileApps(id='${APP_ID}')/userStatuses(id='${USER_STATUS_ID}')`,
    `/beta/deviceAppManagement/mobileApps/${APP_ID}/userStatuses/${USER_STATUS_ID}/`,
  ]) {
    const read = await client.get(url);
    t.equal(read.status, 200, url);
    t.equal(read.body['@odata.context'], `http://localhost:80/beta/$metadata#deviceAppManagement/mobileApps('${APP_ID}')/userStatuses/$entity`);
    t.equal(read.body.userName, 'Adele Vance');
  }
  const empty = await client.get(`${BETA_APP}/userStatuses/${USER_STATUS_ID}/deviceStatuses`);
  t.same(empty.body.value, [], 'an empty collection');
});

t.test('keys with quotes and reserved characters round-trip', async (t) => {
  const client = await startServer(t);
  const key = "o'brien/α #1";
  const created = await client.post(USER_STATUSES, { id: key });
  t.equal(created.status, 201);
  t.equal(created.headers.location, `http://localhost:80/beta/deviceAppManagement/mobileApps('${APP_ID}')/userStatuses('o''brien%2F%CE%B1%20%231')`, 'percent-encoded');
  const read = await client.get(`${USER_STATUSES}('${encodeURIComponent("o''brien/α #1")}')`);
  t.equal(read.status, 200);
  t.equal(read.body.id, key);
  t.equal((await client.get(`${USER_STATUSES}/${encodeURIComponent(key)}`)).body.id, key, 'as a segment');
});

t.test('PATCH merges and validates; 204 by default, 200 with Prefer: return=representation', async (t) => {
  const client = await startServer(t);
  const url = `${USER_STATUSES}/${USER_STATUS_ID}`;
  const minimal = await client.patch(url, { failedDeviceCount: 3 });
  t.equal(minimal.status, 204);
  t.equal(minimal.text, '');
  const represented = await client.patch(url, { userPrincipalName: null }, { prefer: 'return=representation' });
  t.equal(represented.status, 200);
  t.equal(represented.headers['preference-applied'], 'return=representation');
  t.match(represented.body, { userName: 'Adele Vance', failedDeviceCount: 3, userPrincipalName: null, installedDeviceCount: 2 });
  assertODataError(t, await client.patch(url, { failedDeviceCount: 'many' }), 400, 'BadRequest');
  assertODataError(t, await client.patch(url, { unknown: 1 }), 400, 'BadRequest');
  assertODataError(t, await client.patch(url, '[]'), 400, 'BadRequest');
  t.equal((await client.get(url)).body.failedDeviceCount, 3, 'rejected updates changed nothing');
  const singleton = await client.patch('/beta/deviceAppManagement', { microsoftStoreForBusinessLanguage: 'en-US' }, { prefer: 'return=representation' });
  t.equal(singleton.status, 200);
  t.equal(singleton.body['@odata.context'], 'http://localhost:80/beta/$metadata#deviceAppManagement');
  t.equal(singleton.body.microsoftStoreForBusinessLanguage, 'en-US');
});

t.test('POST with Prefer: return=minimal is 204 with Location and OData-EntityId', async (t) => {
  const client = await startServer(t);
  const response = await client.post(USER_STATUSES, { id: 'minimal-1' }, { prefer: 'return=minimal' });
  t.equal(response.status, 204);
  t.equal(response.text, '');
  const location = `http://localhost:80/beta/deviceAppManagement/mobileApps('${APP_ID}')/userStatuses('minimal-1')`;
  t.equal(response.headers.location, location);
  t.equal(response.headers['odata-entityid'], location);
  t.equal(response.headers['preference-applied'], 'return=minimal');
});

t.test('DELETE removes the entity and everything contained below it', async (t) => {
  const client = await startServer(t);
  const status = `${USER_STATUSES}/${USER_STATUS_ID}`;
  const device = await client.post(`${status}/deviceStatuses`, { deviceName: 'D1' });
  t.equal(device.status, 201);
  t.equal((await client.delete(BETA_APP)).status, 204);
  assertODataError(t, await client.get(BETA_APP), 404, 'ResourceNotFound');
  assertODataError(t, await client.get(status), 404, 'ResourceNotFound');
  const recreated = await client.post('/beta/deviceAppManagement/mobileApps', { '@odata.type': '#microsoft.graph.webApp', id: APP_ID });
  t.equal(recreated.status, 201, 'the key is free again');
  t.same((await client.get(`${BETA_APP}/userStatuses`)).body.value, [], 'children did not come back with it');
  t.equal((await client.delete(`${V1_CONFIG}/userStatuses/${CONFIG_USER_STATUS_ID}`)).status, 204);
  t.same((await client.get(`${V1_CONFIG}/userStatuses`)).body.value, []);
});

t.test('each service has its own store', async (t) => {
  const client = await startServer(t);
  t.equal((await client.delete(`/beta/deviceAppManagement/mobileAppConfigurations/22222222-2222-4222-8222-222222222222`)).status, 204);
  t.equal((await client.get(V1_CONFIG)).status, 200, 'v1.0 keeps its configuration');
});

t.test('type-cast segments narrow a collection and an entity', async (t) => {
  const client = await startServer(t);
  const apps = await client.get('/beta/deviceAppManagement/mobileApps/microsoft.graph.webApp');
  t.equal(apps.status, 200);
  t.equal(apps.body['@odata.context'], 'http://localhost:80/beta/$metadata#deviceAppManagement/mobileApps/microsoft.graph.webApp');
  t.equal(apps.body.value.length, 1);
  t.equal((await client.get(`${BETA_APP}/graph.webApp`)).body.id, APP_ID);
  assertODataError(t, await client.get(`${BETA_APP}/microsoft.graph.userAppInstallStatus`), 400, 'BadRequest');
});
