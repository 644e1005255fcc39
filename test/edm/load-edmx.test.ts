import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { checkEdmxFile, loadEdmx, parseEdmx, parseEdmxWithDiagnostics } from '../../src/edm/build-model.js';
import { writeEdmx } from '../../src/edm/write-edmx.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { startServer } from '../helpers/server.js';

// Models spread over files, tolerated defects and property annotations, as loadEdmx builds them.

const SHOP = path.join(REPO_ROOT, 'test', 'models', 'references', 'shop.xml');
const TOLERATED = path.join(REPO_ROOT, 'test', 'models', 'tolerated.xml');
const V = 'Org.OData.Validation.V1';

t.test('a model over two files: the referenced schema joins, the main container is served', async (t) => {
  const { model, diagnostics } = loadEdmx(SHOP);
  t.same(model.namespaces, ['Example.Shop', 'Example.Catalog']);
  t.same(Object.keys(model.container.entitySets), ['Orders', 'Products'], "the main document's container, not catalog.xml's");
  t.equal(model.container.entitySets.Products?.entityType, 'Example.Catalog.Product', 'the Include alias Cat resolves');
  const order = model.entityTypes['Example.Shop.Order'];
  t.match(order?.properties.find((p) => p.name === 'Colour'), { type: 'Example.Catalog.Colour', typeKind: 'enum' });
  // catalog.xml's own alias "Shop" means Example.Catalog there, though it means Example.Shop here.
  t.match(model.entityTypes['Example.Catalog.Product']?.properties.find((p) => p.name === 'Colour'), { type: 'Example.Catalog.Colour' });
  t.match(model.entityTypes['Example.Catalog.Product']?.navigationProperties[0], { name: 'Orders', type: 'Example.Shop.Order', collection: true }, 'the reference back (a cycle) resolves');
  t.same(model.aliases, { Cat: 'Example.Catalog', Shop: 'Example.Shop' }, 'vocabulary aliases are not type aliases');
  t.same(diagnostics.map((d) => [d.severity, d.element, path.basename(d.source ?? '')]), [
    ['warning', "Annotations 'Shop.Order/Discount' in Schema 'Example.Shop'", 'shop.xml'],
  ], 'vocabulary references need no file; the only warning is the dangling annotation target');
});

t.test('property annotations: inline and external, aliases resolved, values typed', async (t) => {
  const { model } = loadEdmx(SHOP);
  const property = (type: string, name: string) => [...Object.values(model.entityTypes)].find((e) => e.qualifiedName === type)?.properties.find((p) => p.name === name);
  t.same(property('Example.Shop.Order', 'Number')?.annotations, { 'Org.OData.Core.V1.Computed': true }, 'a bare tag is true');
  t.same(property('Example.Shop.Order', 'Reference')?.annotations, {
    [`${V}.Pattern`]: '^[A-Z]{2}-[0-9]+$',
  }, 'attribute and element notation, through the Include alias Check; a description is not kept');
  t.same(property('Example.Shop.Order', 'Quantity')?.annotations, {
    [`${V}.Minimum`]: 0, [`${V}.Minimum@${V}.Exclusive`]: true, [`${V}.Maximum`]: 99.5,
  }, 'Exclusive kept beside its Minimum; terms edmock does not use are left out');
  t.same(property('Example.Catalog.Product', 'Size')?.annotations, { [`${V}.AllowedValues`]: [{ Value: 'S' }, { Value: 'M' }] }, 'a collection of records, in the referenced file');
  t.equal(property('Example.Shop.Order', 'Colour')?.annotations, undefined, 'no annotations, no field');
  t.same(parseEdmx(writeEdmx(model)).entityTypes['Example.Shop.Order']?.properties, model.entityTypes['Example.Shop.Order']?.properties, 'written back and read again, the same annotations');
});

t.test('tolerated: a float key, a missing reference, unknown markup and a dangling target are warnings', async (t) => {
  const { model, diagnostics } = loadEdmx(TOLERATED);
  const sample = model.entityTypes['Example.Lab.Sample'];
  t.same(sample?.keyProperties, [{ name: 'Weight', path: ['Weight'], type: 'Edm.Single', typeKind: 'primitive' }], 'keyed on its Edm.Single');
  t.same(sample?.properties.map((p) => p.name), ['Weight', 'Label'], 'the property typed in the missing file is left out, the rest served');
  t.same(sample?.navigationProperties, []);
  t.same(Object.keys(model.container.entitySets), ['Samples']);
  t.same(model.operations, [], 'the function with a parameter of the missing type is left out');
  t.ok(diagnostics.every((d) => d.severity === 'warning' && d.source === TOLERATED), 'all warnings, all located in the file');
  const lines = diagnostics.map((d) => `${d.element}: ${d.problem}`);
  for (const expected of [
    /^edmx:Reference 'units\.xml': file 'units\.xml' not found/,
    /^Property 'Weight' of EntityType 'Example\.Lab\.Sample': unknown attribute 'label' ignored$/,
    /^EntityType 'Example\.Lab\.Sample': unknown element 'Remark' ignored$/,
    /^Property 'Unit' of EntityType 'Example\.Lab\.Sample': left out: its type 'Units\.Unit' is in namespace 'Example\.Units', which is not loaded$/,
    /^NavigationProperty 'Calibration' of EntityType 'Example\.Lab\.Sample': left out/,
    /^Function 'Example\.Lab\.Convert': left out: parameter 'to'/,
    /^EntitySet 'Calibrations': left out/,
    /^EntityType 'Example\.Lab\.Sample': key property 'Weight' has the floating-point type 'Edm\.Single'/,
    /^Annotations 'Example\.Lab\.Missing' in Schema 'Example\.Lab': the target names no element/,
  ]) t.ok(lines.some((line) => expected.test(line)), `diagnostic ${expected}`);
  t.equal(lines.length, 9, 'nothing else');
});

