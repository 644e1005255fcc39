import t from 'tap';
import { assertODataError, BETA_APP, BETA_LOB, startServer, USER_STATUS_ID } from '../helpers/server.js';

// Content negotiation for the raw resources (issue 11): `/$count` and a primitive's `/$value` are
// text/plain, binary values application/octet-stream, so an Accept naming that type gets them;
// JSON-only resources still refuse it. Qualities follow RFC 9110 §12.5.1 (the most specific range wins).

const COUNT = '/beta/deviceAppManagement/mobileApps/$count';
const USER_NAME = `${BETA_APP}/userStatuses/${USER_STATUS_ID}/userName/$value`;
const PAYLOAD = `${BETA_LOB}/payload/$value`;

t.test('OData Protocol §11.2.10: /$count answers Accept: text/plain, and the ranges and combinations that allow it', async (t) => {
  const client = await startServer(t);
  for (const accept of [
    'text/plain', 'text/plain;charset=utf-8', '*/*', 'text/*', 'text/*;q=0.5', 'TEXT/PLAIN',
    'application/json, text/plain', 'application/json, text/plain, */*', 'text/plain;q=0.9, application/json;q=0.1',
    'application/json;odata.metadata=minimal;q=1.0, text/plain;q=0.5', 'application/json', 'application/xml, text/plain;q=0.1',
  ]) {
    const count = await client.get(COUNT, { accept });
    t.equal(count.status, 200, `Accept: ${accept}`);
    t.equal(count.headers['content-type'], 'text/plain;charset=utf-8', `${accept}: sent as text`);
    t.equal(count.text, '1', `${accept}: the count`);
  }
  const filtered = await client.get(`${COUNT}?$filter=displayName eq 'none'`.replace(/ /g, '%20'), { accept: 'text/plain' });
  t.equal(filtered.text, '0', 'with $filter too');
});

t.test('OData Protocol §11.2.10 / RFC 9110 §12.5.1: /$count is a 406 when Accept allows neither text/plain nor JSON, or refuses text/plain', async (t) => {
  const client = await startServer(t);
  for (const accept of ['application/xml', 'image/*', 'text/plain;q=0', 'text/plain;q=0, application/json', 'text/*;q=0, */*', 'text/html']) {
    const refused = await client.get(COUNT, { accept });
    assertODataError(t, refused, 406, 'NotAcceptable');
    t.match(refused.body.error.message, /sent as text\/plain/, `${accept}: says what it would be`);
  }
});

t.test('$format on /$count: the raw type or JSON, as before; anything else a 406', async (t) => {
  const client = await startServer(t);
  for (const format of ['text/plain', 'json', 'application/json']) {
    const count = await client.get(`${COUNT}?$format=${encodeURIComponent(format)}`, { accept: 'application/xml' });
    t.equal(count.status, 200, `$format=${format} overrides Accept`);
    t.equal(count.text, '1');
  }
  assertODataError(t, await client.get(`${COUNT}?$format=xml`), 406, 'NotAcceptable');
});

t.test('OData Protocol §11.2.4.1: a primitive /$value answers Accept: text/plain and its ranges; a binary one application/octet-stream', async (t) => {
  const client = await startServer(t);
  for (const accept of ['text/plain', 'text/*', '*/*;q=0.1', 'application/json, text/plain']) {
    const raw = await client.get(USER_NAME, { accept });
    t.equal(raw.status, 200, `Accept: ${accept}`);
    t.match(raw.headers['content-type'], /^text\/plain/);
    t.equal(raw.text, 'Adele Vance');
  }
  assertODataError(t, await client.get(USER_NAME, { accept: 'application/octet-stream' }), 406, 'NotAcceptable');
  t.equal((await client.patch(BETA_LOB, { payload: 'aGk=' })).status, 204);
  for (const accept of ['application/octet-stream', 'application/*', '*/*']) {
    const bytes = await client.get(PAYLOAD, { accept });
    t.equal(bytes.status, 200, `Accept: ${accept}`);
    t.equal(bytes.headers['content-type'], 'application/octet-stream');
    t.equal(bytes.text, 'hi', 'the bytes, not their base64');
  }
  const binaryAsText = await client.get(PAYLOAD, { accept: 'text/plain' });
  assertODataError(t, binaryAsText, 406, 'NotAcceptable');
  t.match(binaryAsText.body.error.message, /application\/octet-stream/);
});

t.test('OData Protocol §8.2.1: JSON-only resources still answer 406 to Accept: text/plain, and JSON to combinations that include it', async (t) => {
  const client = await startServer(t);
  for (const url of [BETA_APP, `${BETA_APP}/userStatuses`, `${BETA_APP}/userStatuses/${USER_STATUS_ID}/userName`]) {
    for (const accept of ['text/plain', 'text/*', 'text/plain, application/xml']) {
      const refused = await client.get(url, { accept });
      assertODataError(t, refused, 406, 'NotAcceptable');
      t.match(refused.body.error.message, /sent as application\/json/);
    }
    for (const accept of ['application/json, text/plain', 'text/plain, */*;q=0.1', 'text/plain;q=0.9, application/json;odata.metadata=full;q=0.8']) {
      const json = await client.get(url, { accept });
      t.equal(json.status, 200, `${url} with ${accept}`);
      t.match(json.headers['content-type'], /^application\/json;odata\.metadata=/);
    }
  }
});
