import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { createServer } from '../../src/server/create-server.js';
import { APP_ID, assertODataError, BETA_APP, BETA_LOB, startServer, startServerWithEdmx, USER_STATUS_ID } from '../helpers/server.js';

// Putting the server in a known state: reset to the startup dataset, fixtures loaded like any
// write (all or nothing), a dump of the stores; a --data file edmock did not write. Persistence
// across restarts of the command line is in test/e2e.

const USER_STATUSES = `${BETA_APP}/userStatuses`;

t.test('reset brings every store of the session back to the startup dataset', async (t) => {
  const client = await startServer(t);
  await client.post(USER_STATUSES, { id: 'extra', userName: 'x' });
  await client.delete(`${USER_STATUSES}/${USER_STATUS_ID}`);
  const before = (await client.get(`/beta/deviceAppManagement/mobileApps/${APP_ID}`)).headers.etag;
  t.equal((await client.post('/_edmock/reset', {})).status, 204);
  t.same((await client.get(USER_STATUSES)).body.value.map((e: { id: string }) => e.id), [USER_STATUS_ID]);
  const after = (await client.get(`/beta/deviceAppManagement/mobileApps/${APP_ID}`)).headers.etag;
  t.not(after, before, 'entities made again get new ETags: a tag from before the reset never matches');
});

t.test('fixtures are validated like any write, all or nothing, and answer what they created', async (t) => {
  const client = await startServer(t);
  const loaded = await client.post('/_edmock/fixtures', {
    '/beta/deviceAppManagement/mobileApps': [{ '@odata.type': '#microsoft.graph.webApp', id: 'app2', displayName: 'Two' }],
    '/beta/deviceAppManagement/mobileApps/app2/userStatuses': [{ id: 'u1', userName: 'first' }, { userName: 'second' }],
    '/v1.0/deviceAppManagement/mobileApps': [{ '@odata.type': '#microsoft.graph.webApp', id: 'v1app' }],
  });
  t.equal(loaded.status, 201);
  t.equal(loaded.body.value.length, 4);
  t.match(loaded.body.value[1], { collection: '/beta/deviceAppManagement/mobileApps/app2/userStatuses', id: 'u1', type: 'microsoft.graph.userAppInstallStatus' });
  t.equal((await client.get('/beta/deviceAppManagement/mobileApps/app2/userStatuses/u1')).body.userName, 'first');
  t.equal((await client.get('/v1.0/deviceAppManagement/mobileApps/v1app')).status, 200);

  const broken = await client.post('/_edmock/fixtures', {
    '/beta/deviceAppManagement/mobileApps/app2/userStatuses': [{ id: 'u2', userName: 'fine' }, { id: 'u3', installedDeviceCount: 'many' }],
  });
  assertODataError(t, broken, 400, 'BadRequest');
  t.match(broken.body.error.message, /fixture '\/deviceAppManagement\/mobileApps\/app2\/userStatuses': Cannot convert the literal 'many'/);
  t.match(broken.body.error.details, [{ code: 'InvalidValue', target: 'installedDeviceCount' }]);
  t.equal((await client.get('/beta/deviceAppManagement/mobileApps/app2/userStatuses/u2')).status, 404, 'nothing of a failed load stays');
  assertODataError(t, await client.post('/_edmock/fixtures', { '/nowhere/x': [] }), 400, 'BadRequest');
  assertODataError(t, await client.post('/_edmock/fixtures', { '/beta/deviceAppManagement/mobileApps': {} }), 400, 'BadRequest');
});

const LINKED_EDMX = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="test.links" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EntityType Name="shelf"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/>
    <NavigationProperty Name="books" Type="Collection(test.links.book)"/></EntityType>
  <EntityType Name="book"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
  <EntityContainer Name="c">
    <EntitySet Name="shelves" EntityType="test.links.shelf"><NavigationPropertyBinding Path="books" Target="books"/></EntitySet>
    <EntitySet Name="books" EntityType="test.links.book"/>
  </EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>`;

t.test('a fixture under a non-containment navigation is created where a POST there would create it, and linked', async (t) => {
  const bound = await startServerWithEdmx(t, LINKED_EDMX);
  t.equal((await bound.post('/_edmock/fixtures', { '/shelves': [{ id: 's1' }], '/shelves/s1/books': [{ id: 'b1' }] })).status, 201);
  t.same((await bound.get('/shelves/s1/books')).body.value.map((b: { id: string }) => b.id), ['b1'], 'read back through the navigation');
  t.equal((await bound.get("/books('b1')")).status, 200, 'and in the entity set its binding names');
  const again = await bound.post('/_edmock/fixtures', { '/shelves/s1/books': [{ id: 'b1' }] });
  assertODataError(t, again, 400, 'BadRequest');
  t.match(again.body.error.message, /fixture '\/shelves\/s1\/books': .*'b1' already exists/, 'a second load of the same book is refused, as a second POST is');

  // No binding: the entity lives under the navigation, as an entity POSTed there does.
  const unbound = await startServer(t);
  const statuses = `${BETA_LOB}/userStatuses`;
  t.equal((await unbound.post('/_edmock/fixtures', { [statuses]: [{ id: 'linked', userDisplayName: 'via fixture' }] })).status, 201);
  t.equal((await unbound.get(`${statuses}/linked`)).body.userDisplayName, 'via fixture');
  t.equal((await unbound.get(`${statuses}/$ref`)).body.value.length, 1, 'one link');
});

t.test('a dump lists every stored entity and link as the services write them', async (t) => {
  const client = await startServer(t);
  const dump = await client.get('/_edmock/dump');
  t.equal(dump.status, 200);
  const beta = dump.body.services['/beta'];
  const status = beta.entities.find((e: { id: string }) => e.id === USER_STATUS_ID);
  t.match(status, { '@odata.id': `http://localhost:80/beta/deviceAppManagement/mobileApps('${APP_ID}')/userStatuses('${USER_STATUS_ID}')`, '@odata.type': '#microsoft.graph.userAppInstallStatus', userName: String });
  t.ok(beta.entities.some((e: { '@odata.type': string }) => e['@odata.type'] === '#microsoft.graph.deviceAppManagement'), 'singletons too');
  t.same(beta.links, []);
});

t.test('a data file edmock did not write is a clear startup error, and is left untouched', async (t) => {
  const file = path.join(t.testdir(), 'store.json');
  for (const content of ['{"not": "a store"', '{"format": "something-else"}', '{"format": "edmock-store", "version": 99, "services": {}}']) {
    await writeFile(file, content);
    await t.rejects(createServer({ dataFile: file }), /--data .*store\.json: .*left as it is/);
    t.equal(await readFile(file, 'utf8'), content, 'not emptied');
  }
});

t.test('reset empties the journal of the session it resets, and only of that one (as WireMock\'s reset does)', async (t) => {
  const client = await startServer(t);
  await client.get(USER_STATUSES);
  await client.get(USER_STATUSES, { 'x-edmock-session': 'other' });
  t.equal((await client.post('/_edmock/reset', {})).status, 204);
  t.same((await client.get('/_edmock/journal')).body.value, [], 'the reset session starts a new journal');
  const verify = await client.post('/_edmock/journal/verify', { method: 'GET', count: 0 });
  t.same(verify.body, { ok: true, matched: 0 });
  const other = await client.get('/_edmock/journal', { 'x-edmock-session': 'other' });
  t.equal(other.body.value.length, 1, 'another session keeps its own');
});
