import { readFile } from 'node:fs/promises';
import t from 'tap';
import { assertODataError, GUID, startServer } from '../helpers/server.js';

t.test('GET /$metadata serves the generated EDMX as application/xml with an ETag', async (t) => {
  const client = await startServer(t);
  for (const service of ['beta', 'v1.0']) {
    const response = await client.get(`/${service}/$metadata`);
    t.equal(response.status, 200);
    t.match(response.headers['content-type'], /^application\/xml/);
    t.equal(response.text, await readFile(`generated/${service}/metadata.xml`, 'utf8'), `${service}: the generated document`);
    t.match(response.text, /<Schema Namespace="microsoft.graph" Alias="graph"/);
    t.match(response.headers.etag, /^W\/"[A-Za-z0-9_-]+"$/);
    t.equal(response.headers['odata-version'], '4.0');
  }
});

t.test('GET /$metadata with a matching If-None-Match is 304, with a stale one 200', async (t) => {
  const client = await startServer(t);
  const { headers } = await client.get('/beta/$metadata');
  const notModified = await client.get('/beta/$metadata', { 'if-none-match': String(headers.etag) });
  t.equal(notModified.status, 304);
  t.equal(notModified.text, '');
  t.equal(notModified.headers.etag, headers.etag);
  t.equal((await client.get('/beta/$metadata', { 'if-none-match': 'W/"other"' })).status, 200);
  const other = await client.get('/v1.0/$metadata');
  t.not(other.headers.etag, headers.etag, 'each service has its own ETag');
});

t.test('GET / is the OData service document listing the container', async (t) => {
  const client = await startServer(t);
  for (const url of ['/beta/', '/beta']) {
    const response = await client.get(url);
    t.equal(response.status, 200);
    t.equal(response.headers['content-type'], 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8');
    t.same(response.body, {
      '@odata.context': 'http://localhost:80/beta/$metadata',
      value: [{ name: 'deviceAppManagement', kind: 'Singleton', url: 'deviceAppManagement' }],
    });
  }
});

t.test('every response carries OData-Version and request-id, and echoes client-request-id', async (t) => {
  const client = await startServer(t);
  const ok = await client.get('/v1.0/deviceAppManagement', { 'client-request-id': 'my-trace-1' });
  t.equal(ok.status, 200);
  t.equal(ok.headers['odata-version'], '4.0');
  t.match(ok.headers['request-id'], GUID);
  t.equal(ok.headers['client-request-id'], 'my-trace-1');
  const failed = await client.get('/v1.0/nothingHere', { 'client-request-id': 'my-trace-2' });
  assertODataError(t, failed, 404, 'ResourceNotFound');
  t.equal(failed.headers['client-request-id'], 'my-trace-2');
  t.equal(failed.body.error.innerError['client-request-id'], 'my-trace-2');
  t.equal(failed.body.error.innerError['request-id'], failed.headers['request-id']);
});

t.test('the singleton exists from the start', async (t) => {
  const client = await startServer(t);
  const response = await client.get('/beta/deviceAppManagement');
  t.equal(response.status, 200);
  t.match(response.body, {
    '@odata.context': 'http://localhost:80/beta/$metadata#deviceAppManagement',
    '@odata.type': '#microsoft.graph.deviceAppManagement',
    isEnabledForMicrosoftStoreForBusiness: false,
    microsoftStoreForBusinessLanguage: null,
  });
});

t.test('unknown paths are 404, outside and inside a service', async (t) => {
  const client = await startServer(t);
  assertODataError(t, await client.get('/v2.0/deviceAppManagement'), 404, 'ResourceNotFound');
  const inside = await client.get('/beta/deviceAppManagement/notANavigation');
  assertODataError(t, inside, 404, 'ResourceNotFound');
  t.equal(inside.body.error.message, "Resource not found for the segment 'notANavigation'.");
  assertODataError(t, await client.get('/v1.0/deviceAppManagement/mobileApps/x/userStatuses'), 404, 'ResourceNotFound');
});

t.test('service resources not served yet are 501; $-segments that address nothing are 404', async (t) => {
  const client = await startServer(t);
  const all = await client.get('/beta/$all');
  assertODataError(t, all, 501, 'NotImplemented');
  t.match(all.body.error.message, /'\$all' is not implemented/);
  assertODataError(t, await client.get('/beta/deviceAppManagement/$count'), 404, 'ResourceNotFound');
  assertODataError(t, await client.get('/beta/deviceAppManagement/$value'), 404, 'ResourceNotFound');
  assertODataError(t, await client.get('/beta/deviceAppManagement/mobileApps/$count/x'), 404, 'ResourceNotFound');
});

t.test('HEAD answers like GET, without a body', async (t) => {
  const client = await startServer(t);
  const head = await client.request('HEAD', '/beta/deviceAppManagement');
  t.equal(head.status, 200);
  t.equal(head.text, '');
  t.match(head.headers['content-type'], /^application\/json/);
  t.equal((await client.request('HEAD', '/beta/nothing')).status, 404);
});
