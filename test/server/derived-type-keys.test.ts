import t from 'tap';
import type { PermissionTable } from '../../src/toolkit/auth.js';
import { bearerToken } from '../helpers/bearer-token.js';
import { APP_ID, assertODataError, BETA_APP, startServer, startServerWithEdmx, type TapTest } from '../helpers/server.js';

// A type cast on a collection followed by a key (URL Conventions §4.11, addressing derived types):
// `mobileApps/microsoft.graph.webApp('<id>')`, as Graph's SDKs and o.js write it, addresses the
// same member as `mobileApps/microsoft.graph.webApp/<id>`; a member of another type is a 404.

const APPS = '/beta/deviceAppManagement/mobileApps';
const CAST_KEY = `${APPS}/microsoft.graph.webApp('${APP_ID}')`;
const CAST_SEGMENT = `${APPS}/microsoft.graph.webApp/${APP_ID}`;
const CONTEXT = 'http://localhost:80/beta/$metadata#deviceAppManagement/mobileApps/microsoft.graph.webApp/$entity';

t.test('URL Conventions §4.11: GET collection/<derived type>(key) and collection/<derived type>/key return the member of that type', async (t) => {
  const client = await startServer(t);
  for (const url of [CAST_KEY, CAST_SEGMENT, `${APPS}/graph.webApp('${APP_ID}')`]) {
    const read = await client.get(url);
    t.equal(read.status, 200, url);
    t.equal(read.body.id, APP_ID);
    t.equal(read.body['@odata.context'], CONTEXT, 'the context names the cast');
    t.equal(read.body.displayName, 'Contoso Expenses');
  }
  t.equal((await client.get(`${APPS}/microsoft.graph.mobileApp('${APP_ID}')`)).status, 200, 'a cast to the declared type itself');
  const statuses = await client.get(`${CAST_KEY}/userStatuses`);
  t.equal(statuses.status, 200, 'and navigation after it');
  t.equal(statuses.body.value.length, 1);
  t.equal((await client.get(`${CAST_KEY}/displayName/$value`)).text, 'Contoso Expenses', 'and its properties');
});

t.test('URL Conventions §4.11: a cast with a key that names no member is 404, a malformed one 400', async (t) => {
  const client = await startServer(t);
  assertODataError(t, await client.get(`${APPS}/microsoft.graph.webApp('nope')`), 404, 'ResourceNotFound');
  const unquoted = await client.get(`${APPS}/microsoft.graph.webApp(${APP_ID})`);
  assertODataError(t, unquoted, 400, 'BadRequest');
  t.match(unquoted.body.error.message, /must be quoted/, 'the key type is still checked (§4.3.1)');
  const unrelated = await client.get(`${APPS}/microsoft.graph.userAppInstallStatus('${APP_ID}')`);
  assertODataError(t, unrelated, 400, 'BadRequest');
  t.match(unrelated.body.error.message, /does not derive from/);
  const onEntity = await client.get(`${BETA_APP}/microsoft.graph.webApp('${APP_ID}')`);
  assertODataError(t, onEntity, 400, 'BadRequest');
  t.match(onEntity.body.error.message, /takes no key/, 'a cast on a single entity has no member to pick');
  assertODataError(t, await client.get(`${APPS}/microsoft.graph.webApp('${APP_ID}'`), 400, 'BadRequest');
});

t.test('URL Conventions §4.11 / Protocol §11.4.3, §11.4.5: PATCH and DELETE through collection/<derived type>(key)', async (t) => {
  const client = await startServer(t);
  t.equal((await client.patch(CAST_KEY, { displayName: 'Renamed through the cast' })).status, 204);
  t.equal((await client.get(BETA_APP)).body.displayName, 'Renamed through the cast', 'the same entity as the plain key URL');
  assertODataError(t, await client.patch(`${APPS}/microsoft.graph.webApp('nope')`, { displayName: 'x' }), 404, 'ResourceNotFound');
  t.equal((await client.delete(CAST_KEY)).status, 204);
  assertODataError(t, await client.get(BETA_APP), 404, 'ResourceNotFound');
  assertODataError(t, await client.delete(CAST_KEY), 404, 'ResourceNotFound');
});

