import path from 'node:path';
import t from 'tap';
import type { PermissionTable } from '../../src/toolkit/auth.js';
import { bearerToken } from '../helpers/bearer-token.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { assertODataError, startServer, type Client, type Response, type TapTest } from '../helpers/server.js';

// Actions and functions of every kind (test/models/operations.xml), as a client calls them:
// bound to an entity or a collection, through imports at the root, parameters inline, as aliases
// or as query options; results of each kind; composition after a composable function; and a 400
// naming the parameter for every parameter that is missing, unknown or not of its type.

const MODEL = path.join(REPO_ROOT, 'test', 'models', 'operations.xml');
const BASE = 'http://localhost:80';

async function shop(t: TapTest): Promise<Client> {
  const client = await startServer(t, { services: [{ prefix: '', metadataFile: MODEL }] });
  t.equal((await client.post('/Categories', { Id: 7, Name: 'Tools' })).status, 201);
  t.equal((await client.post('/Products', { Id: 1, Name: 'Hammer', Price: 9.5, Color: 'Red' })).status, 201);
  t.equal((await client.post('/Products', { Id: 2, Name: 'Saw', Price: 19.5, Color: 'Blue' })).status, 201);
  return client;
}

/** A 400 whose target is the parameter, and whose message names it. */
function assertBadParameter(t: TapTest, response: Response, parameter: string, message?: RegExp): void {
  assertODataError(t, response, 400, 'BadRequest');
  t.equal(response.body.error.target, parameter, `the error targets '${parameter}'`);
  t.match(response.body.error.message, `'${parameter}'`);
  if (message) t.match(response.body.error.message, message);
}

t.test('actions bound to an entity: Edm.Boolean answers true, no return type is a 204, an entity result is the binding entity', async (t) => {
  const c = await shop(t);
  const approved = await c.post('/Products(1)/test.ops.Approve', {});
  t.equal(approved.status, 200);
  t.same(approved.body, { '@odata.context': `${BASE}/$metadata#Edm.Boolean`, value: true });
  t.equal((await c.post('/Products(1)/ops.Approve', { Note: 'fine' })).body.value, true, 'by the alias-qualified name');
  const archived = await c.post('/Products(2)/Archive', undefined);
  t.equal(archived.status, 204, 'by the bare name, as Graph writes it');
  t.equal(archived.text, '');
  const discounted = await c.post('/Products(2)/ops.Discount', { Percent: 10 });
  t.equal(discounted.status, 200);
  t.equal(discounted.body['@odata.context'], `${BASE}/$metadata#Products/$entity`);
  t.equal(discounted.body['@odata.type'], '#test.ops.Product');
  t.equal(discounted.body.Id, 2);
  t.equal(discounted.body.Name, 'Saw');
  t.equal((await c.post('/Products(99)/ops.Approve', {})).status, 404, 'the binding entity must exist');
  assertODataError(t, await c.get('/Products(1)/ops.Approve'), 405, 'MethodNotAllowed');
});

t.test('action parameters come from the body, checked against type, facets and nullability', async (t) => {
  const c = await shop(t);
  assertBadParameter(t, await c.post('/Products(1)/ops.Discount', {}), 'Percent', /missing/);
  assertBadParameter(t, await c.post('/Products(1)/ops.Discount', { Percent: 'ten' }), 'Percent', /Edm\.Int32/);
  assertBadParameter(t, await c.post('/Products(1)/ops.Discount', { Percent: 1.5 }), 'Percent');
  assertBadParameter(t, await c.post('/Products(1)/ops.Discount', { Percent: null }), 'Percent', /not nullable/);
  assertBadParameter(t, await c.post('/Products(1)/ops.Discount', { Percent: 5, Reason: 'x' }), 'Reason', /not a parameter/);
  assertBadParameter(t, await c.post('/Products(1)/ops.Approve', { Note: 'far too long a note' }), 'Note', /MaxLength of 10/);
  t.equal((await c.post('/Products(1)/ops.Discount', { Percent: 5, '@odata.type': '#x' })).status, 200, 'annotations are not parameters');
  assertODataError(t, await c.post('/Products(1)/ops.Discount(Percent=5)', {}), 400, 'BadRequest');
});

