import t from 'tap';
import { readRequestBody } from '../../src/odata/request-body.js';
import { APP_ID, assertODataError, BETA_APP, BETA_CONFIG, BETA_LOB, CONFIG_USER_STATUS_ID, startServer, USER_STATUS_ID } from '../helpers/server.js';

// o.js, @odata/client and SAP's generated clients send `Content-Type: application/json` on every
// request, DELETE and the bodyless reads included. RFC 9110 §9.3.5: content in a DELETE has no
// defined semantics, so an empty one is no body, not a JSON body missing (issue 11).

const JSON_TYPE = { 'content-type': 'application/json' };
const STATUS = `${BETA_APP}/userStatuses/${USER_STATUS_ID}`;
const LINK = `${BETA_LOB}/userStatuses/${CONFIG_USER_STATUS_ID}/$ref`;

t.test('RFC 9110 §9.3.5: DELETE with Content-Type: application/json and no body deletes (204), as without the header', async (t) => {
  const client = await startServer(t);
  const deleted = await client.request('DELETE', STATUS, undefined, JSON_TYPE);
  t.equal(deleted.status, 204);
  t.equal(deleted.text, '');
  assertODataError(t, await client.get(STATUS), 404, 'ResourceNotFound');
  const charset = await client.request('DELETE', BETA_CONFIG, '', { 'content-type': 'application/json;charset=utf-8', 'content-length': '0' });
  t.equal(charset.status, 204, 'an explicit Content-Length: 0 and a charset parameter too');
  t.equal((await client.request('DELETE', BETA_APP, ' \r\n', JSON_TYPE)).status, 204, 'whitespace is no content either');
});

t.test('RFC 9110 §9.3.5: DELETE .../$ref with Content-Type: application/json and no body removes the link', async (t) => {
  const client = await startServer(t);
  const refs = `${BETA_LOB}/userStatuses/$ref`;
  t.equal((await client.post(refs, { '@odata.id': `${BETA_CONFIG}/userStatuses/${CONFIG_USER_STATUS_ID}` })).status, 204);
  t.equal((await client.request('DELETE', LINK, undefined, JSON_TYPE)).status, 204);
  t.same((await client.get(refs)).body.value, [], 'the link is gone');
  assertODataError(t, await client.request('DELETE', LINK, undefined, JSON_TYPE), 404, 'ResourceNotFound');
});

t.test('RFC 9110 §9.3.5: a JSON body on DELETE cannot alter its meaning: read like any body, then unused', async (t) => {
  const client = await startServer(t);
  const withBody = await client.request('DELETE', STATUS, { id: 'someone-else', '@odata.etag': 'W/"1"' });
  t.equal(withBody.status, 204, 'the URL says what is deleted, not the body');
  assertODataError(t, await client.get(STATUS), 404, 'ResourceNotFound');
  t.equal((await client.get(BETA_APP)).status, 200, 'nothing else deleted');
  // RFC 9110 §15.5.1: content that says it is JSON and is not is malformed syntax, on DELETE as elsewhere.
  const malformed = await client.request('DELETE', BETA_APP, '{oops', JSON_TYPE);
  assertODataError(t, malformed, 400, 'BadRequest');
  t.match(malformed.body.error.message, /not valid JSON/);
  t.equal((await client.get(BETA_APP)).status, 200, 'a refused DELETE deleted nothing');
});

t.test('RFC 9110 §9.3.1/§9.3.2/§9.3.7: GET, HEAD and OPTIONS with Content-Type: application/json and no body are answered as without it', async (t) => {
  const client = await startServer(t);
  const read = await client.request('GET', BETA_APP, undefined, JSON_TYPE);
  t.equal(read.status, 200);
  t.equal(read.body.id, APP_ID);
  t.equal((await client.request('GET', `${BETA_APP}/userStatuses`, '', JSON_TYPE)).status, 200, 'an empty payload too');
  const options = await client.request('OPTIONS', BETA_APP, undefined, JSON_TYPE);
  assertODataError(t, options, 405, 'MethodNotAllowed');
  t.match(options.headers.allow, /GET/, "the resource's 405 with Allow, not an empty-body 400");
});

t.test('HEAD CSRF probe (x-csrf-token: fetch, as SAP Cloud SDK sends before writes) is answered like GET without a body', async (t) => {
  const client = await startServer(t);
  const probe = { 'x-csrf-token': 'fetch', ...JSON_TYPE, accept: 'application/json' };
  const root = await client.request('HEAD', '/beta/', undefined, probe);
  t.equal(root.status, 200, 'the service root');
  t.equal(root.text, '');
  t.match(root.headers['content-type'], /^application\/json/);
  const collection = await client.request('HEAD', '/beta/deviceAppManagement/mobileApps', undefined, probe);
  t.equal(collection.status, 200, 'the resource about to be written');
  t.equal(collection.text, '');
  t.equal((await client.request('POST', '/beta/deviceAppManagement/mobileApps', { '@odata.type': '#microsoft.graph.webApp', id: 'after-probe' }, { 'x-csrf-token': 'fetch' })).status, 201, 'and the write that follows');
});

t.test('readRequestBody (shared with $batch parts): no body where RFC 9110 gives it no meaning, checked JSON elsewhere', async (t) => {
  for (const method of ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'delete']) t.equal(readRequestBody(method, ''), undefined, `${method} with no body`);
  t.same(readRequestBody('DELETE', '{"a":1}'), { a: 1 }, 'DELETE content is still read (and checked)');
  t.throws(() => readRequestBody('DELETE', '{oops'), { code: 'BadRequest' });
  for (const method of ['POST', 'PATCH', 'PUT']) t.throws(() => readRequestBody(method, ''), { code: 'BadRequest', message: /body is empty/ }, `${method} needs a body`);
  t.same(readRequestBody('PATCH', '{"displayName":"x"}'), { displayName: 'x' });
});
