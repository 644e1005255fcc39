import { writeFile } from 'node:fs/promises';
import t from 'tap';
import { assertODataError, BETA_APP, BETA_CONFIG, BETA_LOB, CONFIG_USER_STATUS_ID, startServer, USER_STATUS_ID } from '../helpers/server.js';

// $ref on the non-containment navigation iosLobAppProvisioningConfiguration/userStatuses (seed page
// 003): OData 4.01 Protocol §11.4.6 for links, §11.4.2 for a POST that creates and links.

const REFS = `${BETA_LOB}/userStatuses/$ref`;
const STATUS_PATH = `deviceAppManagement/mobileAppConfigurations('22222222-2222-4222-8222-222222222222')/userStatuses('${CONFIG_USER_STATUS_ID}')`;
const STATUS_URL = `http://localhost:80/beta/${STATUS_PATH}`;

t.test('add, list, read through, and remove a reference', async (t) => {
  const client = await startServer(t);
  const added = await client.post(REFS, { '@odata.id': `https://graph.microsoft.com/beta/deviceAppManagement/mobileAppConfigurations/22222222-2222-4222-8222-222222222222/userStatuses/${CONFIG_USER_STATUS_ID}` });
  t.equal(added.status, 204, 'absolute URL, any host, key-as-segment form');
  t.equal(added.text, '');
  const refs = await client.get(REFS);
  t.equal(refs.status, 200);
  t.same(refs.body, { '@odata.context': 'http://localhost:80/beta/$metadata#Collection($ref)', value: [{ '@odata.id': STATUS_URL }] });
  const list = await client.get(`${BETA_LOB}/userStatuses`);
  t.same(list.body.value.map((e: { id: string }) => e.id), [CONFIG_USER_STATUS_ID], 'the linked entity is listed');
  const read = await client.get(`${BETA_LOB}/userStatuses/${CONFIG_USER_STATUS_ID}`);
  t.equal(read.body.userDisplayName, 'Adele Vance', 'and readable through the navigation');
  t.equal((await client.delete(`${BETA_LOB}/userStatuses/${CONFIG_USER_STATUS_ID}/$ref`)).status, 204);
  t.same((await client.get(REFS)).body.value, []);
  t.equal((await client.get(`${BETA_CONFIG}/userStatuses/${CONFIG_USER_STATUS_ID}`)).status, 200, 'removing a link keeps the entity');
  assertODataError(t, await client.delete(`${BETA_LOB}/userStatuses/${CONFIG_USER_STATUS_ID}/$ref`), 404, 'ResourceNotFound');
});

t.test('a service-relative @odata.id works too; a second add of the same entity is refused as Graph does', async (t) => {
  const client = await startServer(t);
  t.equal((await client.post(REFS, { '@odata.id': STATUS_PATH })).status, 204);
  const again = await client.post(REFS, { '@odata.id': `/beta/${STATUS_PATH}` });
  assertODataError(t, again, 400, 'BadRequest');
  t.equal(again.body.error.message, "One or more added object references already exist for the following modified properties: 'userStatuses'.");
  t.equal((await client.get(REFS)).body.value.length, 1);
});

t.test('bad reference bodies', async (t) => {
  const client = await startServer(t);
  const cases: [string, unknown, number, string][] = [
    ['missing @odata.id', { id: CONFIG_USER_STATUS_ID }, 400, 'BadRequest'],
    ['@odata.id not a string', { '@odata.id': 5 }, 400, 'BadRequest'],
    ['@odata.id empty', { '@odata.id': '' }, 400, 'BadRequest'],
    ['not a URL of this service', { '@odata.id': 'https://graph.microsoft.com/v1.0/deviceAppManagement' }, 400, 'BadRequest'],
    ['malformed URL', { '@odata.id': 'http://[::1' }, 400, 'BadRequest'],
    ['a collection, not an entity', { '@odata.id': `${BETA_CONFIG}/userStatuses` }, 400, 'BadRequest'],
    ['target not found', { '@odata.id': `${BETA_CONFIG}/userStatuses/nope` }, 404, 'ResourceNotFound'],
    ['target parent not found', { '@odata.id': '/beta/deviceAppManagement/mobileAppConfigurations/nope/userStatuses/x' }, 404, 'ResourceNotFound'],
    ['wrong type', { '@odata.id': `${BETA_APP}/userStatuses/${USER_STATUS_ID}` }, 400, 'BadRequest'],
  ];
  for (const [name, body, status, code] of cases) {
    const response = await client.post(REFS, body);
    assertODataError(t, response, status, code);
    t.equal(response.body.error.target, '@odata.id', `${name}: target @odata.id`);
  }
  assertODataError(t, await client.post(REFS, '[]'), 400, 'BadRequest');
  t.same((await client.get(REFS)).body.value, [], 'nothing linked');
});

t.test('$ref is only for non-containment navigations; other methods are 405', async (t) => {
  const client = await startServer(t);
  assertODataError(t, await client.get(`${BETA_APP}/userStatuses/$ref`), 404, 'ResourceNotFound');
  assertODataError(t, await client.post(`${BETA_APP}/userStatuses/$ref`, { '@odata.id': 'x' }), 404, 'ResourceNotFound');
  const put = await client.request('PUT', REFS, { '@odata.id': STATUS_PATH });
  assertODataError(t, put, 405, 'MethodNotAllowed');
  t.equal(put.headers.allow, 'GET, POST, DELETE');
  assertODataError(t, await client.get(`${REFS}/x`), 404, 'ResourceNotFound');
});