t.test('an action bound to a collection: enum and collection parameters, a collection of primitives returned', async (t) => {
  const c = await shop(t);
  const recolored = await c.post('/Products/ops.Recolor', { Color: 'Green', Ids: [1, 2] });
  t.equal(recolored.status, 200);
  t.equal(recolored.body['@odata.context'], `${BASE}/$metadata#Collection(Edm.Int32)`);
  t.ok(Array.isArray(recolored.body.value) && recolored.body.value.every(Number.isInteger), 'integers');
  assertBadParameter(t, await c.post('/Products/ops.Recolor', { Color: 'Pink' }), 'Color', /Red, Green, Blue/);
  assertBadParameter(t, await c.post('/Products/ops.Recolor', { Color: 'Red', Ids: [1, 'two'] }), 'Ids', /item 1/);
  assertBadParameter(t, await c.post('/Products/ops.Recolor', { Color: 'Red', Ids: 3 }), 'Ids', /JSON array/);
  assertODataError(t, await c.post('/Products(1)/ops.Recolor', { Color: 'Red' }), 404, 'ResourceNotFound');
});

t.test('functions bound to an entity: overloads chosen by parameter names, the same call the same answer', async (t) => {
  const c = await shop(t);
  const one = await c.get("/Products(1)/ops.Describe(Style='short')");
  t.equal(one.status, 200);
  t.equal(one.body['@odata.context'], `${BASE}/$metadata#Edm.String`);
  t.type(one.body.value, 'string');
  t.same((await c.get("/Products(1)/test.ops.Describe(Style='short')")).body, one.body, 'deterministic');
  const two = await c.get("/Products(1)/Describe(Style='short',Language='en')");
  t.equal(two.body['@odata.context'], `${BASE}/$metadata#Collection(Edm.String)`, 'the overload with Language');
  t.ok(Array.isArray(two.body.value));
  assertBadParameter(t, await c.get('/Products(1)/ops.Describe()'), 'Style', /missing/);
  assertBadParameter(t, await c.get("/Products(1)/ops.Describe(Style='a',Tone='b')"), 'Tone', /not a parameter/);
  assertBadParameter(t, await c.get('/Products(1)/ops.Describe(Style=5)'), 'Style', /string literal/);
  assertODataError(t, await c.get("/Products(1)/ops.Describe(Style='a',Style='b')"), 400, 'BadRequest');
  const post = await c.post("/Products(1)/ops.Describe(Style='short')", {});
  assertODataError(t, post, 405, 'MethodNotAllowed');
  t.equal(post.headers.allow, 'GET');
});

t.test('a complex parameter as an alias or inline JSON; a complex result', async (t) => {
  const c = await shop(t);
  const quote = await c.get(`/Products(1)/ops.ShippingQuote(To=@to)?@to=${encodeURIComponent('{"City":"Oslo"}')}`);
  t.equal(quote.status, 200);
  t.equal(quote.body['@odata.context'], `${BASE}/$metadata#test.ops.Quote`);
  t.same(Object.keys(quote.body).sort(), ['@odata.context', 'Amount', 'Carrier', 'Days']);
  t.type(quote.body.Days, 'number');
  t.ok(Number.isInteger(Math.round(quote.body.Amount * 100)), 'Amount has two decimals at most');
  const inline = await c.get(`/Products(1)/ops.ShippingQuote(To=${encodeURIComponent('{"City":"Oslo"}')})`);
  t.same(inline.body, quote.body, 'inline or through an alias, the same call');
  assertBadParameter(t, await c.get('/Products(1)/ops.ShippingQuote(To=@to)'), 'To', /null/);
  assertBadParameter(t, await c.get(`/Products(1)/ops.ShippingQuote(To=${encodeURIComponent('{"Town":"Oslo"}')})`), 'To', /'Town'/);
  assertBadParameter(t, await c.get(`/Products(1)/ops.ShippingQuote(To=${encodeURIComponent('{"City":"Llanfairpwllgwyngyllgogerychwyrndrobwll"}')})`), 'To', /MaxLength of 20/);
  assertBadParameter(t, await c.get("/Products(1)/ops.ShippingQuote(To='Oslo')"), 'To', /JSON object/);
});

t.test('an entity result from another set: the EntitySetPath names it; a composable function composes with a property', async (t) => {
  const c = await shop(t);
  const category = await c.get('/Products(1)/ops.CategoryOf()');
  t.equal(category.status, 200);
  t.equal(category.body['@odata.context'], `${BASE}/$metadata#Categories/$entity`);
  t.equal(category.body.Id, 7);
  const name = await c.get('/Products(2)/ops.Self()/Name');
  t.equal(name.status, 200);
  t.equal(name.body.value, 'Saw', 'the binding entity, its property');
  assertODataError(t, await c.get("/Products(1)/ops.Describe(Style='a')/length"), 400, 'BadRequest');
  assertODataError(t, await c.post('/Products(1)/ops.Approve/value', {}), 400, 'BadRequest');
});

