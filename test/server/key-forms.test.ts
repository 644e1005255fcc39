import path from 'node:path';
import t from 'tap';
import { assertODataError, startServer, type Client, type TapTest } from '../helpers/server.js';
import { REPO_ROOT } from '../helpers/paths.js';

// Every key form of test/models/keys.xml over HTTP (URL Conventions §4.3.1, §4.3.6, CSDL §8.3):
// the Location a create answers, the @odata.id a read shows and the key a $filter names all
// address the same entity, and a key written wrongly is a 400 naming what is wrong.

const MODEL = path.join(REPO_ROOT, 'test', 'models', 'keys.xml');
const FULL = { accept: 'application/json;odata.metadata=full' };
const ORIGIN = 'http://localhost:80';

const serve = (t: TapTest, file = MODEL): Promise<Client> => startServer(t, { services: [{ prefix: '', metadataFile: file }] });

interface KeyCase {
  set: string;
  /** The create body's key, as JSON text (an Int64 beyond 2^53 cannot be a JavaScript number). */
  json: string;
  /** The key predicate the server writes, percent-decoded. */
  predicate: string;
  /** Other spellings of the same key a URL may use. */
  also: string[];
  /** Literal of the key in $filter. */
  filter: string;
  /** Predicates that must be 400s. */
  malformed: string[];
  /** Another key value, as JSON text. */
  other: string;
}

const CASES: KeyCase[] = [
  { set: 'booleans', json: 'true', predicate: '(true)', also: ['(k=true)', '/true'], filter: 'true', malformed: ["('true')", '(yes)', '(1)'], other: 'false' },
  { set: 'bytes', json: '200', predicate: '(200)', also: ['(0200)', '/200'], filter: '200', malformed: ['(256)', '(-1)', "('200')"], other: '3' },
  { set: 'sbytes', json: '-5', predicate: '(-5)', also: ['(k=-5)'], filter: '-5', malformed: ['(128)', '(x)'], other: '3' },
  { set: 'int16s', json: '1234', predicate: '(1234)', also: ['/1234'], filter: '1234', malformed: ['(40000)', '(12.5)'], other: '3' },
  { set: 'int32s', json: '70000', predicate: '(70000)', also: ['(k=70000)'], filter: '70000', malformed: ['(1.5)', '(2147483648)', "('70000')"], other: '3' },
  { set: 'int64s', json: '9007199254740993', predicate: '(9007199254740993)', also: ['/9007199254740993'], filter: '9007199254740993', malformed: ['(9223372036854775808)', '(1e3)'], other: '3' },
  { set: 'decimals', json: '12.5', predicate: '(12.5)', also: ['(12.50)', '(k=125e-1)'], filter: '12.5', malformed: ["('12.5')", '(12,5)', '(abc)'], other: '3' },
  { set: 'dates', json: '"2020-01-02"', predicate: '(2020-01-02)', also: ['/2020-01-02'], filter: '2020-01-02', malformed: ['(2020-02-30)', "('2020-01-02')", '(2020-01-02T00:00:00Z)'], other: '"2021-01-01"' },
  { set: 'times', json: '"10:30:00"', predicate: '(10:30:00)', also: ['(k=10:30:00)'], filter: '10:30:00', malformed: ['(25:00:00)', '(10.5)'], other: '"11:00:00"' },
  { set: 'instants', json: '"2020-01-02T10:00:00+01:00"', predicate: '(2020-01-02T10:00:00+01:00)', also: [], filter: '2020-01-02T10:00:00%2B01:00', malformed: ['(2020-01-02)', '(2020-01-02T25:00:00Z)'], other: '"2021-01-01T00:00:00Z"' },
  { set: 'durations', json: '"P1DT2H"', predicate: "(duration'P1DT2H')", also: ['(P1DT2H)', "(DURATION'P1DT2H')", '/P1DT2H'], filter: "duration'P1DT2H'", malformed: ["(duration'P1X')", "('x')"], other: '"P2D"' },
  { set: 'guids', json: '"ABCDEF01-2345-6789-ABCD-EF0123456789"', predicate: '(abcdef01-2345-6789-abcd-ef0123456789)', also: ['(ABCDEF01-2345-6789-ABCD-EF0123456789)', '/abcdef01-2345-6789-abcd-ef0123456789'], filter: 'abcdef01-2345-6789-abcd-ef0123456789', malformed: ["('abcdef01-2345-6789-abcd-ef0123456789')", '(12)'], other: '"00000000-0000-0000-0000-000000000001"' },
  { set: 'strings', json: '"it\'s a/b+c"', predicate: "('it''s a/b+c')", also: ["(k='it''s%20a%2Fb%2Bc')", '/it\'s%20a%2Fb%2Bc'], filter: "'it''s%20a%2Fb%2Bc'", malformed: ['(its)', "('it's')", "(k='a',k='b')"], other: '"other"' },
  { set: 'colors', json: '"Green"', predicate: "(keys.Color'Green')", also: ["(k.Color'Green')", "('Green')", "(keys.Color'2')", '/Green'], filter: "keys.Color'Green'", malformed: ["(keys.Color'Purple')", '(Green)', "(other.Color'Green')"], other: '"Red"' },
];

