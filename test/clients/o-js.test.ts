import { o, type OHandler } from 'odata';
import t from 'tap';
import { listeningMock } from '../helpers/listening-mock.js';
import { APP_ID, GUID, USER_STATUS_ID, type TapTest } from '../helpers/server.js';

// o.js (npm `odata`) 2.0.1 against edmock over plain HTTP. It joins resource paths onto the root
// URL (WHATWG URL resolution, so the root must end with a slash), sends
// `Content-Type: application/json` on every request, and on a status of 400 or more throws the
// fetch Response itself: its users read status and the OData error from that.

const USER_STATUSES = `deviceAppManagement/mobileApps/${APP_ID}/userStatuses`;

const { mock, origin } = await listeningMock(t);
t.beforeEach(() => mock.reset());

/** A fresh handler: o.js keeps the requests it queued on the handler until they run. */
const beta = (): OHandler => o(`${origin}/beta/`);

/** The Response a call rejects with, and its parsed OData error body. */
async function failureOf(t: TapTest, call: Promise<unknown>): Promise<{ status: number; error: { code: string; message: string } }> {
  const thrown = await call.then(() => undefined, (e: unknown) => e);
  t.type(thrown, Response, 'rejects with the fetch Response');
  const response = thrown as Response;
  return { status: response.status, error: ((await response.json()) as { error: { code: string; message: string } }).error };
}

function loadStatuses(names: string[]): void {
  mock.load(`/beta/${USER_STATUSES}`, names.map((userName, i) => ({ userName, installedDeviceCount: i + 2 })));
}

t.test('get().query(): the collection\'s value array', async (t) => {
  const all = await beta().get(USER_STATUSES).query();
  t.match(all, [{ id: USER_STATUS_ID, userName: 'Adele Vance', installedDeviceCount: 2 }]);
  t.equal(all.length, 1);
});

t.test('an entity by key, in a segment and in parentheses', async (t) => {
  t.match(await beta().get(`${USER_STATUSES}/${USER_STATUS_ID}`).query(), { id: USER_STATUS_ID, userName: 'Adele Vance' });
  t.match(await beta().get(`${USER_STATUSES}('${USER_STATUS_ID}')`).query(), { id: USER_STATUS_ID, userName: 'Adele Vance' });
});

t.test('post(): the created entity with a server id and defaults', async (t) => {
  const created = await beta().post(USER_STATUSES, { userName: 'Megan Bowen', installedDeviceCount: 3 }).query();
  t.match(created, { id: GUID, userName: 'Megan Bowen', installedDeviceCount: 3, failedDeviceCount: 0 });
  t.match(await beta().get(`${USER_STATUSES}/${created.id}`).query(), { userName: 'Megan Bowen' });
});

t.test('patch(): a 204 is handed back as the Response; a read shows the change', async (t) => {
  const answer = await beta().patch(`${USER_STATUSES}/${USER_STATUS_ID}`, { failedDeviceCount: 4 }).query();
  t.type(answer, Response, 'no body to parse: query() returns the Response');
  t.equal((answer as Response).status, 204);
  t.match(await beta().get(`${USER_STATUSES}/${USER_STATUS_ID}`).query(), { failedDeviceCount: 4, userName: 'Adele Vance' });
});

t.test('delete(): 204, then a read throws the 404 Response', async (t) => {
  const answer = (await beta().delete(`${USER_STATUSES}/${USER_STATUS_ID}`).query()) as Response;
  t.equal(answer.status, 204);
  const { status, error } = await failureOf(t, beta().get(`${USER_STATUSES}/${USER_STATUS_ID}`).query());
  t.equal(status, 404);
  t.equal(error.code, 'ResourceNotFound');
});

t.test('query({ $filter, $orderby, $top, $count }): the filtered page (the count is not handed back)', async (t) => {
  loadStatuses(['Megan', 'Lee', 'Alex']); // installedDeviceCount 2, 3, 4
  const found = await beta().get(USER_STATUSES).query({ $filter: "installedDeviceCount ge 3 and userName ne 'O''Brien'", $orderby: 'userName desc', $top: 5, $count: true });
  t.same(found.map((s: { userName: string }) => s.userName), ['Lee', 'Alex']);
  // o.js percent-encodes the `$` of each option name too (RFC 3986 allows it): the server decodes
  // the name before it reads it.
  t.match(mock.journal.list({ method: 'GET' })[0]?.url, /\?%24filter=.*&%24orderby=userName%20desc&%24top=5&%24count=true$/);
});

t.test('/$count: the number, parsed from the text/plain body', async (t) => {
  loadStatuses(['Megan', 'Lee']);
  t.equal(await beta().get(`${USER_STATUSES}/$count`).query(), 3);
});

t.test('a wrong-typed property: the thrown Response is a 400 with Graph\'s code and the details', async (t) => {
  const { status, error } = await failureOf(t, beta().post(USER_STATUSES, { userName: 'x', installedDeviceCount: 'three' }).query());
  t.equal(status, 400);
  t.match(error, { code: 'BadRequest', message: "Cannot convert the literal 'three' to the expected type 'Edm.Int32'.", details: [{ code: 'InvalidValue', target: 'installedDeviceCount' }] });
});

t.test('an unknown key: the thrown Response is a 404 ResourceNotFound', async (t) => {
  const { status, error } = await failureOf(t, beta().get(`${USER_STATUSES}/no-such-id`).query());
  t.equal(status, 404);
  t.equal(error.code, 'ResourceNotFound');
});

t.test('batch() (multipart): a create, a filtered read and a delete in one request', async (t) => {
  // o.js writes every part at the top level (no change set unless configured), with absolute
  // URLs (Protocol §11.7.2 allows them) and its Content-Type header on the bodyless delete too.
  const parts = await beta()
    .post(USER_STATUSES, { userName: 'Megan', installedDeviceCount: 5 })
    .get(`${USER_STATUSES}?$filter=installedDeviceCount eq 5`)
    .delete(`${USER_STATUSES}/${USER_STATUS_ID}`)
    .batch();
  t.match(parts, [
    { contentId: 1, status: 201, body: { id: GUID, userName: 'Megan' } },
    { contentId: 2, status: 200, body: [{ userName: 'Megan' }] },
    { contentId: 3, status: 204 },
  ]);
  t.equal(parts.length, 3);
});

t.test('batch() with useChangset: the writes run in one change set, the reads are never sent', async (t) => {
  // o.js puts its reads after the change set's close delimiter without the batch's own delimiter
  // first, so they sit in the change set's epilogue, which a multipart reader ignores (RFC 2046
  // §5.1.1). Its users get the change set's results and nothing for the reads.
  const batch = { useChangset: true, useRelativeURLs: false, endpoint: '$batch', boundaryPrefix: 'batch_', changsetBoundaryPrefix: 'changeset_', headers: new Headers({ 'Content-Type': 'multipart/mixed' }) };
  const parts = await o(`${origin}/beta/`, { batch })
    .post(USER_STATUSES, { userName: 'Megan', installedDeviceCount: 5 })
    .patch(`${USER_STATUSES}/${USER_STATUS_ID}`, { failedDeviceCount: 3 })
    .get(USER_STATUSES)
    .batch();
  t.match(parts, [{ status: 201, body: { userName: 'Megan' } }, { status: 204 }]);
  t.equal(parts.length, 2, 'no result for the read');
  t.same(mock.journal.list().map((entry) => `${entry.method} ${entry.status}`), ['POST 201', 'PATCH 204', 'POST 200'], 'the server never saw the GET');
});