t.test('a composable function bound to a collection composes with query options, keys, $count and navigation', async (t) => {
  const c = await shop(t);
  const all = await c.get('/Products/ops.Cheap()');
  t.equal(all.status, 200);
  t.equal(all.body['@odata.context'], `${BASE}/$metadata#Products`);
  t.same(all.body.value.map((p: { Id: number }) => p.Id), [1, 2]);
  const filtered = await c.get(`/Products/ops.Cheap(Under=10.5)?$filter=${encodeURIComponent('Price gt 10')}&$select=Name&$orderby=Id desc&$top=1`);
  t.equal(filtered.status, 200);
  t.same(filtered.body.value.map((p: { Name: string }) => p.Name), ['Saw'], '$filter, $orderby and $top applied');
  t.notOk('Price' in filtered.body.value[0], '$select applied');
  const count = await c.get('/Products/ops.Cheap()/$count');
  t.equal(count.status, 200);
  t.equal(count.text, '2');
  const member = await c.get('/Products/ops.Cheap()/2');
  t.equal(member.status, 200);
  t.equal(member.body.Name, 'Saw');
  t.equal((await c.get('/Products/ops.Cheap()/2/Name')).body.value, 'Saw');
  t.equal((await c.get('/Products/ops.Cheap()/9')).status, 404);
  assertBadParameter(t, await c.get("/Products/ops.Cheap(Under='cheap')"), 'Under', /Edm\.Decimal/);
  assertBadParameter(t, await c.get("/Products/ops.Cheap(Under='cheap')/$count"), 'Under', /Edm\.Decimal/);
  const palette = await c.get('/Products/ops.Palette()');
  t.equal(palette.body['@odata.context'], `${BASE}/$metadata#Collection(test.ops.Color)`);
  // The items of Collection(ops.Color) are nullable (CSDL 12.8: Nullable defaults to true), so null is one of the values.
  t.ok(palette.body.value.every((v: string | null) => v === null || ['Red', 'Green', 'Blue'].includes(v)), 'enum members or null');
  assertODataError(t, await c.get('/Products/ops.Palette()/$count'), 400, 'BadRequest');
});

t.test('URL Conventions §4.5: a composable function returning values composes with a property of its result, $value and $count', async (t) => {
  const c = await shop(t);
  const summary = await c.get('/Products/ops.Summary()');
  t.equal(summary.status, 200);
  t.equal(summary.body['@odata.context'], `${BASE}/$metadata#test.ops.Address`);
  const city = await c.get('/Products/ops.Summary()/City');
  t.equal(city.status, 200);
  t.equal(city.body['@odata.context'], `${BASE}/$metadata#Edm.String`);
  t.equal(city.body.value, summary.body.City, 'the same call answers the same, and the property is its part');
  const raw = await c.get('/Products/ops.Summary()/City/$value');
  t.equal(raw.status, 200);
  t.match(raw.headers['content-type'], /^text\/plain/);
  t.equal(raw.text, summary.body.City);
  const tags = await c.get('/Products/ops.Tags()');
  const count = await c.get('/Products/ops.Tags()/$count');
  t.equal(count.status, 200);
  t.equal(count.text, String(tags.body.value.length));
  assertODataError(t, await c.get('/Products/ops.Summary()/Town'), 404, 'ResourceNotFound');
  assertODataError(t, await c.get('/Products/ops.Summary()/$count'), 404, 'ResourceNotFound');
  assertODataError(t, await c.get('/Products/ops.Summary()/City/$value/more'), 404, 'ResourceNotFound');
});

t.test('function imports at the root: overloads, parameters inline, as aliases and as query options', async (t) => {
  const c = await shop(t);
  const sum = await c.get('/Sum(A=1,B=2)');
  t.equal(sum.status, 200);
  t.equal(sum.body['@odata.context'], `${BASE}/$metadata#Edm.Int64`);
  t.ok(Number.isInteger(sum.body.value));
  t.same((await c.get('/Sum(A=@a,B=2)?@a=1')).body, sum.body, 'an alias');
  t.same((await c.get('/Sum(B=2,A=1)')).body, sum.body, 'in any order');
  t.same((await c.get('/Sum()?A=1&B=2')).body, sum.body, 'as query options (OData 4.01)');
  t.equal((await c.get(`/Sum(Values=${encodeURIComponent('[1,2,3]')})`)).status, 200, 'the other overload');
  assertBadParameter(t, await c.get(`/Sum(Values=${encodeURIComponent('[1,"2"]')})`), 'Values', /item 1/);
  assertBadParameter(t, await c.get('/Sum(A=1)'), 'B', /missing/);
  assertBadParameter(t, await c.get('/Sum(A=1,B=2,C=3)'), 'C', /not a parameter/);
  assertBadParameter(t, await c.get('/Sum(A=1,B=99999999999)'), 'B', /range of Edm\.Int32/);
  assertODataError(t, await c.post('/Sum(A=1,B=2)', {}), 405, 'MethodNotAllowed');
  assertODataError(t, await c.get('/Hidden()'), 404, 'ResourceNotFound');
  assertODataError(t, await c.post('/Unlisted', {}), 404, 'ResourceNotFound');
});

