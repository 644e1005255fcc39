// A model with one property of every primitive type edmock validates, facets included, and
// sets keyed by the types whose keys are written bare (Int64, Guid, Date): the bundled Graph
// slice has no Int64, Decimal, Date or Guid property, and the typed findings are about
// those. Served at the root, as `--metadata <file>` would.

export const TYPED_EDMX = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="fuzz.typed" Alias="f" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EnumType Name="colour"><Member Name="red" Value="1"/><Member Name="green" Value="2"/><Member Name="blue" Value="4"/></EnumType>
  <ComplexType Name="point"><Property Name="x" Type="Edm.Int32" Nullable="false"/><Property Name="label" Type="Edm.String" MaxLength="8"/></ComplexType>
  <EntityType Name="everything">
    <Key><PropertyRef Name="id"/></Key>
    <Property Name="id" Type="Edm.String" Nullable="false"/>
    <Property Name="text" Type="Edm.String"/>
    <Property Name="short" Type="Edm.String" MaxLength="4"/>
    <Property Name="flag" Type="Edm.Boolean"/>
    <Property Name="byte" Type="Edm.Byte"/>
    <Property Name="sbyte" Type="Edm.SByte"/>
    <Property Name="int16" Type="Edm.Int16"/>
    <Property Name="int32" Type="Edm.Int32"/>
    <Property Name="big" Type="Edm.Int64"/>
    <Property Name="amount" Type="Edm.Decimal"/>
    <Property Name="price" Type="Edm.Decimal" Precision="18" Scale="4"/>
    <Property Name="ratio" Type="Edm.Double"/>
    <Property Name="single" Type="Edm.Single"/>
    <Property Name="uid" Type="Edm.Guid"/>
    <Property Name="at" Type="Edm.DateTimeOffset"/>
    <Property Name="day" Type="Edm.Date"/>
    <Property Name="time" Type="Edm.TimeOfDay"/>
    <Property Name="span" Type="Edm.Duration"/>
    <Property Name="bytes" Type="Edm.Binary"/>
    <Property Name="colour" Type="f.colour"/>
    <Property Name="where" Type="f.point"/>
    <Property Name="points" Type="Collection(f.point)"/>
    <Property Name="numbers" Type="Collection(Edm.Int64)"/>
    <Property Name="required" Type="Edm.Int32" Nullable="false" DefaultValue="0"/>
  </EntityType>
  <EntityType Name="byGuid"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Guid" Nullable="false"/><Property Name="name" Type="Edm.String"/></EntityType>
  <EntityType Name="byLong"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Int64" Nullable="false"/><Property Name="name" Type="Edm.String"/></EntityType>
  <EntityType Name="byDate"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Date" Nullable="false"/><Property Name="name" Type="Edm.String"/></EntityType>
  <EntityContainer Name="c">
    <EntitySet Name="things" EntityType="f.everything"/>
    <EntitySet Name="gids" EntityType="f.byGuid"/>
    <EntitySet Name="longs" EntityType="f.byLong"/>
    <EntitySet Name="days" EntityType="f.byDate"/>
  </EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>`;

/** A valid `things` entity, every property set. */
export const VALID_THING: Record<string, unknown> = {
  id: 'a', text: 'hello', short: 'abcd', flag: true, byte: 255, sbyte: -128, int16: -32768, int32: 2147483647,
  big: 42, amount: 1.5, price: 12.3456, ratio: 0.25, single: 1.5, uid: '01234567-89ab-cdef-0123-456789abcdef',
  at: '2026-12-02T10:00:00Z', day: '2026-12-02', time: '10:00:00', span: 'PT1H', bytes: 'AAEC', colour: 'red',
  where: { x: 1, label: 'here' }, points: [{ x: 2, label: null }], numbers: [1, 2], required: 3,
};
