import { OData } from '@odata/client';
import { ODataServerError } from '@odata/client/lib/errors.js';
import t from 'tap';
import { listeningMock } from '../helpers/listening-mock.js';
import { APP_ID, GUID, USER_STATUS_ID, type TapTest } from '../helpers/server.js';

// @odata/client 2.21.10 (light-odata) in its OData v4 mode against edmock over plain HTTP.
// Its EntitySet takes any path below the service endpoint as the "collection", so the contained
// user statuses of the Graph slice are addressable as they are.
//
// What its users see of failures: an ODataServerError carrying only the server's message. The
// status and the error code are not kept (the body's `error` is read, the Response dropped), so a
// test can tell a 404 from a 400 only by the wording.

const USER_STATUSES = `deviceAppManagement/mobileApps/${APP_ID}/userStatuses`;

interface UserStatus {
  id: string;
  userName: string | null;
  installedDeviceCount: number;
  failedDeviceCount: number;
}

const { mock, origin } = await listeningMock(t);
t.beforeEach(() => mock.reset());

const client = OData.New4({ serviceEndpoint: `${origin}/beta/` });
const statuses = client.getEntitySet<UserStatus>(USER_STATUSES);

/** The URLs the client sent, path and query as the journal recorded them. */
const sentUrls = (method: string) => mock.journal.list({ method }).map((entry) => entry.url);

async function serverErrorOf(t: TapTest, call: Promise<unknown>): Promise<ODataServerError> {
  const error = await call.then(() => undefined, (e: unknown) => e);
  t.type(error, ODataServerError, 'rejects with an ODataServerError');
  return error as ODataServerError;
}

function loadStatuses(names: string[]): void {
  mock.load(`/beta/${USER_STATUSES}`, names.map((userName, i) => ({ userName, installedDeviceCount: i + 2 })));
}

t.test('query(): the collection as an array of entities', async (t) => {
  const all = await statuses.query();
  t.match(all, [{ id: USER_STATUS_ID, userName: 'Adele Vance', installedDeviceCount: 2 }]);
  t.equal(all.length, 1);
});

t.test('retrieve(): a string key in parentheses, and the name=value form', async (t) => {
  t.match(await statuses.retrieve(USER_STATUS_ID), { id: USER_STATUS_ID, userName: 'Adele Vance' });
  t.match(await statuses.retrieve({ id: USER_STATUS_ID }), { id: USER_STATUS_ID, userName: 'Adele Vance' });
  t.same(sentUrls('GET'), [
    `/beta/${USER_STATUSES}('${USER_STATUS_ID}')`,
    `/beta/${USER_STATUSES}(id='${USER_STATUS_ID}')`,
  ], 'the two key forms of URL Conventions §4.3.1');
});

t.test('create(): the created entity with a server id and defaults', async (t) => {
  const created = await statuses.create({ userName: 'Megan Bowen', installedDeviceCount: 3 });
  t.match(created, { id: GUID, userName: 'Megan Bowen', installedDeviceCount: 3, failedDeviceCount: 0 });
  t.match(await statuses.retrieve(created.id), { userName: 'Megan Bowen' }, 'readable afterwards');
});

t.test('update(): PATCH resolves, and a read shows the change', async (t) => {
  t.equal(await statuses.update(USER_STATUS_ID, { failedDeviceCount: 4 }), undefined);
  t.match(await statuses.retrieve(USER_STATUS_ID), { failedDeviceCount: 4, userName: 'Adele Vance' });
  t.same(mock.journal.list({ method: 'PATCH' }).map((entry) => entry.status), [204]);
});

t.test('delete(): resolves, and a read is then a not-found error', async (t) => {
  await statuses.delete(USER_STATUS_ID);
  const error = await serverErrorOf(t, statuses.retrieve(USER_STATUS_ID));
  t.match(error.message, /^No 'microsoft\.graph\.userAppInstallStatus' with key/);
});

t.test('$filter, $orderby, $top through the filter and option builders', async (t) => {
  loadStatuses(['Megan', 'Lee', 'Alex']); // installedDeviceCount 2, 3, 4
  const filter = client.newFilter<UserStatus>().field('installedDeviceCount').ge(3).field('userName').ne('Zoe');
  const found = await statuses.query(client.newOptions().filter(filter).orderby('userName', 'desc').top(5));
  t.same(found.map((s) => s.userName), ['Lee', 'Alex']);
  t.match(sentUrls('GET')[0], /\?\$filter=installedDeviceCount%20ge%203%20and%20userName%20ne%20%27Zoe%27&\$orderby=userName%20desc&\$top=5$/);
});