t.test('imports returning entities: the import\'s entity set, composed and queried', async (t) => {
  const c = await shop(t);
  const found = await c.get(`/SearchProducts(Term='a',Colors=${encodeURIComponent('["Red","Blue"]')})?$filter=Id eq 2`.replace(/ /g, '%20'));
  t.equal(found.status, 200);
  t.equal(found.body['@odata.context'], `${BASE}/$metadata#Products`);
  t.same(found.body.value.map((p: { Id: number }) => p.Id), [2]);
  t.equal((await c.get("/SearchProducts(Term='a')/$count")).text, '2');
  t.equal((await c.get("/SearchProducts(Term='a')/1/Category")).status, 204, 'a navigation after a key: nothing linked yet');
  assertBadParameter(t, await c.get(`/SearchProducts(Term='a',Colors=${encodeURIComponent('["Pink"]')})`), 'Colors', /member of test\.ops\.Color/);
  assertBadParameter(t, await c.get('/SearchProducts()'), 'Term', /missing/);
  const featured = await c.get('/Featured()');
  t.equal(featured.body['@odata.context'], `${BASE}/$metadata#Products/$entity`);
  t.equal(featured.body.Id, 1, 'the first member of the import\'s entity set');
  const addresses = await c.get('/Addresses()');
  t.equal(addresses.body['@odata.context'], `${BASE}/$metadata#Collection(test.ops.Address)`);
  t.ok(addresses.body.value.length >= 1);
  for (const address of addresses.body.value) t.ok(address.City === null || address.City.length <= 20);
});

t.test('action imports at the root: POST only, parameters from the body', async (t) => {
  const c = await shop(t);
  t.equal((await c.post('/ResetAll', undefined)).status, 204);
  assertODataError(t, await c.get('/ResetAll'), 405, 'MethodNotAllowed');
  const report = await c.post('/Report', { Title: 'Weekly', Period: 'PT1H', Day: '2026-01-02', Favorite: 'Green' });
  t.equal(report.status, 200);
  t.equal(report.body['@odata.context'], `${BASE}/$metadata#test.ops.Quote`);
  assertBadParameter(t, await c.post('/Report', { Favorite: 'Red' }), 'Title', /missing/);
  assertBadParameter(t, await c.post('/Report', { Title: 'A title too long' }), 'Title', /MaxLength of 12/);
  assertBadParameter(t, await c.post('/Report', { Title: 'x', Day: '2026-13' }), 'Day', /Edm\.Date/);
  assertBadParameter(t, await c.post('/Report', { Title: 'x', Period: 'an hour' }), 'Period', /Edm\.Duration/);
  assertBadParameter(t, await c.post('/Report', { Title: 'x', Favorite: 'Pink' }), 'Favorite', /Red, Green, Blue/);
  assertODataError(t, await c.post('/Report', [1]), 400, 'BadRequest');
});

t.test('the service document lists the function imports that ask to be listed', async (t) => {
  const c = await shop(t);
  const root = await c.get('/');
  t.same(root.body.value.filter((e: { kind?: string }) => e.kind === 'FunctionImport'), [
    { name: 'Addresses', kind: 'FunctionImport', url: 'Addresses' },
    { name: 'SearchProducts', kind: 'FunctionImport', url: 'SearchProducts' },
  ]);
});

t.test('with --auth, a function call is checked as the function, not with its arguments taken for a key', async (t) => {
  const scope = 'Products.Read';
  const table: PermissionTable = { permissions: ['/Sum', '/Products/{id}/ops.Describe'].map((p) => ({ method: 'GET', path: p, delegated: [scope], application: [scope] })) };
  const client = await startServer(t, { services: [{ prefix: '', metadataFile: MODEL }], auth: { permissions: table } });
  await client.post('/Products', { Id: 1, Name: 'Hammer', Price: 9.5, Color: 'Red' }, { authorization: `Bearer ${bearerToken({ scp: 'Products.ReadWrite' })}` });
  const allowed = { authorization: `Bearer ${bearerToken({ scp: scope })}` };
  t.equal((await client.get('/Sum(A=1,B=2)', allowed)).status, 200, 'an import with its arguments');
  t.equal((await client.get("/Products(1)/ops.Describe(Style='verse')", allowed)).status, 200, 'a bound function with its arguments');
  const other = { authorization: `Bearer ${bearerToken({ scp: 'Other.Read' })}` };
  assertODataError(t, await client.get('/Sum(A=1,B=2)', other), 403, 'Authorization_RequestDenied');
});