/** What every set must do: create, read back by Location and @odata.id, filter, patch, put, delete. */
async function lifecycle(t: TapTest, c: Client, set: string, body: string, predicate: string, keyFilter: string, keyName: string): Promise<string> {
  const created = await c.post(`/${set}`, body);
  t.equal(created.status, 201, `${set}: created`);
  const location = created.headers.location as string;
  t.equal(decodeURIComponent(location), `${ORIGIN}/${set}${predicate}`, `${set}: Location`);
  const url = new URL(location).pathname;
  t.notMatch(location, /[ +]/, `${set}: no space or raw + in Location`);
  const read = await c.get(url, FULL);
  t.equal(read.status, 200, `${set}: GET Location`);
  t.equal(read.body['@odata.id'], location, `${set}: @odata.id is the Location`);
  t.equal(read.body['@odata.editLink'], location, `${set}: @odata.editLink is the Location`);
  t.equal((await c.get(new URL(read.body['@odata.id'] as string).pathname)).status, 200, `${set}: GET @odata.id`);
  const filtered = await c.get(`/${set}?$filter=${keyName} eq ${keyFilter}`);
  t.equal(filtered.status, 200, `${set}: $filter on the key`);
  t.equal(filtered.body.value?.length, 1, `${set}: $filter finds the entity`);
  t.equal((await c.patch(url, { name: 'patched' })).status, 204, `${set}: PATCH`);
  t.equal((await c.get(url)).body.name, 'patched', `${set}: PATCH applied`);
  t.equal((await c.request('PUT', url, { name: 'put' })).status, 204, `${set}: PUT`);
  const afterPut = await c.get(url);
  t.equal(afterPut.body.name, 'put', `${set}: PUT applied, the key kept`);
  t.equal((await c.delete(url)).status, 204, `${set}: DELETE`);
  assertODataError(t, await c.get(url), 404, 'ResourceNotFound');
  return location;
}

t.test('a key of each type: Location, @odata.id, $filter, PATCH, PUT, DELETE, other spellings, malformed forms', async (t) => {
  const c = await serve(t);
  for (const k of CASES) {
    await lifecycle(t, c, k.set, `{"k":${k.json},"name":"x"}`, k.predicate, k.filter, 'k');
    const again = await c.post(`/${k.set}`, `{"k":${k.json}}`);
    t.equal(again.status, 201, `${k.set}: created again`);
    const url = new URL(again.headers.location as string).pathname;
    for (const spelling of k.also) {
      t.equal((await c.get(`/${k.set}${spelling}`)).status, 200, `${k.set}: ${spelling} reads it`);
    }
    for (const wrong of k.malformed) assertODataError(t, await c.get(`/${k.set}${wrong}`), 400, 'BadRequest');
    assertODataError(t, await c.get(`/${k.set}(other=1)`), 400, 'BadRequest');
    const changed = await c.request('PATCH', url, `{"k":${k.other}}`);
    assertODataError(t, changed, 400, 'BadRequest');
    t.equal(changed.body.error.target, 'k', `${k.set}: changing the key is a key mismatch`);
  }
});