t.test("a string value with an apostrophe: the filter builder does not double it, the server refuses", async (t) => {
  // URL Conventions §5.1.1.6.1 and the ABNF's SQUOTE-in-string: a quote inside a string literal
  // is written twice. The builder quotes the value as it is ('O'Brien'), which is not a
  // literal; the user has to pass an already-quoted, escaped value.
  loadStatuses(["O'Brien"]);
  const error = await serverErrorOf(t, statuses.query(client.newFilter<UserStatus>().field('userName').eqString("O'Brien")));
  t.match(error.message, /\$filter/);
  t.same(mock.journal.list({ method: 'GET' }).map((entry) => entry.status), [400]);
  const found = await statuses.query(client.newFilter<UserStatus>().field('userName').eq("'O''Brien'"));
  t.same(found.map((s) => s.userName), ["O'Brien"], 'escaped by hand, it matches');
});

t.test('count(): the number from $count=true, with and without a filter', async (t) => {
  loadStatuses(['Megan', 'Lee']);
  t.equal(await statuses.count(), 3);
  t.equal(await statuses.count(client.newFilter().field('installedDeviceCount').gt(2)), 1);
  t.match(sentUrls('GET')[1], /\?\$filter=installedDeviceCount%20gt%202&\$top=1&\$count=true$/);
});

t.test('/$count: the client has no call for it; a plain request answers the text', async (t) => {
  const count: unknown = await client.newRequest({ collection: `${USER_STATUSES}/$count` });
  t.equal(count, '1', 'text/plain, not parsed: the client parses only application/json');
});

t.test('a wrong-typed property: ODataServerError with the server message', async (t) => {
  const error = await serverErrorOf(t, statuses.create({ userName: 'x', installedDeviceCount: 'three' as unknown as number }));
  t.equal(error.message, "Cannot convert the literal 'three' to the expected type 'Edm.Int32'.");
  t.same(mock.journal.list({ method: 'POST' }).map((entry) => entry.status), [400]);
});

t.test('an unknown key: ODataServerError with the not-found message', async (t) => {
  const error = await serverErrorOf(t, statuses.retrieve('no-such-id'));
  t.equal(error.message, "No 'microsoft.graph.userAppInstallStatus' with key 'no-such-id' exists at this path.");
});

t.test('execBatchRequests (multipart): a create in its own change set, then a read by key', async (t) => {
  const responses = await client.execBatchRequests([
    client.newBatchRequest<UserStatus>({ collection: USER_STATUSES, method: 'POST', entity: { userName: 'Megan', installedDeviceCount: 5 } }),
    client.newBatchRequest<UserStatus>({ collection: USER_STATUSES, id: USER_STATUS_ID }),
  ]);
  t.same(responses.map((r) => r.status), [201, 200]);
  t.match(await responses[0]?.json(), { id: GUID, userName: 'Megan' });
  t.match(await responses[1]?.json(), { id: USER_STATUS_ID, userName: 'Adele Vance' });
});

t.test('a multipart part with a $filter: written with bare spaces in its request line, the batch is refused', async (t) => {
  // RFC 9112 §3: request-line = method SP request-target SP HTTP-version; a request-target has no
  // spaces (RFC 3986 §2.1: they are percent-encoded). The client copies the $filter of a batch
  // part into the body as given ("installedDeviceCount eq 5"); on a plain request fetch's URL
  // parser encodes it, inside a batch body nothing does. The server answers 400, and the client,
  // which only reads a multipart answer, fails with a TypeError instead of the server's error.
  const thrown = await client.execBatchRequests([
    client.newBatchRequest<UserStatus>({ collection: USER_STATUSES, params: client.newOptions().filter('installedDeviceCount eq 2') }),
  ]).then(() => undefined, (e: unknown) => e);
  t.type(thrown, TypeError);
  t.same(mock.journal.list({ path: '/beta/$batch' }).map((entry) => [entry.status, entry.error?.code]), [[400, 'BadRequest']]);
  const [encoded] = await client.execBatchRequests([
    client.newBatchRequest<UserStatus>({ collection: USER_STATUSES, params: client.newOptions().filter('installedDeviceCount%20eq%202') }),
  ]);
  t.match(await encoded?.json(), { value: [{ id: USER_STATUS_ID }] }, 'encoded by hand, the same read works');
});

t.test('execBatchRequestsJson (OData 4.01 JSON): ids, dependsOn, lower-case methods', async (t) => {
  // The client writes methods in lower case ("post"); JSON Format 4.01 §19.1 makes them case-insensitive.
  const responses = await client.execBatchRequestsJson([
    client.newBatchRequest<UserStatus>({ collection: USER_STATUSES, method: 'POST', entity: { userName: 'Megan', installedDeviceCount: 5 }, requestId: 'create' }),
    client.newBatchRequest<UserStatus>({ collection: USER_STATUSES, params: client.newOptions().filter('installedDeviceCount eq 5'), requestId: 'list', dependsOn: ['create'] }),
  ]);
  t.same(responses.map((r) => r.status), [201, 200]);
  t.match(await responses[0]?.json(), { id: GUID, userName: 'Megan' });
  t.match(await responses[1]?.json(), { value: [{ userName: 'Megan' }] });
});
