import t from 'tap';
import { assertODataError, startServerWithEdmx, type TapTest } from '../helpers/server.js';

// Values a double cannot hold (OData JSON §7.1, §3.2 IEEE754Compatible) and the control
// information of complex values (JSON Format §4.5.3: @odata.type inside a complex value names
// its type, which may be derived from the declared one), on a model made for the purpose.

const EDMX = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="test.wide" Alias="w" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <ComplexType Name="shape" Abstract="true"><Property Name="label" Type="Edm.String"/></ComplexType>
  <ComplexType Name="circle" BaseType="w.shape"><Property Name="radius" Type="Edm.Int64"/></ComplexType>
  <ComplexType Name="square" BaseType="w.shape"><Property Name="side" Type="Edm.Int32" Nullable="false"/></ComplexType>
  <ComplexType Name="note"><Property Name="text" Type="Edm.String"/></ComplexType>
  <ComplexType Name="signedNote" BaseType="w.note"><Property Name="by" Type="Edm.String"/></ComplexType>
  <EntityType Name="thing">
    <Key><PropertyRef Name="id"/></Key>
    <Property Name="id" Type="Edm.String" Nullable="false"/>
    <Property Name="big" Type="Edm.Int64"/>
    <Property Name="small" Type="Edm.Int32"/>
    <Property Name="amount" Type="Edm.Decimal"/>
    <Property Name="sizes" Type="Collection(Edm.Int64)"/>
    <Property Name="outline" Type="w.shape"/>
    <Property Name="shapes" Type="Collection(w.shape)"/>
    <Property Name="note" Type="w.note"/>
  </EntityType>
  <EntityContainer Name="c"><EntitySet Name="things" EntityType="w.thing"/></EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>`;

const client = (t: TapTest) => startServerWithEdmx(t, EDMX);

t.test('Int64 values beyond 2^53 keep every digit (OData JSON §7.1)', async (t) => {
  const c = await client(t);
  const created = await c.request('POST', '/things', '{"id":"a","big":9007199254740993,"sizes":[9223372036854775807,-9223372036854775808,1]}');
  t.equal(created.status, 201);
  t.match(created.text, /"big":9007199254740993,/, 'the created entity echoes the exact value');
  t.match(created.text, /"sizes":\[9223372036854775807,-9223372036854775808,1\]/, 'Int64 bounds exactly');
  const read = await c.get("/things('a')");
  t.match(read.text, /"big":9007199254740993,/, 'read back exactly');
  const strings = await c.get("/things('a')", { accept: 'application/json;IEEE754Compatible=true' });
  t.match(strings.text, /"big":"9007199254740993"/, 'IEEE754Compatible=true writes Int64 as a string with every digit');
  t.match(strings.text, /"sizes":\["9223372036854775807","-9223372036854775808","1"\]/);
  const property = await c.get("/things('a')/big");
  t.match(property.text, /"value":9007199254740993}/, 'the property path too');
  const patched = await c.request('PATCH', "/things('a')", '{"big":-9007199254740995}', { prefer: 'return=representation' });
  t.match(patched.text, /"big":-9007199254740995,/, 'PATCH keeps the digits');
});

t.test('numbers out of their Edm range are 400s naming the property', async (t) => {
  const c = await client(t);
  const beyond = await c.request('POST', '/things', '{"id":"b","big":9223372036854775808}');
  assertODataError(t, beyond, 400, 'BadRequest');
  t.equal(beyond.body.error.target, 'big');
  t.match(beyond.body.error.message, /9223372036854775808 is out of the range of 'Edm\.Int64'/);
  const below = await c.request('POST', '/things', '{"id":"b","big":-9223372036854775809}');
  assertODataError(t, below, 400, 'BadRequest');
  const int32 = await c.request('POST', '/things', '{"id":"b","small":12345678901234567}');
  assertODataError(t, int32, 400, 'BadRequest');
  t.match(int32.body.error.message, /out of the range of 'Edm\.Int32'/);
  const inCollection = await c.request('POST', '/things', '{"id":"b","sizes":[1,92233720368547758070]}');
  assertODataError(t, inCollection, 400, 'BadRequest');
  t.equal(inCollection.body.error.target, 'sizes/1');
  const exponent = await c.request('POST', '/things', '{"id":"b","big":1e19}');
  assertODataError(t, exponent, 400, 'BadRequest');
  t.equal((await c.get("/things('b')")).status, 404, 'nothing was stored');
  const inString = await c.request('POST', '/things', '{"id":"12345678901234567890"}');
  t.equal(inString.status, 201, 'long digit runs inside strings are left alone');
  t.equal(inString.body.id, '12345678901234567890');
});

t.test('IEEE754Compatible=true in the Content-Type: Int64 and Decimal may be strings (JSON Format §3.2)', async (t) => {
  const c = await client(t);
  const ieee = { 'content-type': 'application/json;IEEE754Compatible=true' };
  const created = await c.request('POST', '/things', '{"id":"s","big":"9007199254740993","amount":"12.5","sizes":["1","2"]}', ieee);
  t.equal(created.status, 201);
  t.match(created.text, /"big":9007199254740993,"small":null,"amount":12.5,"sizes":\[1,2\]/);
  const notANumber = await c.request('POST', '/things', '{"id":"t","big":"12x"}', ieee);
  assertODataError(t, notANumber, 400, 'BadRequest');
  t.equal(notANumber.body.error.target, 'big');
  const tooBig = await c.request('POST', '/things', '{"id":"t","big":"9223372036854775808"}', ieee);
  assertODataError(t, tooBig, 400, 'BadRequest');
  // Without the parameter a string is not an Int64, as Graph's services answer.
  const plain = await c.request('POST', '/things', '{"id":"t","big":"5"}');
  assertODataError(t, plain, 400, 'BadRequest');
  t.match(plain.body.error.message, /Cannot convert the literal '5' to the expected type 'Edm\.Int64'/);
});

t.test('a complex value may name its type, in any accepted form, and a derived one (JSON Format §4.5.3)', async (t) => {
  const c = await client(t);
  const created = await c.post('/things', {
    id: 'c1',
    note: { '@odata.type': '#w.note', text: 'hello', 'text@odata.type': '#String' },
    outline: { '@odata.type': 'test.wide.circle', label: 'round', radius: 3 },
    shapes: [{ '@odata.type': '#test.wide.square', side: 2 }, { '@odata.type': '#w.circle', radius: 1 }],
  });
  t.equal(created.status, 201);
  t.same(created.body.note, { '@odata.type': '#test.wide.note', text: 'hello' }, 'the canonical name, other annotations dropped');
  t.same(created.body.outline, { '@odata.type': '#test.wide.circle', label: 'round', radius: 3 }, 'stored and returned as the derived type');
  t.same(created.body.shapes.map((s: { '@odata.type': string }) => s['@odata.type']), ['#test.wide.square', '#test.wide.circle']);
  const derivedNote = await c.post('/things', { id: 'c2', note: { '@odata.type': '#test.wide.signedNote', text: 'x', by: 'Megan' } });
  t.equal(derivedNote.status, 201, 'a concrete base type takes its derived types too');
  t.equal(derivedNote.body.note.by, 'Megan');
  const read = await c.get("/things('c1')");
  t.same(read.body.outline, created.body.outline, 'read back as stored');
});

t.test('complex values of the wrong type are 400s naming the value and the types allowed', async (t) => {
  const c = await client(t);
  const unrelated = await c.post('/things', { id: 'x', outline: { '@odata.type': '#test.wide.note', text: 'x' } });
  assertODataError(t, unrelated, 400, 'BadRequest');
  t.equal(unrelated.body.error.target, 'outline/@odata.type');
  t.match(unrelated.body.error.message, /'#test\.wide\.note' cannot be used for 'outline', declared as 'test\.wide\.shape'\. Allowed types: #test\.wide\.circle, #test\.wide\.square/);
  const abstract = await c.post('/things', { id: 'x', outline: { label: 'which?' } });
  assertODataError(t, abstract, 400, 'BadRequest');
  t.equal(abstract.body.error.target, 'outline/@odata.type');
  t.match(abstract.body.error.message, /'test\.wide\.shape' is abstract/);
  const derivedOnly = await c.post('/things', { id: 'x', note: { text: 'x', by: 'Megan' } });
  assertODataError(t, derivedOnly, 400, 'BadRequest');
  t.equal(derivedOnly.body.error.target, 'note/by', 'a derived property needs the derived type named');
  const wrongInDerived = await c.post('/things', { id: 'x', shapes: [{ '@odata.type': '#test.wide.square', side: 'two' }] });
  assertODataError(t, wrongInDerived, 400, 'BadRequest');
  t.equal(wrongInDerived.body.error.target, 'shapes/0/side');
  t.match(wrongInDerived.body.error.message, /'Edm\.Int32'/, 'the derived type\'s property is the one checked');
  t.equal((await c.get("/things('x')")).status, 404, 'nothing was stored');
});