const ORDER = "(Region='north',Number=7,Day=2020-01-02)";

t.test('a composite key: named parts in any order, each once; the canonical form in key order', async (t) => {
  const c = await serve(t);
  await lifecycle(t, c, 'orders', '{"Region":"north","Number":7,"Day":"2020-01-02"}', ORDER, "'north' and Number eq 7", 'Region');
  t.equal((await c.post('/orders', { Region: 'north', Number: 7, Day: '2020-01-02' })).status, 201);
  t.equal((await c.get("/orders(Day=2020-01-02,Region='north',Number=7)")).body.Number, 7, 'parts in another order');
  const cases: [string, RegExp][] = [
    ["(Region='north',Number=7)", /'Day'.*missing/],
    ["(Region='north',Number=7,Day=2020-01-02,Number=7)", /'Number'.*twice/],
    ["(Region='north',Number=7,Day=2020-01-02,Size=1)", /'Size' is not a key part/],
    ["('north',7,2020-01-02)", /name=value/],
    ["(Region='north',Number='7',Day=2020-01-02)", /key part 'Number'.*without quotes/],
    ["(Region=north,Number=7,Day=2020-01-02)", /key part 'Region'.*quoted/],
    ['(7)', /name=value/],
  ];
  for (const [predicate, message] of cases) {
    const response = await c.get(`/orders${predicate}`);
    assertODataError(t, response, 400, 'BadRequest');
    t.match(response.body.error.message, message, predicate);
  }
  const segment = await c.get('/orders/north');
  assertODataError(t, segment, 400, 'BadRequest');
  t.match(segment.body.error.message, /not as a segment/);
  const missing = await c.post('/orders', { Region: 'south', Day: '2020-01-02' });
  assertODataError(t, missing, 400, 'BadRequest');
  t.equal(missing.body.error.target, 'Number', 'a missing part of a composite key is named');
  const changed = await c.patch(`/orders${ORDER}`, { Number: 8 });
  assertODataError(t, changed, 400, 'BadRequest');
  t.equal(changed.body.error.target, 'Number', 'changing a key part is a key mismatch');
  t.equal((await c.patch(`/orders${ORDER}`, { Number: 7, name: 'same key' })).status, 204, 'repeating the key is allowed');
});

t.test('containment under a composite-keyed parent: paths, Location and @odata.id below the composite key', async (t) => {
  const c = await serve(t);
  t.equal((await c.post('/orders', { Region: "it's", Number: 1, Day: '2021-03-04' })).status, 201);
  const parent = "/orders(Region='it''s',Number=1,Day=2021-03-04)";
  const line = await c.post(`${parent}/lines`, { n: 3, product: 'tea' });
  t.equal(line.status, 201);
  t.equal(decodeURIComponent(line.headers.location as string), `${ORIGIN}${parent}/lines(3)`);
  const url = new URL(line.headers.location as string).pathname;
  const read = await c.get(url, FULL);
  t.equal(read.body.product, 'tea');
  t.equal(read.body['@odata.id'], line.headers.location);
  t.equal((await c.get(`${parent}/lines?$filter=n eq 3`)).body.value.length, 1);
  const assigned = await c.post(`${parent}/lines`, { product: 'milk' });
  t.equal(assigned.status, 201, 'an integer key is assigned when left out');
  t.equal(assigned.body.n, 2, 'the next free integer above the members');
  t.equal((await c.patch(url, { product: 'coffee' })).status, 204);
  t.equal((await c.delete(parent)).status, 204, 'deleting the parent');
  assertODataError(t, await c.get(url), 404, 'ResourceNotFound');
  const deep = await c.post('/orders', { Region: 'deep', Number: 2, Day: '2021-03-04', lines: [{ n: 1 }, { product: 'x' }] });
  t.equal(deep.status, 201, 'deep insert under a composite key');
  t.equal((await c.get("/orders(Region='deep',Number=2,Day=2021-03-04)/lines(2)")).body.product, 'x', 'nested integer keys are assigned too');
});

