import { writeFile } from 'node:fs/promises';
import t from 'tap';
import { parseEdmxWithDiagnostics } from '../../src/edm/build-model.js';
import { assertODataError, startServer, type TapTest } from '../helpers/server.js';

// Omitted properties on create, and Edm value rules, on a model built for the purpose and served
// with --metadata semantics (generated in memory, validators compiled in-process).

const EDMX = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="test.values" Alias="v" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EnumType Name="level"><Member Name="low" Value="1"/><Member Name="high" Value="2"/></EnumType>
  <EnumType Name="colour"><Member Name="red" Value="1"/><Member Name="none" Value="0"/></EnumType>
  <EnumType Name="days" IsFlags="true"><Member Name="mon" Value="1"/><Member Name="tue" Value="2"/><Member Name="wed" Value="4"/></EnumType>
  <ComplexType Name="point"><Property Name="x" Type="Edm.Int32" Nullable="false"/><Property Name="label" Type="Edm.String"/></ComplexType>
  <EntityType Name="sample">
    <Key><PropertyRef Name="id"/></Key>
    <Property Name="id" Type="Edm.String" Nullable="false"/>
    <Property Name="count" Type="Edm.Int32" Nullable="false" DefaultValue="7"/>
    <Property Name="enabled" Type="Edm.Boolean" Nullable="false" DefaultValue="true"/>
    <Property Name="name" Type="Edm.String" Nullable="false" DefaultValue="unnamed"/>
    <Property Name="plainCount" Type="Edm.Int64" Nullable="false"/>
    <Property Name="flag" Type="Edm.Boolean" Nullable="false"/>
    <Property Name="text" Type="Edm.String" Nullable="false"/>
    <Property Name="when" Type="Edm.DateTimeOffset" Nullable="false"/>
    <Property Name="day" Type="Edm.Date" Nullable="false"/>
    <Property Name="time" Type="Edm.TimeOfDay" Nullable="false"/>
    <Property Name="span" Type="Edm.Duration" Nullable="false"/>
    <Property Name="uid" Type="Edm.Guid" Nullable="false"/>
    <Property Name="level" Type="v.level" Nullable="false"/>
    <Property Name="colour" Type="v.colour" Nullable="false"/>
    <Property Name="schedule" Type="v.days" Nullable="false"/>
    <Property Name="origin" Type="v.point" Nullable="false"/>
    <Property Name="tags" Type="Collection(Edm.String)" Nullable="false"/>
    <Property Name="note" Type="Edm.String"/>
    <Property Name="ratio" Type="Edm.Double"/>
    <Property Name="small" Type="Edm.Byte"/>
    <Property Name="code" Type="Edm.String" MaxLength="3"/>
  </EntityType>
  <EntityType Name="bag" OpenType="true">
    <Key><PropertyRef Name="id"/></Key>
    <Property Name="id" Type="Edm.String" Nullable="false"/>
  </EntityType>
  <EntityContainer Name="c"><EntitySet Name="samples" EntityType="v.sample"/><EntitySet Name="bags" EntityType="v.bag"/></EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>`;

async function serve(t: TapTest) {
  const dir = t.testdir();
  await writeFile(`${dir}/values.xml`, EDMX);
  return startServer(t, { services: [{ prefix: '/svc', metadataFile: `${dir}/values.xml` }] });
}

t.test('omitted properties: DefaultValue, else the zero value of their type, else null', async (t) => {
  const client = await serve(t);
  const created = await client.post('/svc/samples', {});
  t.equal(created.status, 201);
  t.match(created.body['@odata.etag'], /^W\/"\d+-1"$/, 'a weak ETag');
  t.same({ ...created.body, id: undefined, '@odata.etag': undefined }, {
    '@odata.context': 'http://localhost:80/svc/$metadata#samples/$entity',
    '@odata.type': '#test.values.sample',
    '@odata.etag': undefined,
    id: undefined,
    count: 7,
    enabled: true,
    name: 'unnamed',
    plainCount: 0,
    flag: false,
    text: '',
    when: '0001-01-01T00:00:00Z',
    day: '0001-01-01',
    time: '00:00:00',
    span: 'PT0S',
    uid: '00000000-0000-0000-0000-000000000000',
    level: 'low', // no member with value 0: the first
    colour: 'none', // the member with value 0
    schedule: 'mon',
    origin: { x: 0, label: null },
    tags: [],
    note: null,
    ratio: null,
    small: null,
    code: null,
  });
});

t.test('Edm values follow OData JSON rules', async (t) => {
  const client = await serve(t);
  const valid: Record<string, unknown>[] = [
    { when: '2024-02-29T23:59:59.1234567-08:00' }, { day: '2026-12-31' }, { time: '23:59:59.5' }, { span: 'P1DT2H3M4.5S' },
    { uid: 'DEADBEEF-0000-4000-8000-00000000ABCD' }, { schedule: 'mon,wed' }, { ratio: 'NaN' }, { ratio: '-INF' }, { ratio: 1.5e300 },
    { small: 255 }, { code: 'abc' }, { tags: ['a', 'b'] }, { origin: { x: 1 } },
  ];
  for (const body of valid) t.equal((await client.post('/svc/samples', body)).status, 201, `accepts ${JSON.stringify(body)}`);
  const invalid: [Record<string, unknown>, string][] = [
    [{ when: '2026-02-30T00:00:00Z' }, 'when'], [{ when: '2026-04-31T00:00:00Z' }, 'when'], [{ when: '2026-01-01T24:00:00Z' }, 'when'],
    [{ when: '2026-01-01' }, 'when'], [{ day: '2026-1-1' }, 'day'], [{ time: '25:00:00' }, 'time'], [{ span: 'PT' }, 'span'],
    [{ span: '1 day' }, 'span'], [{ uid: 'not-a-guid' }, 'uid'], [{ schedule: 'mon,fri' }, 'schedule'], [{ schedule: 'mon, tue' }, 'schedule'],
    [{ ratio: 'Infinity' }, 'ratio'], [{ small: 256 }, 'small'], [{ small: -1 }, 'small'], [{ code: 'abcd' }, 'code'],
    [{ tags: [1] }, 'tags/0'], [{ tags: 'a' }, 'tags'], [{ tags: null }, 'tags'], [{ tags: [null] }, 'tags/0'],
    [{ origin: null }, 'origin'], [{ origin: { x: null } }, 'origin/x'], [{ origin: { x: 1, y: 2 } }, 'origin/y'],
    [{ enabled: 'true' }, 'enabled'], [{ plainCount: 1.5 }, 'plainCount'],
  ];
  for (const [body, target] of invalid) {
    const response = await client.post('/svc/samples', body);
    assertODataError(t, response, 400, 'BadRequest');
    t.equal(response.body.error.details[0]?.target, target, `rejects ${JSON.stringify(body)} at ${target}`);
  }
});

t.test('open types accept dynamic properties and keep them', async (t) => {
  const client = await serve(t);
  const created = await client.post('/svc/bags', { id: 'b1', anything: { nested: [1, 'two'] }, more: true });
  t.equal(created.status, 201);
  t.same({ ...(await client.get('/svc/bags/b1')).body, '@odata.etag': undefined }, {
    '@odata.context': 'http://localhost:80/svc/$metadata#bags/$entity', '@odata.type': '#test.values.bag', '@odata.etag': undefined, id: 'b1', anything: { nested: [1, 'two'] }, more: true,
  });
  t.equal((await client.patch('/svc/bags/b1', { more: false, extra: 1 })).status, 204);
  t.match((await client.get('/svc/bags/b1')).body, { more: false, extra: 1 });
});

t.test('a binding whose target is not in the container is a metadata warning, and is left out', async (t) => {
  const broken = EDMX.replace('<EntitySet Name="bags" EntityType="v.bag"/>', '<EntitySet Name="bags" EntityType="v.bag"><NavigationPropertyBinding Path="x" Target="nowhere"/></EntitySet>');
  const { model, diagnostics } = parseEdmxWithDiagnostics(broken, 'b.xml');
  t.same(model.container.entitySets.bags?.navigationBindings, []);
  t.match(diagnostics, [{ severity: 'warning', element: "NavigationPropertyBinding 'x' of EntitySet 'bags'", problem: /target 'nowhere' is not an entity set or singleton/ }]);
});

t.test('$filter on collections, complex properties and flags: any/all, paths, has', async (t) => {
  const client = await serve(t);
  const rows = [
    { id: 's1', tags: ['red', 'blue'], schedule: 'mon,wed', origin: { x: 1, label: 'home' }, uid: '00000000-0000-4000-8000-000000000001', span: 'PT1H' },
    { id: 's2', tags: ['blue'], schedule: 'tue', origin: { x: 5 }, uid: '00000000-0000-4000-8000-000000000002', span: 'P1D' },
    { id: 's3', tags: [], schedule: 'mon', origin: { x: -2, label: 'away' }, span: 'PT30M' },
  ];
  for (const row of rows) t.equal((await client.post('/svc/samples', row)).status, 201);
  const ids = async (filter: string) => {
    const response = await client.get(`/svc/samples?$filter=${encodeURIComponent(filter)}&$select=id`);
    t.equal(response.status, 200, filter);
    return response.body.value.map((e: { id: string }) => e.id);
  };
  t.same(await ids("tags/any(t: t eq 'red')"), ['s1']);
  t.same(await ids("tags/all(t: t eq 'blue')"), ['s2', 's3'], 'all() is true for an empty collection');
  t.same(await ids('tags/any()'), ['s1', 's2']);
  t.same(await ids("tags/any(t: startswith(t, 'bl')) and origin/x gt 0"), ['s1', 's2']);
  t.same(await ids("origin/label eq null"), ['s2']);
  t.same(await ids("schedule has test.values.days'mon'"), ['s1', 's3']);
  t.same(await ids("schedule has v.days'wed'"), ['s1']);
  t.same(await ids('uid eq 00000000-0000-4000-8000-000000000002'), ['s2']);
  t.same(await ids("span gt duration'PT45M'"), ['s1', 's2'], 'durations compare by length');
  t.same(await ids("level eq 'low'"), ['s1', 's2', 's3']);
  for (const bad of ["tags eq 'red'", "tags/any(t: t eq 1)", "origin/nope eq 1", "schedule has 'mon'", "tags/any(t: u eq 'x')", "name/any(t: true)"]) {
    const response = await client.get(`/svc/samples?$filter=${encodeURIComponent(bad)}`);
    assertODataError(t, response, 400, 'BadRequest');
  }
});
