import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { csdlJsonErrors } from '../helpers/csdl-json-schema.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { assertODataError, startServer } from '../helpers/server.js';

// `$metadata?$format=json`: the same model as CSDL JSON (OData CSDL JSON 4.01), made by the OASIS
// converter and checked against the OASIS JSON Schema; plain `$metadata` stays XML.

const OPERATIONS_MODEL = path.join(REPO_ROOT, 'test', 'models', 'operations.xml');

t.test('$format=json and $format=application/json answer CSDL JSON; Accept alone, $format=xml and none answer XML', async (t) => {
  const client = await startServer(t);
  for (const query of ['$format=json', '$format=application/json', '$format=application%2Fjson', 'format=JSON', '$format=application/json;odata.metadata=minimal']) {
    const response = await client.get(`/beta/$metadata?${query}`);
    t.equal(response.status, 200, query);
    t.equal(response.headers['content-type'], 'application/json', `${query}: JSON`);
    t.equal(response.body.$Version, '4.0', `${query}: a CSDL JSON document`);
  }
  for (const [query, headers] of [['', {}], ['', { accept: 'application/json' }], ['?$format=xml', {}], ['?$format=application/xml', { accept: 'application/json' }]] as const) {
    const response = await client.get(`/beta/$metadata${query}`, headers);
    t.equal(response.status, 200);
    t.match(response.headers['content-type'], /^application\/xml/, `'${query}' with ${JSON.stringify(headers)}: XML`);
    t.match(response.text, /^<\?xml /);
  }
});

t.test('an unknown $format is the catalog 406, naming both forms', async (t) => {
  const client = await startServer(t);
  for (const format of ['atom', 'jsonx', 'text/json']) {
    const response = await client.get(`/beta/$metadata?$format=${format}`);
    assertODataError(t, response, 406, 'NotAcceptable');
    t.equal(response.body.error.target, '$format');
    t.match(response.body.error.message, new RegExp(`'${format}'.*application/xml.*CSDL JSON`));
  }
});

t.test('a $format with malformed percent-encoding is the same 406, shown as sent, never a 500', async (t) => {
  const client = await startServer(t);
  for (const format of ['%ZZ', 'json%E0%A4%A']) {
    const response = await client.get(`/beta/$metadata?$format=${format}`);
    assertODataError(t, response, 406, 'NotAcceptable');
    t.match(response.body.error.message, `'${format}'`);
  }
});

t.test('the CSDL JSON has its own ETag, and If-None-Match with it is a 304', async (t) => {
  const client = await startServer(t);
  const xml = await client.get('/beta/$metadata');
  const json = await client.get('/beta/$metadata?$format=json');
  t.match(json.headers.etag, /^W\/"[A-Za-z0-9_-]+"$/);
  t.not(json.headers.etag, xml.headers.etag, 'another representation, another tag');
  t.equal(json.headers['cache-control'], 'no-cache');
  const notModified = await client.get('/beta/$metadata?$format=json', { 'if-none-match': String(json.headers.etag) });
  t.equal(notModified.status, 304);
  t.equal(notModified.text, '');
  t.equal(notModified.headers.etag, json.headers.etag);
  t.equal((await client.get('/beta/$metadata?$format=json', { 'if-none-match': String(xml.headers.etag) })).status, 200, "the XML's tag does not match the JSON");
  t.equal((await client.get('/beta/$metadata', { 'if-none-match': String(json.headers.etag) })).status, 200, "nor the JSON's the XML");
  t.equal((await client.get('/beta/$metadata?$format=json')).headers.etag, json.headers.etag, 'the same tag on every request');
  t.not((await client.get('/v1.0/$metadata?$format=json')).headers.etag, json.headers.etag, 'each service has its own');
});

t.test('the bundled services: the generated metadata.json, valid CSDL JSON, with the container and an entity type', async (t) => {
  const client = await startServer(t);
  for (const service of ['beta', 'v1.0']) {
    const { body } = await client.get(`/${service}/$metadata?$format=json`);
    t.same(csdlJsonErrors(body), [], `${service}: valid against the OASIS csdl.schema.json`);
    t.same(body, JSON.parse(await readFile(`generated/${service}/metadata.json`, 'utf8')), `${service}: the same document as generated/${service}/metadata.json`);
    t.equal(body.$Version, '4.0');
    t.equal(body.$EntityContainer, 'microsoft.graph.GraphService');
    const graph = body['microsoft.graph'];
    t.equal(graph.$Alias, 'graph');
    t.equal(graph.GraphService.$Kind, 'EntityContainer');
    t.same(graph.GraphService.deviceAppManagement, { $Type: 'graph.deviceAppManagement' }, 'the singleton; the converter qualifies names with the schema alias');
    t.same(graph.entity, { $Kind: 'EntityType', $Abstract: true, $Key: ['id'], id: {} }, 'Edm.String and non-nullable keys are the defaults, left out');
    t.same(graph.mobileAppPublishingState, { $Kind: 'EnumType', notPublished: 0, processing: 1, published: 2 });
  }
});

t.test('one of our own models (actions, functions, imports) converts to valid CSDL JSON', async (t) => {
  const client = await startServer(t, { services: [{ prefix: '/shop', metadataFile: OPERATIONS_MODEL }] });
  const { status, body } = await client.get('/shop/$metadata?$format=json');
  t.equal(status, 200);
  t.same(csdlJsonErrors(body), [], 'valid against the OASIS csdl.schema.json');
  t.equal(body.$EntityContainer, 'test.ops.Shop');
  const ops = body['test.ops'];
  t.match(ops.Product, { $Kind: 'EntityType', $Key: ['Id'], Id: { $Type: 'Edm.Int32' }, Price: { $Type: 'Edm.Decimal', $Scale: 2 }, Color: { $Type: 'ops.Color' } });
  t.match(ops.Shop.Products, { $Collection: true, $Type: 'ops.Product' });
});

t.test('a document that is not CSDL JSON fails the schema check (the check can fail)', async (t) => {
  t.not(csdlJsonErrors({ $Version: '4.0', '//': 'a notice' }).length, 0, 'no member but $Version, $EntityContainer, $Reference and schemas');
  t.not(csdlJsonErrors({ $Version: '5.0' }).length, 0);
  t.same(csdlJsonErrors({ $Version: '4.01' }), []);
});
