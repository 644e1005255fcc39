import {
  BatchRequestContent,
  BatchResponseContent,
  Client,
  GraphError,
  PageIterator,
  type BatchResponseBody,
  type FetchOptions,
  type PageCollection,
} from '@microsoft/microsoft-graph-client';
import t from 'tap';
import { Agent, type Dispatcher } from 'undici';
import { APP_ID, GUID, USER_STATUS_ID, type TapTest } from '../helpers/server.js';
import { bearerToken, listeningTlsMock } from '../helpers/listening-mock.js';

// The Microsoft Graph JavaScript SDK 3.0.7, as an application uses it, against edmock over
// HTTPS with auth on. The SDK sends the bearer token only to Graph's own hosts and to the
// `customHosts` given, and only over https: this is the way a test sees that its token and
// scopes reach the server. The mock's CA is trusted by this client alone (an undici dispatcher
// in fetchOptions, which the SDK hands to the global fetch), not by turning verification off.

const USER_STATUSES = `/deviceAppManagement/mobileApps/${APP_ID}/userStatuses`;
const READ_WRITE = 'DeviceManagementApps.ReadWrite.All';
const PAGE_SIZE = 2;

const { mock, origin, ca } = await listeningTlsMock(t, { auth: true, pageSize: PAGE_SIZE });
const dispatcher = new Agent({ connect: { ca } });
t.teardown(() => dispatcher.close());
t.beforeEach(() => mock.reset());

/** A Graph client for the mock's origin whose auth provider hands out this token. */
function graphClient(accessToken: string): Client {
  // The SDK's FetchOptions type predates undici's `dispatcher`; the global fetch reads it.
  const fetchOptions: FetchOptions & { dispatcher: Dispatcher } = { dispatcher };
  return Client.initWithMiddleware({
    authProvider: { getAccessToken: async () => accessToken },
    baseUrl: origin,
    defaultVersion: 'beta',
    customHosts: new Set([new URL(origin).hostname]),
    fetchOptions,
  });
}

const client = graphClient(bearerToken({ scp: `openid ${READ_WRITE}` }));

/** The GraphError a call rejects with (fails the test when it resolves or throws something else). */
async function graphErrorOf(t: TapTest, call: Promise<unknown>): Promise<GraphError> {
  const error = await call.then(() => undefined, (e: unknown) => e);
  t.type(error, GraphError, 'rejects with a GraphError');
  return error as GraphError;
}

function loadStatuses(names: string[]): void {
  mock.load(`/beta${USER_STATUSES}`, names.map((userName, i) => ({ userName, installedDeviceCount: i + 2 })));
}

t.test('list: the collection, with its context URL on the https origin; the token reached the server', async (t) => {
  const page = (await client.api(USER_STATUSES).get()) as PageCollection;
  t.equal(page['@odata.context'], `${origin}/beta/$metadata#deviceAppManagement/mobileApps('${APP_ID}')/userStatuses`);
  t.match(page.value, [{ id: USER_STATUS_ID, userName: 'Adele Vance', installedDeviceCount: 2 }]);
  t.equal(page.value.length, 1);
  const [entry] = mock.journal.list({ method: 'GET' });
  t.equal(entry?.headers.authorization, 'Bearer [redacted]', 'the SDK sent its bearer token to the custom host');
});

t.test('get with .select(): only the selected properties come back', async (t) => {
  const status = await client.api(`${USER_STATUSES}/${USER_STATUS_ID}`).select(['userName', 'installedDeviceCount']).get();
  t.match(status, { userName: 'Adele Vance', installedDeviceCount: 2 });
  t.notOk('failedDeviceCount' in status, 'unselected property left out');
  t.match(status['@odata.context'], /userStatuses\(userName,installedDeviceCount\)\/\$entity$/);
});

t.test('.filter().top().count().orderby(): the filtered, ordered first page and the total count', async (t) => {
  loadStatuses(['Megan', 'Lee', 'Alex']); // installedDeviceCount 2, 3, 4
  const page = (await client.api(USER_STATUSES).filter('installedDeviceCount ge 3').top(1).count(true).orderby('userName desc').get()) as PageCollection;
  t.equal(page['@odata.count'], 2, 'count ignores $top');
  t.same(page.value.map((s) => s.userName), ['Lee'], 'Lee before Alex descending; $top=1 keeps one');
});

