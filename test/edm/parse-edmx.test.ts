import { readFileSync } from 'node:fs';
import t from 'tap';
import { parseEdmx } from '../../src/edm/build-model.js';
import { EdmError } from '../../src/edm/edm-error.js';

const beta = parseEdmx(readFileSync('metadata/beta.xml', 'utf8'), 'metadata/beta.xml');
const v1 = parseEdmx(readFileSync('metadata/v1.0.xml', 'utf8'), 'metadata/v1.0.xml');

t.test('the seed types derive from the abstract entity and inherit its key', async (t) => {
  for (const name of ['userAppInstallStatus', 'mobileAppInstallStatus', 'managedDeviceMobileAppConfigurationUserStatus']) {
    const type = beta.entityTypes[`microsoft.graph.${name}`];
    t.equal(type?.baseType, 'microsoft.graph.entity', `${name} derives from entity`);
    t.same(type?.key, ['id'], `${name} inherits the key id`);
    t.equal(type?.properties[0]?.name, 'id', 'inherited properties come first');
  }
  t.equal(beta.entityTypes['microsoft.graph.entity']?.abstract, true);
  t.equal(v1.entityTypes['microsoft.graph.userAppInstallStatus'], undefined, 'userAppInstallStatus is beta only');
});

t.test('enum members carry the real numeric values', async (t) => {
  const state = beta.enumTypes['microsoft.graph.resultantAppState']?.members;
  t.same(state?.find((m) => m.name === 'unknown'), { name: 'unknown', value: 99 });
  t.same(state?.find((m) => m.name === 'notApplicable'), { name: 'notApplicable', value: -1 });
  const detail = beta.enumTypes['microsoft.graph.resultantAppStateDetail']?.members;
  t.equal(detail?.length, 27, 'every member the pages list');
  t.same(detail?.find((m) => m.name === 'powerShellScriptRequirementNotMet'), { name: 'powerShellScriptRequirementNotMet', value: -1013 });
  t.same(v1.enumTypes['microsoft.graph.complianceStatus']?.members.map((m) => m.value), [0, 1, 2, 3, 4, 5, 6, 7]);
});

t.test('nullability follows the real metadata: numbers, enums and dates are required, strings nullable', async (t) => {
  const props = new Map(beta.entityTypes['microsoft.graph.mobileAppInstallStatus']?.properties.map((p) => [p.name, p]));
  t.equal(props.get('errorCode')?.nullable, false);
  t.equal(props.get('installState')?.nullable, false);
  t.equal(props.get('installState')?.type, 'microsoft.graph.resultantAppState');
  t.equal(props.get('lastSyncDateTime')?.type, 'Edm.DateTimeOffset');
  t.equal(props.get('deviceName')?.nullable, true);
});

t.test('abstract bases list their concrete derived types; navigation is typed', async (t) => {
  t.same(beta.entityTypes['microsoft.graph.mobileApp']?.derivedTypes, ['microsoft.graph.webApp']);
  t.same(v1.entityTypes['microsoft.graph.managedDeviceMobileAppConfiguration']?.derivedTypes, ['microsoft.graph.iosMobileAppConfiguration']);
  const lobNav = beta.entityTypes['microsoft.graph.iosLobAppProvisioningConfiguration']?.navigationProperties.find((n) => n.name === 'userStatuses');
  t.match(lobNav, { type: 'microsoft.graph.managedDeviceMobileAppConfigurationUserStatus', collection: true, containsTarget: false });
  const appNav = beta.entityTypes['microsoft.graph.mobileApp']?.navigationProperties.find((n) => n.name === 'userStatuses');
  t.match(appNav, { containsTarget: true, declaredBy: 'microsoft.graph.mobileApp' });
  t.equal(beta.container.singletons.deviceAppManagement?.type, 'microsoft.graph.deviceAppManagement');
});

const wrap = (schema: string) => `<?xml version="1.0"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="ns" Alias="a" xmlns="http://docs.oasis-open.org/odata/ns/edm">${schema}
<EntityContainer Name="c"><EntitySet Name="things" EntityType="ns.thing"/></EntityContainer></Schema>
</edmx:DataServices></edmx:Edmx>`;
const thing = '<EntityType Name="thing"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>';

t.test('a broken EDMX stops with a message naming the element', async (t) => {
  const cases: [string, string, RegExp][] = [
    ['unresolved type', `${thing}<EntityType Name="other" BaseType="a.thing"><Property Name="p" Type="a.missing"/></EntityType>`, /Property 'p' of EntityType 'ns\.other': unresolved type 'a\.missing'/],
    ['duplicate name', `${thing}<ComplexType Name="thing"/>`, /ComplexType 'ns\.thing': duplicate name: EntityType 'ns\.thing'/],
    ['entity type without a key in a collection', `${thing}<EntityType Name="keyless"><Property Name="p" Type="Edm.String"/></EntityType><EntityType Name="holder" BaseType="ns.thing"><NavigationProperty Name="items" Type="Collection(ns.keyless)" ContainsTarget="true"/></EntityType>`, /EntityType 'ns\.keyless': has no Key and inherits none, but NavigationProperty 'items' of EntityType 'ns\.holder' holds it in a collection/],
    ['inheritance cycle', `${thing}<EntityType Name="x" BaseType="ns.y"/><EntityType Name="y" BaseType="ns.x"/>`, /inheritance cycle/],
    ['nullable key', '<EntityType Name="thing"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String"/></EntityType>', /key property 'id' must have Nullable="false"/],
    ['unknown primitive', `${thing}<ComplexType Name="c"><Property Name="p" Type="Edm.Strin"/></ComplexType>`, /unknown primitive type 'Edm\.Strin'/],
    ['navigation to a non-entity', `${thing}<ComplexType Name="c"/><EntityType Name="e" BaseType="ns.thing"><NavigationProperty Name="n" Type="ns.c"/></EntityType>`, /NavigationProperty 'n' of EntityType 'ns\.e': type 'ns\.c' is not an entity type/],
  ];
  for (const [name, schema, message] of cases) {
    t.throws(() => parseEdmx(wrap(schema), 'test.xml'), { name: 'EdmError', message }, name);
  }
  t.throws(() => parseEdmx('<edmx:Edmx><unclosed></edmx:Edmx>', 'bad.xml'), { name: 'EdmError', message: /^bad\.xml: document: malformed XML at line 1/ }, 'malformed XML');
  t.throws(() => parseEdmx('<root/>'), EdmError, 'not EDMX');
  t.ok(parseEdmx(wrap(thing)).entityTypes['ns.thing'], 'the minimal valid document parses');
  const singletonOnly = wrap(`${thing}<EntityType Name="root"><Property Name="p" Type="Edm.String"/></EntityType>`).replace('</EntityContainer>', '<Singleton Name="root" Type="ns.root"/></EntityContainer>');
  t.same(parseEdmx(singletonOnly).entityTypes['ns.root']?.key, [], 'a keyless type behind a singleton is fine (CSDL 4.01 §6.5)');
  const keylessSet = wrap('<EntityType Name="thing"><Property Name="id" Type="Edm.String"/></EntityType>');
  t.throws(() => parseEdmx(keylessSet), { message: /EntityType 'ns\.thing': has no Key and inherits none, but EntitySet 'things' holds it/ });
});
