import t from 'tap';
import { parseEdmx } from '../../../src/edm/build-model.js';
import { diffModels } from '../../../src/edm/diff/diff-models.js';
import { edited, SHOP } from './shop-model.js';

// One edit of a small model per case, and the change(s) the differ reports for it: class, rule,
// path and message, and nothing else. Where the reverse edit is the opposite change, it is
// checked too (a property added one way is removed the other).

type Expected = [cls: string, rule: string, path: string, message: string][];
interface Case { from: string; to: string; expect: Expected; reverse?: Expected }

const I = 'Test.Shop.Item';
const RESTOCK = 'Test.Shop.Restock on Test.Shop.Item';

const CASES: Record<string, Case> = {
  'schema added / removed': {
    from: '</edmx:DataServices>', to: '<Schema Namespace="Test.Extra" xmlns="http://docs.oasis-open.org/odata/ns/edm"/></edmx:DataServices>',
    expect: [['compatible', 'schema-added', 'Test.Extra', 'schema added']],
    reverse: [['breaking', 'schema-removed', 'Test.Extra', 'schema removed']],
  },
  'complex type added / removed': {
    from: '<ComplexType Name="Place"/>', to: '<ComplexType Name="Place"/><ComplexType Name="Dim"/>',
    expect: [['compatible', 'type-added', 'Test.Shop.Dim', 'complex type added']],
    reverse: [['breaking', 'type-removed', 'Test.Shop.Dim', 'complex type removed']],
  },
  'complex type becomes an entity type': {
    from: '<ComplexType Name="Note"><Property Name="Text" Type="Edm.String" Nullable="false"/></ComplexType>',
    to: '<EntityType Name="Note"><Key><PropertyRef Name="Text"/></Key><Property Name="Text" Type="Edm.String" Nullable="false"/></EntityType>',
    expect: [['breaking', 'type-kind-changed', 'Test.Shop.Note', 'complex type -> entity type']],
  },
  'base type dropped': {
    from: '<ComplexType Name="Office" BaseType="S.Place"/>', to: '<ComplexType Name="Office"/>',
    expect: [['breaking', 'base-type-changed', 'Test.Shop.Office', 'base type Test.Shop.Place -> (none)']],
  },
  'abstract set / cleared': {
    from: '<ComplexType Name="Place"/>', to: '<ComplexType Name="Place" Abstract="true"/>',
    expect: [['breaking', 'abstract-set', 'Test.Shop.Place', 'Abstract false -> true']],
    reverse: [['compatible', 'abstract-cleared', 'Test.Shop.Place', 'Abstract true -> false']],
  },
  'open set / cleared': {
    from: '<ComplexType Name="Address">', to: '<ComplexType Name="Address" OpenType="true">',
    expect: [['compatible', 'open-set', 'Test.Shop.Address', 'OpenType false -> true']],
    reverse: [['breaking', 'open-cleared', 'Test.Shop.Address', 'OpenType true -> false']],
  },
  'key moved to another property': {
    from: '<Key><PropertyRef Name="Id"/></Key>\n    <Property Name="Id" Type="Edm.String"', to: '<Key><PropertyRef Name="Serial"/></Key>\n    <Property Name="Id" Type="Edm.String"',
    expect: [['breaking', 'key-changed', 'Test.Shop.Part', 'key (Id: Edm.String) -> (Serial: Edm.Int32)']],
  },
  "a base type's key property retyped: reported on the base type only": {
    from: '<Property Name="Id" Type="Edm.Int32" Nullable="false"/>\n    <Property Name="Name"', to: '<Property Name="Id" Type="Edm.Int64" Nullable="false"/>\n    <Property Name="Name"',
    expect: [
      ['breaking', 'key-changed', I, 'key (Id: Edm.Int32) -> (Id: Edm.Int64)'],
      ['breaking', 'property-type-changed', `${I}/Id`, 'type Edm.Int32 -> Edm.Int64'],
    ],
  },
  'property removed / added (inherited by Gadget: reported once)': {
    from: '<Property Name="Name" Type="Edm.String" MaxLength="100"/>', to: '',
    expect: [['breaking', 'property-removed', `${I}/Name`, 'removed (Edm.String)']],
    reverse: [['compatible', 'property-added', `${I}/Name`, 'added (Edm.String)']],
  },
  'required property added / removed': {
    from: '<Property Name="Serial" Type="Edm.Int32" Nullable="false"/>', to: '<Property Name="Serial" Type="Edm.Int32" Nullable="false"/><Property Name="Sku" Type="Edm.String" Nullable="false"/>',
    expect: [['breaking', 'property-added-required', 'Test.Shop.Part/Sku', 'added (Edm.String, Nullable=false, no default)']],
    reverse: [['breaking', 'property-removed', 'Test.Shop.Part/Sku', 'removed (Edm.String)']],
  },
  'property type changed': {
    from: '<Property Name="Stock" Type="Edm.Int32"', to: '<Property Name="Stock" Type="Edm.Int64"',
    expect: [['breaking', 'property-type-changed', `${I}/Stock`, 'type Edm.Int32 -> Edm.Int64']],
  },
  'collection becomes single': {
    from: 'Type="Collection(Edm.String)"', to: 'Type="Edm.String"',
    expect: [['breaking', 'property-collection-changed', `${I}/Tags`, 'Collection(Edm.String) -> Edm.String']],
  },
  'property nullable tightened / relaxed': {
    from: '<Property Name="Name" Type="Edm.String"', to: '<Property Name="Name" Nullable="false" Type="Edm.String"',
    expect: [['breaking', 'property-nullable-tightened', `${I}/Name`, 'Nullable true -> false']],
    reverse: [['compatible', 'property-nullable-relaxed', `${I}/Name`, 'Nullable false -> true']],
  },
  'MaxLength lowered / raised': {
    from: 'MaxLength="100"', to: 'MaxLength="50"',
    expect: [['breaking', 'property-max-length-lowered', `${I}/Name`, 'MaxLength 100 -> 50']],
    reverse: [['compatible', 'property-max-length-raised', `${I}/Name`, 'MaxLength 50 -> 100']],
  },
  'MaxLength dropped / added': {
    from: ' MaxLength="40"', to: '',
    expect: [['compatible', 'property-max-length-raised', 'Test.Shop.Address/City', 'MaxLength 40 -> (none)']],
    reverse: [['breaking', 'property-max-length-lowered', 'Test.Shop.Address/City', 'MaxLength (none) -> 40']],
  },
  'Precision lowered / raised': {
    from: 'Precision="10"', to: 'Precision="8"',
    expect: [['breaking', 'property-precision-lowered', `${I}/Price`, 'Precision 10 -> 8']],
    reverse: [['compatible', 'property-precision-raised', `${I}/Price`, 'Precision 8 -> 10']],
  },
  'Scale raised / lowered': {
    from: 'Scale="2"', to: 'Scale="4"',
    expect: [['compatible', 'property-scale-raised', `${I}/Price`, 'Scale 2 -> 4']],
    reverse: [['breaking', 'property-scale-lowered', `${I}/Price`, 'Scale 4 -> 2']],
  },
  'Scale to variable': {
    from: 'Scale="2"', to: 'Scale="variable"',
    expect: [['compatible', 'property-scale-raised', `${I}/Price`, 'Scale 2 -> variable']],
  },
  'DefaultValue changed': {
    from: 'DefaultValue="0"', to: 'DefaultValue="1"',
    expect: [['compatible', 'property-default-changed', `${I}/Stock`, 'DefaultValue 0 -> 1']],
  },
  'DefaultValue of a non-nullable property dropped / added': {
    from: ' DefaultValue="0"', to: '',
    expect: [['breaking', 'property-default-dropped-required', `${I}/Stock`, 'DefaultValue 0 -> (none)']],
    reverse: [['compatible', 'property-default-changed', `${I}/Stock`, 'DefaultValue (none) -> 0']],
  },
  'navigation property removed / added': {
    from: '<NavigationProperty Name="Spares" Type="Collection(S.Part)"/>', to: '',
    expect: [['breaking', 'navigation-removed', `${I}/Spares`, 'removed (Collection(Test.Shop.Part))']],
    reverse: [['compatible', 'navigation-added', `${I}/Spares`, 'added (Collection(Test.Shop.Part))']],
  },
  'navigation type changed': {
    from: 'Name="Spares" Type="Collection(S.Part)"', to: 'Name="Spares" Type="Collection(S.Maker)"',
    expect: [['breaking', 'navigation-type-changed', `${I}/Spares`, 'type Test.Shop.Part -> Test.Shop.Maker']],
  },
  'navigation collection becomes single': {
    from: 'Name="Spares" Type="Collection(S.Part)"', to: 'Name="Spares" Type="S.Part"',
    expect: [['breaking', 'navigation-collection-changed', `${I}/Spares`, 'Collection(Test.Shop.Part) -> Test.Shop.Part']],
  },
  'containment dropped': {
    from: ' ContainsTarget="true"', to: '',
    expect: [['breaking', 'navigation-containment-changed', `${I}/Parts`, 'ContainsTarget true -> false']],
  },
  'navigation nullable tightened / relaxed': {
    from: '<NavigationProperty Name="Maker" Type="S.Maker"/>', to: '<NavigationProperty Name="Maker" Type="S.Maker" Nullable="false"/>',
    expect: [['breaking', 'navigation-nullable-tightened', `${I}/Maker`, 'Nullable true -> false']],
    reverse: [['compatible', 'navigation-nullable-relaxed', `${I}/Maker`, 'Nullable false -> true']],
  },
  'enum type added / removed': {
    from: '<ComplexType Name="Place"/>', to: '<ComplexType Name="Place"/><EnumType Name="Size"><Member Name="Small"/></EnumType>',
    expect: [['compatible', 'type-added', 'Test.Shop.Size', 'enum type added (1 members)']],
    reverse: [['breaking', 'type-removed', 'Test.Shop.Size', 'enum type removed (1 members)']],
  },
  'enum member removed / added': {
    from: '<Member Name="Green" Value="1"/>', to: '',
    expect: [['breaking', 'enum-member-removed', 'Test.Shop.Colour/Green', 'member removed (value 1)']],
    reverse: [['compatible', 'enum-member-added', 'Test.Shop.Colour/Green', 'member added (value 1)']],
  },
  'enum member renumbered': {
    from: '<Member Name="Green" Value="1"/>', to: '<Member Name="Green" Value="2"/>',
    expect: [['breaking', 'enum-member-renumbered', 'Test.Shop.Colour/Green', 'value 1 -> 2']],
  },
  'IsFlags set / cleared': {
    from: '<EnumType Name="Colour">', to: '<EnumType Name="Colour" IsFlags="true">',
    expect: [['breaking', 'enum-flags-set', 'Test.Shop.Colour', 'IsFlags false -> true']],
    reverse: [['breaking', 'enum-flags-cleared', 'Test.Shop.Colour', 'IsFlags true -> false']],
  },
  'enum underlying type changed': {
    from: '<EnumType Name="Colour">', to: '<EnumType Name="Colour" UnderlyingType="Edm.Int64">',
    expect: [['breaking', 'enum-underlying-changed', 'Test.Shop.Colour', 'UnderlyingType Edm.Int32 -> Edm.Int64']],
  },
  'parameter removed': {
    from: '<Parameter Name="count" Type="Edm.Int32" Nullable="false"/>', to: '',
    expect: [['breaking', 'parameter-removed', RESTOCK, 'parameter count removed']],
  },
  'nullable parameter added': {
    from: '<ReturnType Type="Edm.Int32"/>', to: '<Parameter Name="when" Type="Edm.Date"/><ReturnType Type="Edm.Int32"/>',
    expect: [['compatible', 'parameter-added-optional', RESTOCK, 'parameter when added (Edm.Date, nullable)']],
  },
  'non-nullable parameter added': {
    from: '<ReturnType Type="Edm.Int32"/>', to: '<Parameter Name="urgent" Type="Edm.Boolean" Nullable="false"/><ReturnType Type="Edm.Int32"/>',
    expect: [['breaking', 'parameter-added-required', RESTOCK, 'parameter urgent added (Edm.Boolean, Nullable=false)']],
  },
  'parameter type changed': {
    from: '<Parameter Name="count" Type="Edm.Int32"', to: '<Parameter Name="count" Type="Collection(Edm.Int32)"',
    expect: [['breaking', 'parameter-type-changed', RESTOCK, 'parameter count: type Edm.Int32 -> Collection(Edm.Int32)']],
  },
  'parameter nullable relaxed / tightened': {
    from: '<Parameter Name="count" Type="Edm.Int32" Nullable="false"/>', to: '<Parameter Name="count" Type="Edm.Int32"/>',
    expect: [['compatible', 'parameter-nullable-relaxed', RESTOCK, 'parameter count: Nullable false -> true']],
    reverse: [['breaking', 'parameter-nullable-tightened', RESTOCK, 'parameter count: Nullable true -> false']],
  },
  'parameter MaxLength lowered / raised': {
    from: 'MaxLength="10"', to: 'MaxLength="5"',
    expect: [['breaking', 'parameter-facet-lowered', RESTOCK, 'parameter note: MaxLength 10 -> 5']],
    reverse: [['compatible', 'parameter-facet-raised', RESTOCK, 'parameter note: MaxLength 5 -> 10']],
  },
  'return type changed': {
    from: '<ReturnType Type="Edm.Int32"/>', to: '<ReturnType Type="Edm.Int64"/>',
    expect: [['breaking', 'return-type-changed', RESTOCK, 'return type Edm.Int32 -> Edm.Int64']],
  },
  'return removed / added': {
    from: '<ReturnType Type="Edm.Int32"/>', to: '',
    expect: [['breaking', 'return-removed', RESTOCK, 'no longer returns Edm.Int32']],
    reverse: [['compatible', 'return-added', RESTOCK, 'now returns Edm.Int32']],
  },
  'return nullable tightened / relaxed': {
    from: '<ReturnType Type="Edm.Int32"/>', to: '<ReturnType Type="Edm.Int32" Nullable="false"/>',
    expect: [['compatible', 'return-nullable-tightened', RESTOCK, 'return Nullable true -> false']],
    reverse: [['breaking', 'return-nullable-relaxed', RESTOCK, 'return Nullable false -> true']],
  },
  'composable cleared / set': {
    from: ' IsComposable="true"', to: '',
    expect: [['breaking', 'composable-cleared', 'Test.Shop.Cheapest(limit)', 'IsComposable true -> false']],
    reverse: [['compatible', 'composable-set', 'Test.Shop.Cheapest(limit)', 'IsComposable false -> true']],
  },
  'a function gains a parameter: the same overload changed': {
    from: '<Parameter Name="limit" Type="Edm.Int32"/>', to: '<Parameter Name="limit" Type="Edm.Int32"/><Parameter Name="max" Type="Edm.Decimal"/>',
    expect: [['compatible', 'parameter-added-optional', 'Test.Shop.Cheapest(limit, max)', 'parameter max added (Edm.Decimal, nullable)']],
  },
  'function overload added / removed': {
    from: '<Action Name="Reset"/>', to: '<Function Name="Cheapest"><Parameter Name="colour" Type="S.Colour"/><ReturnType Type="Collection(S.Item)"/></Function><Action Name="Reset"/>',
    expect: [['compatible', 'operation-added', 'Test.Shop.Cheapest(colour)', 'function overload added']],
    reverse: [['breaking', 'operation-removed', 'Test.Shop.Cheapest(colour)', 'function overload removed']],
  },
  'action bound to another type': {
    from: '<Parameter Name="item" Type="S.Item"/>', to: '<Parameter Name="item" Type="S.Part"/>',
    expect: [['breaking', 'operation-binding-changed', 'Test.Shop.Restock on Test.Shop.Part', 'binding Test.Shop.Item -> Test.Shop.Part']],
  },
  'action becomes a function': {
    from: '<Action Name="Ping"/>', to: '<Function Name="Ping"><ReturnType Type="Edm.Boolean"/></Function>',
    expect: [
      ['breaking', 'operation-kind-changed', 'Test.Shop.Ping()', 'action -> function'],
      ['compatible', 'return-added', 'Test.Shop.Ping()', 'now returns Edm.Boolean'],
    ],
  },
  'entity set added / removed': {
    from: '<EntitySet Name="Spares" EntityType="S.Part"/>', to: '<EntitySet Name="Spares" EntityType="S.Part"/><EntitySet Name="Parts2" EntityType="S.Part"/>',
    expect: [['compatible', 'entity-set-added', 'Shop/Parts2', 'entity set added (Test.Shop.Part)']],
    reverse: [['breaking', 'entity-set-removed', 'Shop/Parts2', 'entity set removed (Test.Shop.Part)']],
  },
  'entity set of another type': {
    from: '<EntitySet Name="Spares" EntityType="S.Part"/>', to: '<EntitySet Name="Spares" EntityType="S.Maker"/>',
    expect: [['breaking', 'entity-set-type-changed', 'Shop/Spares', 'entity type Test.Shop.Part -> Test.Shop.Maker']],
  },
  'singleton added / removed': {
    from: '<Singleton Name="Boss" Type="S.Maker"/>', to: '<Singleton Name="Boss" Type="S.Maker"/><Singleton Name="Me" Type="S.Maker"/>',
    expect: [['compatible', 'singleton-added', 'Shop/Me', 'singleton added (Test.Shop.Maker)']],
    reverse: [['breaking', 'singleton-removed', 'Shop/Me', 'singleton removed (Test.Shop.Maker)']],
  },
  'singleton of another type': {
    from: '<Singleton Name="Boss" Type="S.Maker"/>', to: '<Singleton Name="Boss" Type="S.Part"/>',
    expect: [['breaking', 'singleton-type-changed', 'Shop/Boss', 'type Test.Shop.Maker -> Test.Shop.Part']],
  },
  'binding removed / added': {
    from: '<NavigationPropertyBinding Path="Maker" Target="Makers"/>', to: '',
    expect: [['breaking', 'binding-removed', 'Shop/Items/Maker', 'binding removed (target Makers)']],
    reverse: [['compatible', 'binding-added', 'Shop/Items/Maker', 'binding added (target Makers)']],
  },
  'binding retargeted': {
    from: 'Target="Makers"', to: 'Target="OldMakers"',
    expect: [['breaking', 'binding-target-changed', 'Shop/Items/Maker', 'target Makers -> OldMakers']],
  },
  'action import added / removed': {
    from: '<ActionImport Name="Reset" Action="S.Reset"/>', to: '<ActionImport Name="Reset" Action="S.Reset"/><ActionImport Name="PingNow" Action="S.Ping"/>',
    expect: [['compatible', 'action-import-added', 'Shop/PingNow', 'action import added (Test.Shop.Ping)']],
    reverse: [['breaking', 'action-import-removed', 'Shop/PingNow', 'action import removed (Test.Shop.Ping)']],
  },
  'action import retargeted': {
    from: 'Action="S.Reset"', to: 'Action="S.Ping"',
    expect: [['breaking', 'action-import-target-changed', 'Shop/Reset', 'Test.Shop.Reset -> Test.Shop.Ping']],
  },
  'function import added / removed': {
    from: '<FunctionImport Name="Cheapest" Function="S.Cheapest" EntitySet="Items"/>', to: '<FunctionImport Name="Cheapest" Function="S.Cheapest" EntitySet="Items"/><FunctionImport Name="Cheap" Function="S.Cheapest"/>',
    expect: [['compatible', 'function-import-added', 'Shop/Cheap', 'function import added (Test.Shop.Cheapest)']],
    reverse: [['breaking', 'function-import-removed', 'Shop/Cheap', 'function import removed (Test.Shop.Cheapest)']],
  },
  'function import without its entity set': {
    from: ' EntitySet="Items"/>', to: '/>',
    expect: [['breaking', 'function-import-target-changed', 'Shop/Cheapest', 'Test.Shop.Cheapest, entity set Items -> Test.Shop.Cheapest']],
  },
  'function import listed in the service document': {
    from: ' EntitySet="Items"/>', to: ' EntitySet="Items" IncludeInServiceDocument="true"/>',
    expect: [['compatible', 'function-import-listing-changed', 'Shop/Cheapest', 'IncludeInServiceDocument false -> true']],
  },
  'annotation changed': {
    from: 'String="^[A-Z]+$"', to: 'String="^[A-Z0-9]+$"',
    expect: [['annotation', 'annotation-changed', `${I}/Code`, '@Org.OData.Validation.V1.Pattern "^[A-Z]+$" -> "^[A-Z0-9]+$"']],
  },
  'annotation removed / added': {
    from: '<Annotation Term="Org.OData.Validation.V1.Pattern" String="^[A-Z]+$"/>', to: '',
    expect: [['annotation', 'annotation-removed', `${I}/Code`, '@Org.OData.Validation.V1.Pattern removed (was "^[A-Z]+$")']],
    reverse: [['annotation', 'annotation-added', `${I}/Code`, '@Org.OData.Validation.V1.Pattern added ("^[A-Z]+$")']],
  },
};