t.test('text without its file: references are not loaded, and parseEdmx answers as before', async (t) => {
  const xml = readFileSync(SHOP, 'utf8');
  const { model, diagnostics } = parseEdmxWithDiagnostics(xml);
  t.ok(diagnostics.some((d) => /not loaded: the document was given as text/.test(d.problem)), 'says why the reference is unavailable');
  t.same(Object.keys(model.container.entitySets), ['Orders'], 'what needs the referenced types is left out');
  t.throws(() => parseEdmx('<root/>'), { name: 'EdmError' });
});

t.test('a fatal error is the last diagnostic, after the warnings before it, with its file', async (t) => {
  const dir = t.testdir();
  const file = path.join(dir, 'broken.xml');
  await writeFile(file, `<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:Reference Uri="gone.xml"><edmx:Include Namespace="Gone"/></edmx:Reference><edmx:DataServices>
<Schema Namespace="n" xmlns="http://docs.oasis-open.org/odata/ns/edm"><EntityType Name="e"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String"/></EntityType>
<EntityContainer Name="c"><EntitySet Name="es" EntityType="n.e"/></EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`);
  const diagnostics = checkEdmxFile(file);
  t.same(diagnostics.map((d) => d.severity), ['warning', 'error']);
  t.match(diagnostics[1], { element: "EntityType 'n.e'", problem: "key property 'id' must have Nullable=\"false\"", source: file });
  t.throws(() => loadEdmx(file), { name: 'EdmError', message: /broken\.xml: EntityType 'n\.e': key property 'id' must have Nullable/ });
});

t.test('a server on the two-file model answers for an entity set typed in the referenced file', async (t) => {
  const client = await startServer(t, { services: [{ prefix: '', metadataFile: SHOP }], fixtures: false });
  const created = await client.post('/Products', { Code: 'P1', Size: 'S', Colour: 'Red' });
  t.equal(created.status, 201);
  const read = await client.get("/Products('P1')");
  t.equal(read.status, 200);
  t.match(read.body, { '@odata.context': /\$metadata#Products\/\$entity$/, Code: 'P1', Colour: 'Red' });
  t.equal((await client.get('/Products')).body.value.length, 1);
  const metadata = await client.get('/$metadata');
  t.match(metadata.text, /<edmx:Reference Uri="catalog\.xml">/, '$metadata serves the main document as written');
  t.notMatch(metadata.text, /EntityType Name="Product"/);
});

t.test("two files binding into each other's containers: each serves, the bindings it cannot follow are warnings", async (t) => {
  const rooms = loadEdmx(path.join(REPO_ROOT, 'test', 'models', 'references', 'rooms.xml'));
  t.same(rooms.model.container.entitySets.Rooms?.navigationBindings, [], "the other container's set and the dangling 'Wing' are left out");
  t.same(rooms.model.container.entitySets.Wings?.navigationBindings, [{ path: 'Rooms', target: 'Rooms.RoomService/Rooms' }], 'its own container, alias-qualified, is kept');
  t.same(rooms.diagnostics.map((d) => [d.severity, d.element, d.problem]), [
    ['warning', "NavigationPropertyBinding 'Guests' of EntitySet 'Rooms'", "left out: target 'Example.Guests.GuestService/Guests' is in EntityContainer 'Example.Guests.GuestService', and only 'RoomService' is served"],
    ['warning', "NavigationPropertyBinding 'Wing' of EntitySet 'Rooms'", "left out: target 'Wing' is not an entity set or singleton of EntityContainer 'RoomService'"],
  ]);
  const guests = loadEdmx(path.join(REPO_ROOT, 'test', 'models', 'references', 'guests.xml'));
  t.same(Object.keys(guests.model.container.entitySets), ['Guests'], "guests.xml serves its own container, not rooms.xml's");
  t.same(guests.diagnostics.map((d) => d.element), ["NavigationPropertyBinding 'Room' of EntitySet 'Guests'"]);
});

t.test('a server on a file binding into another container follows the navigation all the same', async (t) => {
  const client = await startServer(t, { services: [{ prefix: '', metadataFile: path.join(REPO_ROOT, 'test', 'models', 'references', 'rooms.xml') }], fixtures: false });
  t.equal((await client.post('/Rooms', { Number: 101, Beds: 2 })).status, 201);
  const guests = await client.get('/Rooms(101)/Guests');
  t.equal(guests.status, 200);
  t.same(guests.body.value, [], 'no guests yet');
  t.match(guests.body['@odata.context'], /\$metadata#Rooms\(101\)\/Guests$/);
});