t.test('deleting a linked entity removes the dangling link', async (t) => {
  const client = await startServer(t);
  await client.post(REFS, { '@odata.id': STATUS_PATH });
  t.equal((await client.delete(`${BETA_CONFIG}/userStatuses/${CONFIG_USER_STATUS_ID}`)).status, 204);
  t.same((await client.get(REFS)).body.value, []);
  t.same((await client.get(`${BETA_LOB}/userStatuses`)).body.value, []);
});

t.test("POST of a full entity to the navigation (page 003's example) creates it and links it", async (t) => {
  const client = await startServer(t);
  const created = await client.post(`${BETA_LOB}/userStatuses`, {
    '@odata.type': '#microsoft.graph.managedDeviceMobileAppConfigurationUserStatus',
    userDisplayName: 'User Display Name value', devicesCount: 12, status: 'compliant', lastReportedDateTime: '2017-01-01T00:03:19.2710393+03:00',
  });
  t.equal(created.status, 201);
  // No NavigationPropertyBinding names a single home for these statuses, so the entity lives
  // under the navigation itself (as in the real beta service, where userStatuses is contained).
  t.equal(created.headers.location, `http://localhost:80/beta/deviceAppManagement/iosLobAppProvisioningConfigurations('33333333-3333-4333-8333-333333333333')/userStatuses('${created.body.id}')`);
  const refs = await client.get(REFS);
  t.same(refs.body.value, [{ '@odata.id': created.headers.location }]);
  t.equal((await client.patch(`${BETA_LOB}/userStatuses/${created.body.id}`, { devicesCount: 13 })).status, 204);
  t.equal((await client.get(`${BETA_LOB}/userStatuses/${created.body.id}`)).body.devicesCount, 13);
  assertODataError(t, await client.post(`${BETA_LOB}/userStatuses`, { id: created.body.id }), 409, 'Conflict');
  t.equal((await client.delete(`${BETA_LOB}/userStatuses/${created.body.id}/$ref`)).status, 204);
  assertODataError(t, await client.get(`${BETA_LOB}/userStatuses/${created.body.id}`), 404, 'ResourceNotFound');
  assertODataError(t, await client.post(`${BETA_LOB}/userStatuses`, { devicesCount: 'Integer' }), 400, 'BadRequest');
  t.same((await client.get(REFS)).body.value, [], 'a rejected create links nothing');
});

t.test('a NavigationPropertyBinding decides where a created entity lives', async (t) => {
  const dir = t.testdir();
  const file = `${dir}/bound.xml`;
  await writeFile(file, `<?xml version="1.0"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="ns" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="tag"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
<EntityType Name="post"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/><NavigationProperty Name="tags" Type="Collection(ns.tag)"/></EntityType>
<EntityContainer Name="c"><EntitySet Name="tags" EntityType="ns.tag"/>
<EntitySet Name="posts" EntityType="ns.post"><NavigationPropertyBinding Path="tags" Target="tags"/></EntitySet></EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>`);
  const client = await startServer(t, { services: [{ prefix: '', metadataFile: file }] });
  t.equal((await client.post('/posts', { id: 'p1' })).status, 201);
  const tag = await client.post('/posts/p1/tags', { id: 't1' });
  t.equal(tag.status, 201);
  t.equal(tag.headers.location, "http://localhost:80/tags('t1')", 'created in the bound entity set');
  t.same((await client.get('/tags')).body.value.map((e: { id: string }) => e.id), ['t1']);
  t.same((await client.get('/posts/p1/tags/$ref')).body.value, [{ '@odata.id': "http://localhost:80/tags('t1')" }]);
  t.equal((await client.delete('/posts/p1/tags/t1/$ref')).status, 204);
  t.equal((await client.get('/tags/t1')).status, 200, 'removing the link keeps an entity that lives in its set');
});

t.test('a single-valued non-containment navigation: GET is 204 until linked, $ref sets, reads and clears it', async (t) => {
  const client = await startServer(t);
  const app = `${BETA_APP}/userStatuses/${USER_STATUS_ID}/app`;
  const empty = await client.get(app);
  t.equal(empty.status, 204);
  t.equal((await client.get(`${app}/$ref`)).status, 204);
  t.equal((await client.request('PUT', `${app}/$ref`, { '@odata.id': BETA_APP })).status, 204);
  const ref = await client.get(`${app}/$ref`);
  t.same(ref.body, { '@odata.context': 'http://localhost:80/beta/$metadata#$ref', '@odata.id': "http://localhost:80/beta/deviceAppManagement/mobileApps('11111111-1111-4111-8111-111111111111')" });
  const linked = await client.get(app);
  t.equal(linked.body['@odata.type'], '#microsoft.graph.webApp');
  assertODataError(t, await client.request('PUT', `${app}/$ref`, { '@odata.id': `${BETA_APP}/userStatuses/${USER_STATUS_ID}` }), 400, 'BadRequest');
  t.equal((await client.delete(`${app}/$ref`)).status, 204);
  t.equal((await client.get(app)).status, 204);
  assertODataError(t, await client.post(`${app}/$ref`, { '@odata.id': BETA_APP }), 405, 'MethodNotAllowed');
});