t.test('an alias on a complex property path: the alias in URLs, the path in bodies, and references to composite keys', async (t) => {
  const c = await serve(t);
  const location = await lifecycle(t, c, 'categories', '{"Info":{"ID":1,"Label":"one"},"name":"x"}', '(1)', '1', 'Info/ID');
  t.equal(location, `${ORIGIN}/categories(1)`);
  t.equal((await c.post('/categories', { Info: { ID: 1, Label: 'one' } })).status, 201);
  t.equal((await c.get('/categories(InfoID=1)')).body.Info.Label, 'one', 'the alias names the key part');
  assertODataError(t, await c.get('/categories(ID=1)'), 400, 'BadRequest');
  const changed = await c.patch('/categories(1)', { Info: { ID: 2, Label: 'two' } });
  assertODataError(t, changed, 400, 'BadRequest');
  t.equal(changed.body.error.target, 'Info/ID');
  t.equal((await c.patch('/categories(1)', { Info: { Label: 'relabelled' } })).status, 204, 'a complex value without the key part keeps it');
  t.same((await c.get('/categories(1)')).body.Info, { ID: 1, Label: 'relabelled' });
  const assigned = await c.post('/categories', { name: 'no key' });
  t.equal(assigned.status, 201, 'a single integer key on a path is assigned');
  t.equal(assigned.body.Info.ID, 2);

  t.equal((await c.post('/orders', { Region: 'a,b', Number: 5, Day: '2022-01-01' })).status, 201);
  const order = "orders(Region='a,b',Number=5,Day=2022-01-01)";
  t.equal((await c.post('/categories(InfoID=1)/orders/$ref', { '@odata.id': `${ORIGIN}/${order}` })).status, 204, 'POST $ref to a composite-keyed entity');
  const refs = await c.get('/categories(1)/orders/$ref');
  t.same(refs.body.value.map((r: { '@odata.id': string }) => decodeURIComponent(r['@odata.id'])), [`${ORIGIN}/${order}`]);
  t.equal((await c.get(`/categories(1)/${order}`)).body.Number, 5, 'the linked member by its composite key');
  t.equal((await c.get(`/categories(1)/orders(Number=5,Day=2022-01-01,Region='a,b')`)).status, 200);
  t.equal((await c.request('DELETE', `/categories(1)/${order}/$ref`)).status, 204, 'DELETE the reference');
  t.equal((await c.get('/categories(1)/orders/$ref')).body.value.length, 0);
});

t.test('keys on Edm.Single and Edm.Double (CSDL forbids them, real services publish them): served, with a warning at load', async (t) => {
  const c = await serve(t, path.join(REPO_ROOT, 'test', 'models', 'keys-floating.xml'));
  await lifecycle(t, c, 'singles', '{"k":1.5,"name":"x"}', '(1.5)', '1.5', 'k');
  await lifecycle(t, c, 'doubles', '{"k":2.25,"name":"x"}', '(2.25)', '2.25', 'k');
  t.equal((await c.post('/doubles', { k: 1e21 })).status, 201);
  t.equal((await c.get('/doubles(1E21)')).status, 200, 'an exponent names the same double');
  assertODataError(t, await c.get("/doubles('2.25')"), 400, 'BadRequest');
});
