// A small model of our own for the differ's tests: each test edits one spot of it and expects
// exactly the change that edit makes, and nothing else.

export const SHOP = `<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="Test.Shop" Alias="S" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EnumType Name="Colour"><Member Name="Red" Value="0"/><Member Name="Green" Value="1"/></EnumType>
  <ComplexType Name="Address"><Property Name="City" Type="Edm.String" MaxLength="40"/></ComplexType>
  <ComplexType Name="Place"/>
  <ComplexType Name="Office" BaseType="S.Place"/>
  <ComplexType Name="Note"><Property Name="Text" Type="Edm.String" Nullable="false"/></ComplexType>
  <EntityType Name="Item">
    <Key><PropertyRef Name="Id"/></Key>
    <Property Name="Id" Type="Edm.Int32" Nullable="false"/>
    <Property Name="Name" Type="Edm.String" MaxLength="100"/>
    <Property Name="Price" Type="Edm.Decimal" Precision="10" Scale="2"/>
    <Property Name="Stock" Type="Edm.Int32" Nullable="false" DefaultValue="0"/>
    <Property Name="Colour" Type="S.Colour"/>
    <Property Name="Tags" Type="Collection(Edm.String)"/>
    <Property Name="Code" Type="Edm.String"><Annotation Term="Org.OData.Validation.V1.Pattern" String="^[A-Z]+$"/></Property>
    <NavigationProperty Name="Parts" Type="Collection(S.Part)" ContainsTarget="true"/>
    <NavigationProperty Name="Maker" Type="S.Maker"/>
    <NavigationProperty Name="Spares" Type="Collection(S.Part)"/>
  </EntityType>
  <EntityType Name="Gadget" BaseType="S.Item"><Property Name="Battery" Type="Edm.Int32"/></EntityType>
  <EntityType Name="Part">
    <Key><PropertyRef Name="Id"/></Key>
    <Property Name="Id" Type="Edm.String" Nullable="false"/>
    <Property Name="Serial" Type="Edm.Int32" Nullable="false"/>
  </EntityType>
  <EntityType Name="Maker"><Key><PropertyRef Name="Id"/></Key><Property Name="Id" Type="Edm.Int32" Nullable="false"/></EntityType>
  <Action Name="Restock" IsBound="true">
    <Parameter Name="item" Type="S.Item"/>
    <Parameter Name="count" Type="Edm.Int32" Nullable="false"/>
    <Parameter Name="note" Type="Edm.String" MaxLength="10"/>
    <ReturnType Type="Edm.Int32"/>
  </Action>
  <Function Name="Cheapest" IsComposable="true"><Parameter Name="limit" Type="Edm.Int32"/><ReturnType Type="Collection(S.Item)"/></Function>
  <Action Name="Reset"/>
  <Action Name="Ping"/>
  <EntityContainer Name="Shop">
    <EntitySet Name="Items" EntityType="S.Item"><NavigationPropertyBinding Path="Maker" Target="Makers"/></EntitySet>
    <EntitySet Name="Makers" EntityType="S.Maker"/>
    <EntitySet Name="OldMakers" EntityType="S.Maker"/>
    <EntitySet Name="Spares" EntityType="S.Part"/>
    <Singleton Name="Featured" Type="S.Item"/>
    <Singleton Name="Boss" Type="S.Maker"/>
    <ActionImport Name="Reset" Action="S.Reset"/>
    <FunctionImport Name="Cheapest" Function="S.Cheapest" EntitySet="Items"/>
  </EntityContainer>
</Schema>
</edmx:DataServices></edmx:Edmx>`;

/** SHOP with `from` replaced by `to`; `from` must occur exactly once, so an edit never silently misses. */
export function edited(from: string, to: string, xml = SHOP): string {
  const at = xml.indexOf(from);
  if (at < 0 || xml.indexOf(from, at + 1) >= 0) throw new Error(`'${from}' does not occur exactly once in the model`);
  return xml.slice(0, at) + to + xml.slice(at + from.length);
}
