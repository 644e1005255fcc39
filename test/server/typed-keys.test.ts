import t from 'tap';
import { assertODataError, GUID, startServerWithEdmx, type TapTest } from '../helpers/server.js';

// Keys that are not strings (URL Conventions §4.3.1): written bare in parentheses (`ints(5)`),
// quoted only when they are strings; as a segment (§4.3.6) any key is bare.

const EDMX = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="test.keys" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EntityType Name="numbered"><Key><PropertyRef Name="n"/></Key><Property Name="n" Type="Edm.Int32" Nullable="false"/><Property Name="name" Type="Edm.String"/></EntityType>
  <EntityType Name="guided"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Guid" Nullable="false"/></EntityType>
  <EntityType Name="named"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
  <EntityContainer Name="c">
    <EntitySet Name="ints" EntityType="test.keys.numbered"/><EntitySet Name="guids" EntityType="test.keys.guided"/><EntitySet Name="names" EntityType="test.keys.named"/>
  </EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>`;

const client = (t: TapTest) => startServerWithEdmx(t, EDMX);

t.test('an Int32 key: bare in canonical URLs, typed in bodies, checked in URLs', async (t) => {
  const c = await client(t);
  const created = await c.post('/ints', { n: 5, name: 'five' });
  t.equal(created.status, 201);
  t.equal(created.headers.location, 'http://localhost:80/ints(5)', 'Location names the key bare');
  t.equal(created.body.n, 5, 'the key stays a number');
  t.equal((await c.get('/ints(5)')).status, 200);
  t.equal((await c.get('/ints/5')).status, 200, 'key as segment');
  t.equal((await c.get('/ints(005)')).body.n, 5, 'the same integer written with leading zeros');
  t.equal((await c.get('/ints(5)', { accept: 'application/json;odata.metadata=full' })).body['@odata.id'], 'http://localhost:80/ints(5)');
  const quoted = await c.get("/ints('5')");
  assertODataError(t, quoted, 400, 'BadRequest');
  t.match(quoted.body.error.message, /Edm\.Int32, which is written without quotes/);
  assertODataError(t, await c.get('/ints/abc'), 400, 'BadRequest');
  t.equal((await c.patch('/ints(5)', { n: 5, name: 'still five' })).status, 204, 'repeating the key in a body is allowed');
  assertODataError(t, await c.patch('/ints(5)', { n: 6 }), 400, 'BadRequest');
  const assigned = await c.post('/ints', { name: 'no key' });
  t.equal(assigned.status, 201, 'an integer key left out is assigned');
  t.equal(assigned.body.n, 2, 'the next free integer above the members');
  t.equal(assigned.headers.location, 'http://localhost:80/ints(2)');
  assertODataError(t, await c.post('/ints', { n: 5 }), 409, 'Conflict');
  t.equal((await c.delete('/ints(5)')).status, 204);
  t.equal((await c.get('/ints(5)')).status, 404);
});

t.test('a GUID key is assigned when absent and written bare; a string key must be quoted', async (t) => {
  const c = await client(t);
  const created = await c.post('/guids', {});
  t.equal(created.status, 201);
  t.match(created.body.id, GUID);
  t.equal(created.headers.location, `http://localhost:80/guids(${created.body.id})`);
  t.equal((await c.get(`/guids(${created.body.id})`)).status, 200);
  assertODataError(t, await c.get(`/guids('${created.body.id}')`), 400, 'BadRequest');
  assertODataError(t, await c.get('/guids(12)'), 400, 'BadRequest');
  t.equal((await c.post('/names', { id: '42' })).status, 201);
  t.equal((await c.get("/names('42')")).status, 200);
  t.equal((await c.get('/names/42')).status, 200, 'as a segment a string key is bare');
  const bare = await c.get('/names(42)');
  assertODataError(t, bare, 400, 'BadRequest');
  t.match(bare.body.error.message, /must be quoted/);
});

const OTHER_KEYS_EDMX = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="test.keys" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EntityType Name="day"><Key><PropertyRef Name="k"/></Key><Property Name="k" Type="Edm.Date" Nullable="false"/></EntityType>
  <EntityType Name="amount"><Key><PropertyRef Name="k"/></Key><Property Name="k" Type="Edm.Decimal" Nullable="false"/></EntityType>
  <EntityType Name="flag"><Key><PropertyRef Name="k"/></Key><Property Name="k" Type="Edm.Boolean" Nullable="false"/></EntityType>
  <EntityType Name="instant"><Key><PropertyRef Name="k"/></Key><Property Name="k" Type="Edm.DateTimeOffset" Nullable="false"/></EntityType>
  <EntityType Name="time"><Key><PropertyRef Name="k"/></Key><Property Name="k" Type="Edm.TimeOfDay" Nullable="false"/></EntityType>
  <EntityContainer Name="c">
    <EntitySet Name="days" EntityType="test.keys.day"/><EntitySet Name="amounts" EntityType="test.keys.amount"/>
    <EntitySet Name="flags" EntityType="test.keys.flag"/><EntitySet Name="instants" EntityType="test.keys.instant"/>
    <EntitySet Name="times" EntityType="test.keys.time"/>
  </EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>`;

t.test('Date, Decimal, Boolean, DateTimeOffset and TimeOfDay keys: the Location a create answers reads the entity back', async (t) => {
  const c = await startServerWithEdmx(t, OTHER_KEYS_EDMX);
  const cases: [string, unknown, string, string][] = [
    ['days', '2026-01-02', 'days(2026-01-02)', 'days(true)'],
    ['amounts', 1.5, 'amounts(1.5)', "amounts('1.5')"],
    ['flags', true, 'flags(true)', 'flags(1)'],
    ['instants', '2026-01-02T10:00:00Z', 'instants(2026-01-02T10:00:00Z)', 'instants(2026-01-02)'],
    ['times', '10:30:00', 'times(10:30:00)', 'times(10.5)'],
  ];
  for (const [set, key, canonical, wrong] of cases) {
    const created = await c.post(`/${set}`, { k: key });
    t.equal(decodeURIComponent(created.headers.location as string), `http://localhost:80/${canonical}`, `${set}: the key bare in Location`);
    const read = await c.get(new URL(created.headers.location as string).pathname);
    t.equal(read.status, 200, `${set}: the Location reads the entity`);
    t.equal(read.body.k, key);
    assertODataError(t, await c.get(`/${wrong}`), 400, 'BadRequest');
  }
});