t.test('create (POST): the created entity, with a server id and the defaults', async (t) => {
  const created = await client.api(USER_STATUSES).post({ userName: 'Megan Bowen', installedDeviceCount: 3 });
  t.match(created, { '@odata.type': '#microsoft.graph.userAppInstallStatus', id: GUID, userName: 'Megan Bowen', installedDeviceCount: 3, failedDeviceCount: 0, userPrincipalName: null });
  const read = await client.api(`${USER_STATUSES}/${created.id}`).get();
  t.equal(read.userName, 'Megan Bowen', 'readable afterwards');
});

t.test('update (PATCH): resolves, and a read shows the change', async (t) => {
  await client.api(`${USER_STATUSES}/${USER_STATUS_ID}`).update({ failedDeviceCount: 4 });
  const read = await client.api(`${USER_STATUSES}/${USER_STATUS_ID}`).get();
  t.match(read, { failedDeviceCount: 4, userName: 'Adele Vance' }, 'merged, other properties kept');
});

t.test('DELETE: resolves, and a read is then a GraphError 404', async (t) => {
  await client.api(`${USER_STATUSES}/${USER_STATUS_ID}`).delete();
  const error = await graphErrorOf(t, client.api(`${USER_STATUSES}/${USER_STATUS_ID}`).get());
  t.equal(error.statusCode, 404);
  t.equal(error.code, 'ResourceNotFound');
});

t.test('a wrong-typed property: GraphError 400 with Graph\'s code, the request id and the details', async (t) => {
  const error = await graphErrorOf(t, client.api(USER_STATUSES).post({ userName: 'x', installedDeviceCount: 'three' }));
  t.equal(error.statusCode, 400);
  t.equal(error.code, 'BadRequest');
  t.equal(error.message, "Cannot convert the literal 'three' to the expected type 'Edm.Int32'.");
  t.match(error.requestId, GUID);
  t.type(error.date, Date);
  t.match(JSON.parse(error.body as string), { details: [{ code: 'InvalidValue', target: 'installedDeviceCount' }] });
});

t.test('a token without the scope the operation needs: GraphError 403 Authorization_RequestDenied', async (t) => {
  const readOnly = graphClient(bearerToken({ scp: 'DeviceManagementApps.Read.All' }));
  const error = await graphErrorOf(t, readOnly.api(USER_STATUSES).post({ userName: 'x' }));
  t.equal(error.statusCode, 403);
  t.equal(error.code, 'Authorization_RequestDenied');
  t.match(error.message, new RegExp(`^Insufficient privileges to complete the operation\\. .*${READ_WRITE.replace(/\./g, '\\.')}`));
  t.match(await readOnly.api(USER_STATUSES).get(), { value: [{ id: USER_STATUS_ID }] }, 'a read needs no scope');
});

t.test('PageIterator follows @odata.nextLink across three pages, every entity once, token on each', async (t) => {
  loadStatuses(['Megan', 'Lee', 'Alex', 'Diego', 'Grady']);
  const seen: string[] = [];
  const first = (await client.api(USER_STATUSES).get()) as PageCollection;
  t.equal(first.value.length, PAGE_SIZE);
  t.match(first['@odata.nextLink'], new RegExp(`^${origin}/beta${USER_STATUSES}\\?\\$skiptoken=`));
  await new PageIterator(client, first, (status: { userName: string }) => seen.push(status.userName) > 0).iterate();
  t.same(seen, ['Adele Vance', 'Megan', 'Lee', 'Alex', 'Diego', 'Grady'], 'creation order, none twice');
  const gets = mock.journal.list({ method: 'GET', path: `/beta${USER_STATUSES}` });
  t.equal(gets.length, 3, 'three pages');
  t.ok(gets.every((entry) => entry.status === 200 && entry.headers.authorization === 'Bearer [redacted]'), 'each page sent the token');
});

