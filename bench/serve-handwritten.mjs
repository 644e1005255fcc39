// Child process of server-bench.mjs: the second baseline, "what a hand-written server for these
// URLs costs". Where serve-baseline.mjs only returns constants, this one does the work a request
// needs and nothing around it: Fastify routes the URL, a Map holds the same 200 entities as the
// 'page' collection of serve-edmock.mjs, Ajv validates create and update bodies with the schemas
// edmock generated for the entity type, and answers carry what edmock's do (@odata.context,
// @odata.type, @odata.etag, ETag, Location, OData-Version, request-id, the OData content type).
// It knows nothing else: no negotiation, sessions, faults, journal, $filter or other URL.
// The gap between it and edmock is the price of being generic; the gap between it and the bare
// baseline is the price of the work itself.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import AjvModule from 'ajv';
import Fastify from 'fastify';

const TYPE = 'microsoft.graph.userAppInstallStatus';
const ODATA_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const PAGE_SIZE = 100;

// The generated schemas of the type, compiled here (edmock loads the same ones precompiled).
const { schemas } = JSON.parse(readFileSync(new URL('../generated/beta/schemas.json', import.meta.url), 'utf8'));
const ajv = new AjvModule.default({ allErrors: true, strict: true, allowUnionTypes: true });
const compile = (mode) => ajv.compile(schemas.find((s) => s.$id === `urn:edmock:${mode}:${TYPE}`));
const validateCreate = compile('create');
const validateUpdate = compile('update');

// The same entities as serve-edmock.mjs, under the same parent: app id -> (key -> entity).
let seq = 0;
const entity = (properties) => ({ seq: ++seq, version: 1, properties });
const page = new Map();
for (let i = 0; i < 200; i++) {
  const id = `u${String(i).padStart(6, '0')}`;
  page.set(id, entity({
    id, userName: `user ${i}`, userPrincipalName: `user${i}@contoso.example`,
    installedDeviceCount: i % 10, failedDeviceCount: (i * 7919) % 1000, notInstalledDeviceCount: i % 3,
  }));
}
const apps = new Map([['page', page]]);

// GUID-shaped request ids as edmock makes them (a random prefix and a counter): a random UUID per
// request would cost more than the rest of a small read and make the comparison about that.
const idPrefix = randomUUID().slice(0, 24);
let requestCount = 0;
const app = Fastify({ genReqId: () => idPrefix + (++requestCount).toString(16).padStart(12, '0') });

const base = '/beta/deviceAppManagement/mobileApps/:app/userStatuses';
const baseUrl = (request) => `${request.protocol}://${request.host}/beta`;
const collectionPath = (appId) => `deviceAppManagement/mobileApps('${appId}')/userStatuses`;
const etag = (e) => `W/"${e.seq}-${e.version}"`;
const item = (e) => ({ '@odata.type': `#${TYPE}`, '@odata.etag': etag(e), ...e.properties });

function send(request, reply, status, body) {
  reply.code(status).header('OData-Version', '4.0').header('request-id', request.id);
  if (body === undefined) return reply.send();
  return reply.header('content-type', ODATA_JSON).send(JSON.stringify(body));
}

function fail(request, reply, status, code, message, details = []) {
  return send(request, reply, status, { error: { code, message, details, innerError: { 'request-id': request.id } } });
}

const invalid = (request, reply, errors) => fail(request, reply, 400, 'BadRequest', 'The request body is not valid.',
  errors.map((e) => ({ code: 'InvalidValue', message: e.message, target: e.instancePath.slice(1) || null })));

app.get(`${base}/:id`, (request, reply) => {
  const { app: appId, id } = request.params;
  const found = apps.get(appId)?.get(id);
  if (!found) return fail(request, reply, 404, 'ResourceNotFound', `'${id}' was not found.`);
  reply.header('ETag', etag(found));
  return send(request, reply, 200, { '@odata.context': `${baseUrl(request)}/$metadata#${collectionPath(appId)}/$entity`, ...item(found) });
});

app.get(base, (request, reply) => {
  const members = apps.get(request.params.app);
  if (!members) return fail(request, reply, 404, 'ResourceNotFound', `'${request.params.app}' was not found.`);
  const top = request.query.$top === undefined ? Infinity : Number(request.query.$top);
  if (!Number.isInteger(top) && top !== Infinity) return fail(request, reply, 400, 'BadRequest', `'${request.query.$top}' is not a valid $top.`);
  const value = [];
  for (const e of members.values()) {
    if (value.length === Math.min(top, PAGE_SIZE)) break;
    value.push(item(e));
  }
  const body = { '@odata.context': `${baseUrl(request)}/$metadata#${collectionPath(request.params.app)}`, value };
  // Server-driven paging only when the page size, not $top, cut the answer short.
  if (top > PAGE_SIZE && members.size > PAGE_SIZE) body['@odata.nextLink'] = `${baseUrl(request)}/${collectionPath(request.params.app)}?$skiptoken=${PAGE_SIZE}`;
  return send(request, reply, 200, body);
});

app.post(base, (request, reply) => {
  const members = apps.get(request.params.app);
  if (!members) return fail(request, reply, 404, 'ResourceNotFound', `'${request.params.app}' was not found.`);
  const { '@odata.type': _type, ...properties } = request.body ?? {};
  if (!validateCreate(properties)) return invalid(request, reply, validateCreate.errors);
  const key = properties.id ?? randomUUID();
  if (members.has(key)) return fail(request, reply, 409, 'Conflict', `An entity with the key '${key}' already exists.`);
  const created = entity({ id: key, ...properties });
  members.set(key, created);
  reply.header('Location', `${baseUrl(request)}/${collectionPath(request.params.app)}('${key}')`).header('ETag', etag(created));
  return send(request, reply, 201, { '@odata.context': `${baseUrl(request)}/$metadata#${collectionPath(request.params.app)}/$entity`, ...item(created) });
});

app.patch(`${base}/:id`, (request, reply) => {
  const found = apps.get(request.params.app)?.get(request.params.id);
  if (!found) return fail(request, reply, 404, 'ResourceNotFound', `'${request.params.id}' was not found.`);
  const { '@odata.type': _type, ...properties } = request.body ?? {};
  if (!validateUpdate(properties)) return invalid(request, reply, validateUpdate.errors);
  Object.assign(found.properties, properties);
  found.version++;
  reply.header('ETag', etag(found));
  return send(request, reply, 204);
});

const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ address });
// server-bench.mjs asks for the CPU time used so far, to count it per request.
process.on('message', (message) => { if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() }); });
process.once('SIGINT', () => { void app.close().then(() => process.exit(0)); });
