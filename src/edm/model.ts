// The typed EDM model: plain, serialisable data produced by buildModel() from an EDMX document.
// Every type name in it is fully qualified with its namespace (aliases resolved), inheritance is
// flattened (each structured type lists its inherited members first), and every reference has
// been checked, so later stages never need to resolve a name twice.

export type EdmPrimitiveName =
  | 'Edm.Binary' | 'Edm.Boolean' | 'Edm.Byte' | 'Edm.Date' | 'Edm.DateTimeOffset' | 'Edm.Decimal'
  | 'Edm.Double' | 'Edm.Duration' | 'Edm.Guid' | 'Edm.Int16' | 'Edm.Int32' | 'Edm.Int64'
  | 'Edm.SByte' | 'Edm.Single' | 'Edm.Stream' | 'Edm.String' | 'Edm.TimeOfDay' | 'Edm.Untyped'
  | 'Edm.Geography' | 'Edm.GeographyPoint' | 'Edm.Geometry' | 'Edm.GeometryPoint';

export type TypeKind = 'primitive' | 'enum' | 'complex' | 'entity';

export interface EdmProperty {
  name: string;
  /** Qualified type name of the property, or of its items when `collection` is true. */
  type: string;
  typeKind: TypeKind;
  collection: boolean;
  /** For a collection, whether its items may be null (CSDL 7.2.1). */
  nullable: boolean;
  defaultValue?: string;
  maxLength?: number;
  /** Significant decimal digits (CSDL 7.2.3); enforced for Edm.Decimal. */
  precision?: number;
  /**
   * Digits right of the decimal point (CSDL 7.2.4); `variable` (or 4.01 `floating`) when only the
   * precision bounds them. Enforced for Edm.Decimal.
   */
  scale?: number | 'variable' | 'floating';
  /** The structured type that declares the property (a base type for inherited ones). */
  declaredBy: string;
}

export interface EdmNavigationProperty {
  name: string;
  /** Qualified entity type of the target, or of its items when `collection` is true. */
  type: string;
  collection: boolean;
  nullable: boolean;
  containsTarget: boolean;
  declaredBy: string;
}

export interface EdmStructuredType {
  kind: 'entity' | 'complex';
  name: string;
  qualifiedName: string;
  baseType?: string;
  abstract: boolean;
  open: boolean;
  /** Inherited properties first, then the type's own, each in declaration order. */
  properties: EdmProperty[];
  navigationProperties: EdmNavigationProperty[];
  /** Every type deriving from this one, directly or not, sorted by name. */
  derivedTypes: string[];
}

export interface EdmEntityType extends EdmStructuredType {
  kind: 'entity';
  /** Key property names, inherited from the base type when not declared. Empty only for abstract types. */
  key: string[];
}

export interface EdmComplexType extends EdmStructuredType {
  kind: 'complex';
}

export interface EdmEnumMember {
  name: string;
  value: number;
}

export interface EdmEnumType {
  name: string;
  qualifiedName: string;
  underlyingType: string;
  isFlags: boolean;
  members: EdmEnumMember[];
}

export interface EdmNavigationBinding {
  path: string;
  target: string;
}

export interface EdmEntitySet {
  name: string;
  entityType: string;
  navigationBindings: EdmNavigationBinding[];
}

export interface EdmSingleton {
  name: string;
  type: string;
  navigationBindings: EdmNavigationBinding[];
}

export interface EdmEntityContainer {
  name: string;
  namespace: string;
  entitySets: Record<string, EdmEntitySet>;
  singletons: Record<string, EdmSingleton>;
}

/** A bound action or function (CSDL 12): reachable at `<binding URL>/<namespace>.<name>`. */
export interface EdmOperation {
  kind: 'action' | 'function';
  name: string;
  qualifiedName: string;
  /** Qualified type of the binding parameter, and whether it binds to a collection of it. */
  bindingParameter: string;
  bindingType: string;
  bindingCollection: boolean;
  bindingNullable: boolean;
  parameters: { name: string; type: string; collection: boolean; nullable: boolean }[];
  returnType?: { type: string; collection: boolean };
}

export interface EdmModel {
  /** Schema namespaces in document order. */
  namespaces: string[];
  /** Schema alias -> namespace. */
  aliases: Record<string, string>;
  entityTypes: Record<string, EdmEntityType>;
  complexTypes: Record<string, EdmComplexType>;
  enumTypes: Record<string, EdmEnumType>;
  /** Bound operations in document order (unbound ones need imports, which edmock does not serve yet). */
  operations: EdmOperation[];
  container: EdmEntityContainer;
}

/** The namespace part and the simple name of a qualified name (`a.b.c` -> `a.b`, `c`). */
export function splitQualifiedName(qualifiedName: string): { namespace: string; name: string } {
  const dot = qualifiedName.lastIndexOf('.');
  return { namespace: qualifiedName.slice(0, dot), name: qualifiedName.slice(dot + 1) };
}
