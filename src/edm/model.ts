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
  /**
   * Annotations that say what values may hold (Validation.Pattern, Validation.Minimum, Core.Computed,
   * ...), by qualified term name (vocabulary aliases resolved), inline or targeted from outside.
   */
  annotations?: EdmAnnotations;
}

/** An annotation's value: a constant, a collection, or a record (CSDL 14.4). */
export type EdmAnnotationValue = string | number | boolean | null | EdmAnnotationValue[] | { [member: string]: EdmAnnotationValue };

/** Qualified term name (`Org.OData.Validation.V1.Pattern`) -> value. */
export type EdmAnnotations = Record<string, EdmAnnotationValue>;

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
  /**
   * The key's names as URLs write them (`Categories(InfoID=1)`): the alias where a PropertyRef
   * has one, else the property name. Inherited from the base type when not declared; empty only
   * for types no collection holds.
   */
  key: string[];
  /** The key properties in key order, each with where its value sits in the entity. */
  keyProperties: EdmKeyProperty[];
}

/** One property of a key (CSDL §8.3): a property of the entity, or a path into a complex property. */
export interface EdmKeyProperty {
  /** The name in URLs and key predicates: the PropertyRef's alias, or the property's name. */
  name: string;
  /** Property names from the entity to the value: `['ID']`, or `['Info', 'ID']` for `Info/ID`. */
  path: string[];
  /** Qualified primitive or enum type of the value. */
  type: string;
  typeKind: 'primitive' | 'enum';
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

export interface EdmActionImport {
  name: string;
  /** Qualified name of the unbound action. */
  action: string;
  /** Entity set the action's entities belong to, when the import names one. */
  entitySet?: string;
}

export interface EdmFunctionImport {
  name: string;
  /** Qualified name of the unbound function (every overload of it). */
  function: string;
  entitySet?: string;
  includeInServiceDocument: boolean;
}

export interface EdmEntityContainer {
  name: string;
  namespace: string;
  entitySets: Record<string, EdmEntitySet>;
  singletons: Record<string, EdmSingleton>;
  actionImports: Record<string, EdmActionImport>;
  functionImports: Record<string, EdmFunctionImport>;
}

/** A parameter of an action or function, with the facets its values are checked against. */
export interface EdmParameter {
  name: string;
  type: string;
  typeKind: TypeKind;
  collection: boolean;
  nullable: boolean;
  maxLength?: number;
  precision?: number;
  scale?: number | 'variable' | 'floating';
}

export interface EdmReturnType {
  type: string;
  typeKind: TypeKind;
  collection: boolean;
  nullable: boolean;
}

/** An action or function (CSDL 12) as declared, bound or not. */
export interface EdmUnboundOperation {
  kind: 'action' | 'function';
  name: string;
  qualifiedName: string;
  /** Parameters after the binding parameter (all of them for an unbound operation). */
  parameters: EdmParameter[];
  returnType?: EdmReturnType;
  /** Functions only: whether path segments and query options may follow the call (CSDL 12.4). */
  composable: boolean;
  /** The EntitySetPath attribute: where returned entities live, from the binding parameter. */
  entitySetPath?: string;
}

/** A bound action or function (CSDL 12): reachable at `<binding URL>/<namespace>.<name>`. */
export interface EdmOperation extends EdmUnboundOperation {
  /** Qualified type of the binding parameter, and whether it binds to a collection of it. */
  bindingParameter: string;
  bindingType: string;
  bindingCollection: boolean;
  bindingNullable: boolean;
}

export interface EdmModel {
  /** Schema namespaces in document order. */
  namespaces: string[];
  /** Schema alias -> namespace. */
  aliases: Record<string, string>;
  entityTypes: Record<string, EdmEntityType>;
  complexTypes: Record<string, EdmComplexType>;
  enumTypes: Record<string, EdmEnumType>;
  /** Bound operations in document order. */
  operations: EdmOperation[];
  /** Unbound operations in document order (each overload on its own). */
  unboundOperations: EdmUnboundOperation[];
  container: EdmEntityContainer;
}

/** The namespace part and the simple name of a qualified name (`a.b.c` -> `a.b`, `c`). */
export function splitQualifiedName(qualifiedName: string): { namespace: string; name: string } {
  const dot = qualifiedName.lastIndexOf('.');
  return { namespace: qualifiedName.slice(0, dot), name: qualifiedName.slice(dot + 1) };
}
