import t from 'tap';
import { assertODataError, BETA_APP, startServer } from '../helpers/server.js';

// OData JSON 4.01 §4.5.3 and Graph: @odata.type names the type of a written entity; optional for
// the declared type, required where the declared type is abstract, and always answered canonically.

const USER_STATUSES = `${BETA_APP}/userStatuses`;
const MOBILE_APPS = '/beta/deviceAppManagement/mobileApps';

t.test('every accepted spelling of the declared type is stored under its canonical name', async (t) => {
  const client = await startServer(t);
  for (const spelling of [
    '#microsoft.graph.userAppInstallStatus',
    'microsoft.graph.userAppInstallStatus',
    '#graph.userAppInstallStatus',
    'graph.userAppInstallStatus',
    '#microsoft.management.services.api.userAppInstallStatus',
  ]) {
    const response = await client.post(USER_STATUSES, { '@odata.type': spelling, userName: spelling });
    t.equal(response.status, 201, `${spelling} accepted`);
    t.equal(response.body['@odata.type'], '#microsoft.graph.userAppInstallStatus', `${spelling} answered canonically`);
  }
  const omitted = await client.post(USER_STATUSES, { userName: 'no type' });
  t.equal(omitted.status, 201, 'omitted for a concrete declared type');
  t.equal(omitted.body['@odata.type'], '#microsoft.graph.userAppInstallStatus', 'and still returned');
});

t.test('an unknown type, or one not derived from the declared type, is 400 naming the allowed types', async (t) => {
  const client = await startServer(t);
  const unknown = await client.post(USER_STATUSES, { '@odata.type': '#microsoft.graph.nothing' });
  assertODataError(t, unknown, 400, 'BadRequest');
  t.equal(unknown.body.error.target, '@odata.type');
  t.match(unknown.body.error.message, /Allowed types: '#microsoft\.graph\.userAppInstallStatus'/);
  const unrelated = await client.post(USER_STATUSES, { '@odata.type': '#microsoft.graph.mobileAppInstallStatus' });
  assertODataError(t, unrelated, 400, 'BadRequest');
  assertODataError(t, await client.post(USER_STATUSES, { '@odata.type': '#other.namespace.userAppInstallStatus' }), 400, 'BadRequest');
  assertODataError(t, await client.post(USER_STATUSES, { '@odata.type': 42 }), 400, 'BadRequest');
  t.equal((await client.get(USER_STATUSES)).body.value.length, 1, 'nothing created');
});

t.test('an abstract declared type requires @odata.type naming a concrete type', async (t) => {
  const client = await startServer(t);
  const missing = await client.post(MOBILE_APPS, { displayName: 'x' });
  assertODataError(t, missing, 400, 'BadRequest');
  t.match(missing.body.error.message, /'microsoft\.graph\.mobileApp' is abstract.*Allowed types: '#microsoft\.graph\.webApp'/);
  const abstract = await client.post(MOBILE_APPS, { '@odata.type': '#microsoft.graph.mobileApp', displayName: 'x' });
  assertODataError(t, abstract, 400, 'BadRequest');
});

t.test('a derived type posted to a base-typed collection is stored and returned as the derived type', async (t) => {
  const client = await startServer(t);
  const created = await client.post(MOBILE_APPS, { '@odata.type': '#graph.webApp', displayName: 'Web', appUrl: 'https://x.example', useManagedBrowser: true });
  t.equal(created.status, 201);
  t.equal(created.body['@odata.type'], '#microsoft.graph.webApp');
  t.match(created.body, { appUrl: 'https://x.example', useManagedBrowser: true, isFeatured: false, publishingState: 'notPublished', largeIcon: null });
  t.equal(created.body['@odata.context'], 'http://localhost:80/beta/$metadata#deviceAppManagement/mobileApps/$entity');
  const read = await client.get(`${MOBILE_APPS}/${created.body.id}`);
  t.equal(read.body['@odata.type'], '#microsoft.graph.webApp');
  t.equal(read.body.appUrl, 'https://x.example', 'derived properties kept');
  const unknownOnDerived = await client.post(MOBILE_APPS, { '@odata.type': '#microsoft.graph.webApp', bundleId: 'x' });
  assertODataError(t, unknownOnDerived, 400, 'BadRequest');
  t.match(unknownOnDerived.body.error.details[0]?.message, /does not exist on type 'microsoft\.graph\.webApp'/, 'validated as the derived type');
});

t.test('complex properties are validated by their own type', async (t) => {
  const client = await startServer(t);
  const good = await client.post(MOBILE_APPS, { '@odata.type': '#microsoft.graph.webApp', largeIcon: { type: 'image/png', value: 'iVBORw0KGgo=' } });
  t.equal(good.status, 201);
  t.same(good.body.largeIcon, { type: 'image/png', value: 'iVBORw0KGgo=' });
  const bad = await client.post(MOBILE_APPS, { '@odata.type': '#microsoft.graph.webApp', largeIcon: { type: 1, size: 2 } });
  assertODataError(t, bad, 400, 'BadRequest');
  t.same(bad.body.error.details.map((d: { target: string }) => d.target).sort(), ['largeIcon/size', 'largeIcon/type']);
  t.match(bad.body.error.details.find((d: { target: string }) => d.target === 'largeIcon/size').message, /does not exist on type 'microsoft\.graph\.mimeContent'/);
});

t.test('an update may repeat the stored type but not change it', async (t) => {
  const client = await startServer(t);
  const url = `${MOBILE_APPS}/11111111-1111-4111-8111-111111111111`;
  t.equal((await client.patch(url, { '@odata.type': '#microsoft.graph.webApp', displayName: 'Renamed' })).status, 204);
  t.equal((await client.patch(url, { displayName: 'Renamed again' })).status, 204, 'omitted on update: the stored type');
  assertODataError(t, await client.patch(url, { '@odata.type': '#microsoft.graph.mobileApp' }), 400, 'BadRequest');
  t.equal((await client.get(url)).body.displayName, 'Renamed again');
});

t.test('the namespace-alias map is configurable', async (t) => {
  const client = await startServer(t, { namespaceAliases: { 'contoso.api': 'microsoft.graph' } });
  t.equal((await client.post(USER_STATUSES, { '@odata.type': '#contoso.api.userAppInstallStatus' })).status, 201);
  const dropped = await client.post(USER_STATUSES, { '@odata.type': '#microsoft.management.services.api.userAppInstallStatus' });
  assertODataError(t, dropped, 400, 'BadRequest');
});
