import t from 'tap';
import { assertODataError, startServerWithEdmx } from '../helpers/server.js';

// Operations in the form Microsoft Graph declares them (a model of our own in its shape): bound
// actions called by their bare name, an action returning Edm.Boolean answering true as Graph
// reports success, an action returning the binding entity, and the composable delta() function.

const EDMX = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <ComplexType Name="assignedLicense"><Property Name="disabledPlans" Type="Collection(Edm.Guid)" Nullable="false"/><Property Name="skuId" Type="Edm.Guid"/></ComplexType>
  <EntityType Name="entity" Abstract="true"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
  <EntityType Name="user" BaseType="graph.entity"><Property Name="displayName" Type="Edm.String"/></EntityType>
  <Action Name="revokeSignInSessions" IsBound="true"><Parameter Name="bindingParameter" Type="graph.user" Nullable="false"/><ReturnType Type="Edm.Boolean"/></Action>
  <Action Name="assignLicense" IsBound="true">
    <Parameter Name="bindingParameter" Type="graph.user" Nullable="false"/>
    <Parameter Name="addLicenses" Type="Collection(graph.assignedLicense)" Nullable="false"/>
    <Parameter Name="removeLicenses" Type="Collection(Edm.Guid)" Nullable="false"/>
    <ReturnType Type="graph.user"/>
  </Action>
  <Function Name="delta" IsBound="true" IsComposable="true"><Parameter Name="bindingParameter" Type="Collection(graph.user)" Nullable="false"/><ReturnType Type="Collection(graph.user)"/></Function>
  <EntityContainer Name="GraphService"><EntitySet Name="users" EntityType="graph.user"/></EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>`;

t.test('Graph-shaped operations answer as Graph does', async (t) => {
  const c = await startServerWithEdmx(t, EDMX);
  t.equal((await c.post('/users', { id: 'u1', displayName: 'Adele' })).status, 201);
  const revoked = await c.post('/users/u1/revokeSignInSessions', undefined);
  t.equal(revoked.status, 200);
  t.equal(revoked.body.value, true);
  t.equal(revoked.body['@odata.context'], 'http://localhost:80/$metadata#Edm.Boolean');
  t.equal((await c.post("/users('u1')/microsoft.graph.revokeSignInSessions", {})).body.value, true, 'qualified and with a key predicate');
  const sku = '11111111-2222-3333-4444-555555555555';
  const assigned = await c.post('/users/u1/assignLicense', { addLicenses: [{ skuId: sku, disabledPlans: [] }], removeLicenses: [] });
  t.equal(assigned.status, 200);
  t.equal(assigned.body.id, 'u1', 'the binding user');
  const bad = await c.post('/users/u1/assignLicense', { addLicenses: [{ skuId: 'not-a-guid' }], removeLicenses: [] });
  assertODataError(t, bad, 400, 'BadRequest');
  t.equal(bad.body.error.target, 'addLicenses');
  assertODataError(t, await c.post('/users/u1/assignLicense', { addLicenses: [] }), 400, 'BadRequest');
  const delta = await c.get('/users/delta()?$select=displayName');
  t.equal(delta.status, 200);
  t.same(delta.body.value.map((u: { displayName: string }) => u.displayName), ['Adele']);
  assertODataError(t, await c.post('/users/nobody/revokeSignInSessions', {}), 404, 'ResourceNotFound');
});