// Graph's slice has one derived type per collection; siblings need a service of their own.
const EDMX = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="ns" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EntityType Name="app" Abstract="true"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/><Property Name="name" Type="Edm.String"/>
    <NavigationProperty Name="related" Type="Collection(ns.app)"/></EntityType>
  <EntityType Name="webApp" BaseType="ns.app"><Property Name="url" Type="Edm.String"/></EntityType>
  <EntityType Name="iosApp" BaseType="ns.app"><Property Name="bundleId" Type="Edm.String"/></EntityType>
  <EntityType Name="numbered"><Key><PropertyRef Name="n"/></Key><Property Name="n" Type="Edm.Int32" Nullable="false"/></EntityType>
  <EntityType Name="special" BaseType="ns.numbered"/>
  <EntityContainer Name="c">
    <EntitySet Name="apps" EntityType="ns.app"><NavigationPropertyBinding Path="related" Target="apps"/></EntitySet>
    <EntitySet Name="ints" EntityType="ns.numbered"/>
  </EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>`;

async function siblings(t: TapTest) {
  const client = await startServerWithEdmx(t, EDMX);
  t.equal((await client.post('/apps', { '@odata.type': '#ns.webApp', id: 'w', name: 'web' })).status, 201);
  t.equal((await client.post('/apps', { '@odata.type': '#ns.iosApp', id: 'i', name: 'ios' })).status, 201);
  return client;
}

t.test('URL Conventions §4.11: a key of a member of another type is 404 through the cast, for reads and writes', async (t) => {
  const client = await siblings(t);
  t.equal((await client.get("/apps/ns.webApp('w')")).body.url, null, 'a webApp through the webApp cast');
  for (const url of ["/apps/ns.webApp('i')", '/apps/ns.webApp/i']) {
    assertODataError(t, await client.get(url), 404, 'ResourceNotFound');
    assertODataError(t, await client.patch(url, { name: 'changed' }), 404, 'ResourceNotFound');
    assertODataError(t, await client.delete(url), 404, 'ResourceNotFound');
  }
  const ios = await client.get("/apps('i')");
  t.equal(ios.body.name, 'ios', 'the refused writes changed nothing');
  t.equal((await client.patch("/apps/ns.iosApp('i')", { bundleId: 'com.example' })).status, 204, 'through its own type the write goes through');
  t.equal((await client.get('/apps/i')).body.bundleId, 'com.example');
});

t.test('URL Conventions §4.11: the cast with a key after a navigation, and with a bare integer key (§4.3.1)', async (t) => {
  const client = await siblings(t);
  t.equal((await client.post("/apps('w')/related/$ref", { '@odata.id': "/apps('i')" })).status, 204);
  t.equal((await client.get("/apps('w')/related/ns.iosApp('i')")).body.id, 'i');
  assertODataError(t, await client.get("/apps('w')/related/ns.webApp('i')"), 404, 'ResourceNotFound');
  t.equal((await client.post('/ints', { '@odata.type': '#ns.special', n: 7 })).status, 201);
  t.equal((await client.post('/ints', { n: 8 })).status, 201);
  t.equal((await client.get('/ints/ns.special(7)')).body.n, 7);
  assertODataError(t, await client.get('/ints/ns.special(8)'), 404, 'ResourceNotFound');
  assertODataError(t, await client.get("/ints/ns.special('7')"), 400, 'BadRequest');
});

/** The Authorization header of a token with these delegated scopes. */
function bearer(scopes: string): Record<string, string> {
  return { authorization: `Bearer ${bearerToken({ scp: scopes })}` };
}

const WRITE_SCOPE = 'DeviceManagementApps.ReadWrite.All';
const TABLE: PermissionTable = {
  permissions: ['POST /deviceAppManagement/mobileApps/{mobileAppId}/userStatuses', 'PATCH /deviceAppManagement/mobileApps/{mobileAppId}', 'DELETE /deviceAppManagement/mobileApps/{mobileAppId}']
    .map((line) => line.split(' ') as [string, string])
    .map(([method, path]) => ({ method, path, delegated: [WRITE_SCOPE], application: [WRITE_SCOPE] })),
};

t.test('with --auth, every spelling of a member URL (cast and key in parentheses included) gets the scope check of the plain key URL', async (t) => {
  const client = await startServer(t, { auth: { permissions: { '/beta': TABLE } } });
  const readOnly = bearer('DeviceManagementApps.Read.All');
  const spellings = [BETA_APP, `${APPS}('${APP_ID}')`, CAST_KEY, CAST_SEGMENT, `${APPS}/graph.webApp('${APP_ID}')`];
  for (const url of spellings) {
    const denied = await client.request('POST', `${url}/userStatuses`, { userName: 'x' }, readOnly);
    assertODataError(t, denied, 403, 'Authorization_RequestDenied');
    t.match(denied.body.error.message, /POST \/deviceAppManagement\/mobileApps\/\{mobileAppId\}\/userStatuses needs/, `POST under ${url}`);
    assertODataError(t, await client.request('PATCH', url, { displayName: 'x' }, readOnly), 403, 'Authorization_RequestDenied');
    assertODataError(t, await client.request('DELETE', url, undefined, readOnly), 403, 'Authorization_RequestDenied');
  }
  t.equal((await client.get(CAST_KEY, readOnly)).status, 200, 'reads the table does not list stay open');
  const writer = bearer(WRITE_SCOPE);
  t.equal((await client.request('POST', `${CAST_KEY}/userStatuses`, { userName: 'x' }, writer)).status, 201);
  t.equal((await client.request('PATCH', CAST_KEY, { displayName: 'granted' }, writer)).status, 204);
  t.equal((await client.request('DELETE', CAST_KEY, undefined, writer)).status, 204);
});
