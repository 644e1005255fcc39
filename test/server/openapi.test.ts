import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { openApiCommand } from '../../src/cli/openapi.js';
import { keysNamed, openApiErrors, servedPaths } from '../helpers/openapi.js';
import { modelFile } from '../helpers/paths.js';
import { assertODataError, startServer, type TapTest } from '../helpers/server.js';

// The OpenAPI description of a served model: `edmock openapi` and GET /_edmock/openapi/<service>.
// Each is checked against the OpenAPI 3.0 schema, and its paths against the URLs the mock
// answers (from the generated route table), so a converter upgrade that drops or invents a
// path fails here.

interface OpenApi { openapi: string; servers: { url: string }[]; paths: Record<string, Record<string, unknown>> }

/** Runs `edmock openapi <args>` in-process, written to a file; the parsed document. */
async function openApiCli(t: TapTest, args: string[]): Promise<OpenApi> {
  const out = path.join(t.testdir(), 'openapi.json');
  await openApiCommand([...args, '--out', out]);
  return JSON.parse(await readFile(out, 'utf8')) as OpenApi;
}

const entityPaths = (document: OpenApi): string[] =>
  Object.keys(document.paths).filter((p) => p !== '/$batch').map(keysNamed).sort();

for (const service of ['v1.0', 'beta']) {
  t.test(`edmock openapi --service ${service}: valid OpenAPI 3.0 listing what the mock answers`, async (t) => {
    const document = await openApiCli(t, ['--service', service]);
    t.same(await openApiErrors(document), []);
    t.equal(document.openapi, '3.0.2');
    t.same(document.servers, [{ url: `http://127.0.0.1:4000/${service}` }], 'where `edmock serve` serves it by default');
    t.same(entityPaths(document), [...await servedPaths(service)].sort());
    t.ok(document.paths['/$batch']?.post, '$batch');
  });
}

t.test('the default service is v1.0; --server-url replaces the origin', async (t) => {
  const document = await openApiCli(t, ['--server-url', 'https://mock.example:8443/v1.0']);
  t.same(document.servers, [{ url: 'https://mock.example:8443/v1.0' }]);
  t.same(entityPaths(document), [...await servedPaths('v1.0')].sort());
});

t.test('edmock openapi --metadata: a test model, served at the root, keys in parentheses where one is composite', async (t) => {
  const document = await openApiCli(t, ['--metadata', modelFile('keys.xml')]);
  t.same(await openApiErrors(document), []);
  t.same(document.servers, [{ url: 'http://127.0.0.1:4000' }]);
  t.ok(document.paths['/int32s'], 'an entity set');
  t.ok(document.paths['/int32s({k})']?.get, 'a member, keyed as the key-forms test model needs');
});

t.test('edmock openapi: a mistake in the command line is a usage error', async (t) => {
  await t.rejects(openApiCommand(['--service', 'v2']), { command: 'openapi', message: "--service is v1.0 or beta, not 'v2'" });
  await t.rejects(openApiCommand(['--service', 'beta', '--metadata', 'x.xml']), { message: /give one/ });
  await t.rejects(openApiCommand(['--server-url', 'mock:4000/x']), { command: 'openapi', message: /absolute http\(s\) URL/ });
});

t.test('GET /_edmock/openapi/<service>: the served service, at the origin the client used', async (t) => {
  const client = await startServer(t);
  const headers = { host: 'mock.example:4010' };
  const beta = await client.get('/_edmock/openapi/beta', headers);
  t.equal(beta.status, 200);
  t.match(beta.headers['content-type'], /^application\/json/);
  t.same(await openApiErrors(beta.body), []);
  t.same(beta.body.servers, [{ url: 'http://mock.example:4010/beta' }]);
  t.same(entityPaths(beta.body), [...await servedPaths('beta')].sort());
  t.ok(beta.body.paths['/deviceAppManagement/mobileApps/{id_1}/userStatuses'], "the README's example URL");

  const again = await client.get('/_edmock/openapi/beta', { host: '127.0.0.1:4000' });
  t.same(again.body.servers, [{ url: 'http://127.0.0.1:4000/beta' }], 'another origin, its own server URL');
  t.same(Object.keys(again.body.paths), Object.keys(beta.body.paths));

  const unknown = await client.get('/_edmock/openapi/gamma');
  assertODataError(t, unknown, 404, 'ResourceNotFound');
  t.equal(unknown.body.error.message, "No service 'gamma' is served here (/beta, /v1.0).");
});

t.test('GET /_edmock/openapi/<service> of a --metadata service: by prefix or by name', async (t) => {
  const file = path.join(t.testdir(), 'directory.xml');
  await writeFile(file, await readFile(modelFile('directory.xml'), 'utf8'));
  const client = await startServer(t, { services: [{ prefix: '/lab/v2', metadataFile: file }] });
  for (const service of ['lab/v2', 'directory']) {
    const response = await client.get(`/_edmock/openapi/${service}`, { host: 'mock.example' });
    t.equal(response.status, 200, service);
    t.same(response.body.servers, [{ url: 'http://mock.example/lab/v2' }]);
    t.same(await openApiErrors(response.body), []);
  }
  assertODataError(t, await client.get('/_edmock/openapi/lab'), 404, 'ResourceNotFound');
});