const changesOf = (before: string, after: string) => diffModels(parseEdmx(before), parseEdmx(after)).changes.map((c) => [c.class, c.rule, c.path, c.message]);

t.test('the model against itself: no change', async (t) => {
  t.same(changesOf(SHOP, SHOP), []);
});

for (const [title, c] of Object.entries(CASES)) {
  t.test(title, async (t) => {
    const changed = edited(c.from, c.to);
    t.same(changesOf(SHOP, changed), c.expect);
    if (c.reverse) t.same(changesOf(changed, SHOP), c.reverse, 'the reverse edit');
  });
}

t.test('alias renamed: names resolve to the same elements, only the alias changes', async (t) => {
  const changed = SHOP.replace('Alias="S"', 'Alias="Sh"').replaceAll('"S.', '"Sh.').replaceAll('(S.', '(Sh.');
  t.same(changesOf(SHOP, changed), [['compatible', 'alias-changed', 'Test.Shop', 'Alias S -> Sh']]);
});

t.test('an unbound action removed with its import: both reported, both breaking', async (t) => {
  const changed = edited('<ActionImport Name="Reset" Action="S.Reset"/>', '', edited('<Action Name="Reset"/>', ''));
  t.same(changesOf(SHOP, changed), [
    ['breaking', 'operation-removed', 'Test.Shop.Reset', 'action overload removed'],
    ['breaking', 'action-import-removed', 'Shop/Reset', 'action import removed (Test.Shop.Reset)'],
  ]);
});

t.test("a derived type's base changed: the members it gains are reported on it", async (t) => {
  const changed = edited('<ComplexType Name="Office" BaseType="S.Place"/>', '<ComplexType Name="Office" BaseType="S.Address"/>');
  t.same(changesOf(SHOP, changed), [
    ['breaking', 'base-type-changed', 'Test.Shop.Office', 'base type Test.Shop.Place -> Test.Shop.Address'],
    ['compatible', 'property-added', 'Test.Shop.Office/City', 'added (Edm.String)'],
  ]);
});