t.test('/$count and a key in parentheses, as the SDK passes paths through', async (t) => {
  loadStatuses(['Megan', 'Lee']);
  t.equal(await client.api(`${USER_STATUSES}/$count`).get(), '3', 'text/plain: the SDK hands back the text');
  const byParens = await client.api(`/deviceAppManagement/mobileApps('${APP_ID}')/userStatuses('${USER_STATUS_ID}')`).get();
  t.match(byParens, { id: USER_STATUS_ID, userName: 'Adele Vance' });
});

t.test("a throttled request (429, Retry-After: 0): the SDK's RetryHandler retries and the caller sees the page", async (t) => {
  mock.faults.add({ fault: 'throttle', path: `/beta${USER_STATUSES}`, method: 'GET', times: 1, retryAfter: 0 });
  t.teardown(() => mock.faults.clear());
  t.match(await client.api(USER_STATUSES).get(), { value: [{ id: USER_STATUS_ID }] });
  const gets = mock.journal.list({ method: 'GET' });
  t.same(gets.map((entry) => entry.status), [429, 200]);
  t.equal(gets[1]?.headers['retry-attempt'], '1', 'the retry says it is one');
});

t.test('If-Match with a stale tag: GraphError 412 PreconditionFailed, nothing changed', async (t) => {
  const error = await graphErrorOf(t, client.api(`${USER_STATUSES}/${USER_STATUS_ID}`).header('If-Match', 'W/"1-1"').update({ userName: 'Changed' }));
  t.equal(error.statusCode, 412);
  t.equal(error.code, 'PreconditionFailed');
  t.equal((await client.api(`${USER_STATUSES}/${USER_STATUS_ID}`).get()).userName, 'Adele Vance');
});

t.test('an auth provider with no token: GraphError 401 InvalidAuthenticationToken', async (t) => {
  const error = await graphErrorOf(t, graphClient('').api(USER_STATUSES).get());
  t.equal(error.statusCode, 401);
  t.equal(error.code, 'InvalidAuthenticationToken');
});

t.test('BatchRequestContent with dependsOn: a create, then a read that waits for it', async (t) => {
  const base = `${origin}/beta${USER_STATUSES}`;
  const batch = new BatchRequestContent([
    { id: 'create', request: new Request(base, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ userName: 'Megan', installedDeviceCount: 5 }) }) },
    { id: 'list', request: new Request(`${base}?$filter=installedDeviceCount eq 5`, { method: 'GET' }), dependsOn: ['create'] },
  ]);
  const body = (await client.api('/$batch').post(await batch.getContent())) as BatchResponseBody;
  const responses = new BatchResponseContent(body);
  const created = responses.getResponseById('create');
  t.equal(created.status, 201);
  t.match(await created.json(), { id: GUID, userName: 'Megan' });
  const list = responses.getResponseById('list');
  t.equal(list.status, 200);
  t.match(await list.json(), { value: [{ userName: 'Megan', installedDeviceCount: 5 }] }, 'the read saw the create it depended on');
});

t.test('a batch whose create the token may not make: that part 403, the part depending on it 424', async (t) => {
  const readOnly = graphClient(bearerToken({ scp: 'DeviceManagementApps.Read.All' }));
  const base = `${origin}/beta${USER_STATUSES}`;
  const batch = new BatchRequestContent([
    { id: 'create', request: new Request(base, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ userName: 'Megan' }) }) },
    { id: 'list', request: new Request(base, { method: 'GET' }), dependsOn: ['create'] },
  ]);
  const responses = new BatchResponseContent((await readOnly.api('/$batch').post(await batch.getContent())) as BatchResponseBody);
  const denied = responses.getResponseById('create');
  t.equal(denied.status, 403, 'each part is authorised on its own');
  t.match(await denied.json(), { error: { code: 'Authorization_RequestDenied' } });
  const skipped = responses.getResponseById('list');
  t.equal(skipped.status, 424);
  t.match(await skipped.json(), { error: { code: 'FailedDependency' } });
  t.same(mock.journal.list({ method: 'POST', path: `/beta${USER_STATUSES}` }).map((entry) => entry.status), [403], 'nothing created');
});
