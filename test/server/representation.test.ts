import t from 'tap';
import { APP_ID, assertODataError, BETA_APP, startServer, USER_STATUS_ID } from '../helpers/server.js';

// $expand, property paths, metadata levels, IEEE754Compatible and OData-MaxVersion.

const STATUS = `${BETA_APP}/userStatuses/${USER_STATUS_ID}`;

t.test('$expand: contained collections with nested options, single-valued links, *, $levels', async (t) => {
  const client = await startServer(t);
  for (const name of ['d1', 'd2', 'd3']) t.equal((await client.post(`${STATUS}/deviceStatuses`, { id: name, deviceName: name.toUpperCase(), errorCode: Number(name[1]) })).status, 201);
  t.equal((await client.request('PUT', `${STATUS}/app/$ref`, { '@odata.id': BETA_APP })).status, 204);

  const app = await client.get(`${BETA_APP}?$select=displayName&$expand=userStatuses($select=userName;$expand=deviceStatuses($filter=errorCode%20ge%202;$orderby=errorCode%20desc;$select=deviceName;$count=true))`);
  t.equal(app.status, 200);
  t.equal(app.body['@odata.context'], 'http://localhost:80/beta/$metadata#deviceAppManagement/mobileApps(displayName,userStatuses(userName,deviceStatuses(deviceName)))/$entity');
  const [status] = app.body.userStatuses;
  t.equal(status.userName, 'Adele Vance');
  t.equal(status['deviceStatuses@odata.count'], 2);
  t.same(status.deviceStatuses.map((d: { deviceName: string }) => d.deviceName), ['D3', 'D2']);
  t.notOk('installedDeviceCount' in status, 'nested $select applied');

  const single = await client.get(`${STATUS}?$expand=app($select=displayName)`);
  t.equal(single.body.app['@odata.type'], '#microsoft.graph.webApp');
  t.same(Object.keys(single.body.app), ['@odata.type', '@odata.etag', 'displayName']);
  const all = await client.get(`${STATUS}?$expand=*`);
  t.equal(all.body.deviceStatuses.length, 3);
  t.equal(all.body.app.id, APP_ID);
  const topped = await client.get(`${BETA_APP}/userStatuses?$expand=deviceStatuses($top=1;$skip=1)`);
  t.same(topped.body.value[0].deviceStatuses.map((d: { id: string }) => d.id), ['d2']);
  const levels = await client.get(`${STATUS}?$expand=app($levels=2)`);
  t.equal(levels.status, 200, '$levels is accepted');
  const empty = await client.get(`${BETA_APP}/deviceStatuses/66666666-6666-4666-8666-666666666666?$expand=app`);
  t.equal(empty.body.app, null, 'an unlinked single-valued navigation expands to null');

  for (const query of ['$expand=nothing', '$expand=userStatuses($select=colour)', '$expand=userStatuses($frobnicate=1)', '$expand=userStatuses($filter=nope%20eq%201)', '$expand=userStatuses(']) {
    assertODataError(t, await client.get(`${BETA_APP}?${query}`), 400, 'BadRequest');
  }
});

t.test('property paths: a property, its raw $value, 204 for null', async (t) => {
  const client = await startServer(t);
  const property = await client.get(`${STATUS}/installedDeviceCount`);
  t.same(property.body, { '@odata.context': `http://localhost:80/beta/$metadata#deviceAppManagement/mobileApps('${APP_ID}')/userStatuses('${USER_STATUS_ID}')/installedDeviceCount`, value: 2 });
  const raw = await client.get(`${STATUS}/userName/$value`);
  t.equal(raw.status, 200);
  t.match(raw.headers['content-type'], /^text\/plain/);
  t.equal(raw.text, 'Adele Vance');
  t.equal((await client.get(`${STATUS}/installedDeviceCount/$value`)).text, '2');
  t.equal((await client.patch(STATUS, { userPrincipalName: null })).status, 204);
  t.equal((await client.get(`${STATUS}/userPrincipalName`)).status, 204);
  assertODataError(t, await client.get(`${STATUS}/nothing`), 404, 'ResourceNotFound');
  assertODataError(t, await client.get(`${STATUS}/userName/$value/more`), 404, 'ResourceNotFound');
  assertODataError(t, await client.request('PATCH', `${STATUS}/userName`, { value: 'x' }), 405, 'MethodNotAllowed');
});

