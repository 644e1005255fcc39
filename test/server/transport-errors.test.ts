import t from 'tap';
import { createMockServer } from '../../src/index.js';
import { assertODataError, BETA_APP, startServer } from '../helpers/server.js';

// What Fastify or Node would answer on their own, below the pipeline, is answered in the
// catalog's OData shape with the status kept (src/odata/errors.ts).

t.test('methods no OData resource answers are a 405 naming the allowed ones, whatever Node can parse', async (t) => {
  const client = await startServer(t);
  for (const method of ['PROPFIND', 'MKCOL', 'SEARCH', 'MERGE', 'LOCK', 'OPTIONS'] as const) {
    const response = await client.request(method, '/beta/deviceAppManagement/mobileApps');
    assertODataError(t, response, 405, 'MethodNotAllowed');
    t.equal(response.headers.allow, 'GET, POST', `${method}: Allow lists the collection's methods`);
  }
  const entity = await client.request('PROPFIND', BETA_APP);
  t.equal(entity.headers.allow, 'GET, PATCH, PUT, DELETE', 'an entity names its own');
  assertODataError(t, await client.request('MKCOL', '/beta/noSuchSet'), 404, 'ResourceNotFound');
});

t.test('QUERY without a Content-Type is a 400 (RFC 10008 §2), with it the resource\'s 405', async (t) => {
  const client = await startServer(t);
  const bare = await client.request('QUERY', '/beta/deviceAppManagement/mobileApps');
  assertODataError(t, bare, 400, 'BadRequest');
  t.equal(bare.body.error.target, 'Content-Type');
  const typed = await client.request('QUERY', '/beta/deviceAppManagement/mobileApps', {});
  assertODataError(t, typed, 405, 'MethodNotAllowed');
});

t.test('errors raised before the pipeline are journaled like any other answer; admin calls are not', async (t) => {
  const mock = await createMockServer();
  t.teardown(() => mock.close());
  await mock.inject({ method: 'POST', url: '/beta/deviceAppManagement/mobileApps', headers: { 'content-type': 'application/json' }, payload: '{oops' });
  await mock.inject({ method: 'POST', url: '/beta/deviceAppManagement/mobileApps', headers: { 'content-type': 'text/plain' }, payload: 'x' });
  await mock.inject({ method: 'POST', url: '/_edmock/journal/verify', headers: { 'content-type': 'application/json' }, payload: '{}' });
  t.same(mock.journal.list().map((e) => [e.status, e.error?.code]), [[400, 'BadRequest'], [415, 'UnsupportedMediaType']]);
});