t.test('metadata levels: none, minimal (default) and full, by Accept or $format', async (t) => {
  const client = await startServer(t);
  const none = await client.get(`${BETA_APP}/userStatuses`, { accept: 'application/json;odata.metadata=none' });
  t.equal(none.headers['content-type'], 'application/json;odata.metadata=none;odata.streaming=true;IEEE754Compatible=false;charset=utf-8');
  t.same(Object.keys(none.body), ['value']);
  t.same(Object.keys(none.body.value[0]), ['id', 'userName', 'userPrincipalName', 'installedDeviceCount', 'failedDeviceCount', 'notInstalledDeviceCount']);
  const minimal = await client.get(`${BETA_APP}/userStatuses`);
  t.same(Object.keys(minimal.body.value[0]).slice(0, 2), ['@odata.type', '@odata.etag']);
  const full = await client.get(`${BETA_APP}/userStatuses?$format=application/json;odata.metadata=full`);
  t.match(full.headers['content-type'], /odata\.metadata=full/);
  const entity = full.body.value[0];
  const url = `http://localhost:80/beta/deviceAppManagement/mobileApps('${APP_ID}')/userStatuses('${USER_STATUS_ID}')`;
  t.match(entity, {
    '@odata.type': '#microsoft.graph.userAppInstallStatus',
    '@odata.id': url,
    '@odata.editLink': url,
    'deviceStatuses@odata.navigationLink': `${url}/deviceStatuses`,
    'app@odata.navigationLink': `${url}/app`,
    'app@odata.associationLink': `${url}/app/$ref`,
  });
  const device = await client.get(`${BETA_APP}/deviceStatuses/66666666-6666-4666-8666-666666666666`, { accept: 'application/json;odata.metadata=full' });
  t.equal(device.body['lastSyncDateTime@odata.type'], '#DateTimeOffset');
  t.equal(device.body['installState@odata.type'], '#microsoft.graph.resultantAppState');
  t.equal(device.body['errorCode@odata.type'], undefined, 'Int32 needs no annotation');
  t.equal((await client.get(`${BETA_APP}?$format=json`)).status, 200);
  assertODataError(t, await client.get(`${BETA_APP}?$format=xml`), 406, 'NotAcceptable');
  assertODataError(t, await client.get(BETA_APP, { accept: 'application/xml' }), 406, 'NotAcceptable');
  assertODataError(t, await client.get(BETA_APP, { accept: 'application/json;odata.metadata=lots' }), 400, 'BadRequest');
  t.equal((await client.get(BETA_APP, { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' })).status, 200, 'a browser gets JSON');
});

t.test('IEEE754Compatible=true writes Int64 and Decimal as strings', async (t) => {
  const { writeFile } = await import('node:fs/promises');
  const dir = t.testdir();
  await writeFile(`${dir}/n.xml`, `<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="n" xmlns="http://docs.oasis-open.org/odata/ns/edm"><EntityType Name="big"><Key><PropertyRef Name="id"/></Key>
<Property Name="id" Type="Edm.String" Nullable="false"/><Property Name="size" Type="Edm.Int64" Nullable="false"/><Property Name="price" Type="Edm.Decimal"/><Property Name="count" Type="Edm.Int32"/></EntityType>
<EntityContainer Name="c"><EntitySet Name="bigs" EntityType="n.big"/></EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`);
  const client = await startServer(t, { services: [{ prefix: '', metadataFile: `${dir}/n.xml` }] });
  t.equal((await client.post('/bigs', { id: 'b', size: 9007199254740991, price: 1.5, count: 3 })).status, 201);
  const strings = await client.get('/bigs/b', { accept: 'application/json;odata.metadata=minimal;IEEE754Compatible=true' });
  t.match(strings.headers['content-type'], /IEEE754Compatible=true/);
  t.match(strings.body, { size: '9007199254740991', price: '1.5', count: 3 });
  t.match((await client.get('/bigs/b')).body, { size: 9007199254740991, price: 1.5 });
});

t.test('OData-MaxVersion negotiates 4.0 or 4.01', async (t) => {
  const client = await startServer(t);
  t.equal((await client.get(BETA_APP)).headers['odata-version'], '4.0', 'Graph answers 4.0');
  t.equal((await client.get(BETA_APP, { 'odata-maxversion': '4.0' })).headers['odata-version'], '4.0');
  const v401 = await client.get(`${BETA_APP}?$expand=userStatuses`, { 'odata-maxversion': '4.01' });
  t.equal(v401.headers['odata-version'], '4.01');
  t.match(v401.body['@odata.context'], /mobileApps\(userStatuses\(\)\)\/\$entity$/, '4.01 lists an expansion as nav()');
  const v40 = await client.get(`${BETA_APP}?$expand=userStatuses`);
  t.match(v40.body['@odata.context'], /mobileApps\/\$entity$/, '4.0 does not');
  assertODataError(t, await client.get(BETA_APP, { 'odata-maxversion': '3.0' }), 400, 'BadRequest');
});
