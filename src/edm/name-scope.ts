import type { Fail } from './edm-error.js';
import type { TypeKind } from './model.js';
import type { RawSchema, RawStructuredType } from './read-edmx.js';

// The names a document declares, and how a type reference in it resolves: alias-qualified or
// namespace-qualified, primitive or declared, single or a collection.

const PRIMITIVE_TYPES = new Set([
  'Edm.Binary', 'Edm.Boolean', 'Edm.Byte', 'Edm.Date', 'Edm.DateTimeOffset', 'Edm.Decimal',
  'Edm.Double', 'Edm.Duration', 'Edm.Guid', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64', 'Edm.SByte',
  'Edm.Single', 'Edm.Stream', 'Edm.String', 'Edm.TimeOfDay', 'Edm.Untyped', 'Edm.PrimitiveType',
  'Edm.Geography', 'Edm.GeographyPoint', 'Edm.GeographyLineString', 'Edm.GeographyPolygon',
  'Edm.GeographyMultiPoint', 'Edm.GeographyMultiLineString', 'Edm.GeographyMultiPolygon',
  'Edm.GeographyCollection', 'Edm.Geometry', 'Edm.GeometryPoint', 'Edm.GeometryLineString',
  'Edm.GeometryPolygon', 'Edm.GeometryMultiPoint', 'Edm.GeometryMultiLineString',
  'Edm.GeometryMultiPolygon', 'Edm.GeometryCollection',
]);

/** A type declared by some schema, with the element name its errors point at. */
export interface DeclaredType {
  /** `primitive` for a TypeDefinition: it stands for its underlying primitive type. */
  kind: 'entity' | 'complex' | 'enum' | 'primitive';
  underlyingType?: string;
  raw: RawStructuredType | undefined;
  namespace: string;
  element: string;
}

export interface ResolvedType {
  /** Namespace-qualified name of the type, or of its items for a collection. */
  type: string;
  kind: TypeKind;
  collection: boolean;
}

/** Resolves a Type attribute; `element` names its holder in the error when it does not resolve. */
export type ResolveType = (raw: string | undefined, element: string) => ResolvedType;

/** Schema namespaces in document order, and alias -> namespace; both must be unique. */
export function readNamespaces(schemas: RawSchema[], fail: Fail): { namespaces: string[]; aliases: Map<string, string> } {
  const namespaces: string[] = [];
  const aliases = new Map<string, string>();
  for (const schema of schemas) {
    const namespace = schema.Namespace ?? fail('Schema', 'has no Namespace attribute');
    if (namespaces.includes(namespace)) fail(`Schema '${namespace}'`, 'is declared twice');
    namespaces.push(namespace);
    if (schema.Alias) {
      if (aliases.has(schema.Alias)) fail(`Schema '${namespace}'`, `alias '${schema.Alias}' is already used`);
      aliases.set(schema.Alias, namespace);
    }
  }
  return { namespaces, aliases };
}

/** Every declared type by qualified name, gathered first so references resolve in any order. */
export function declareTypes(schemas: RawSchema[], fail: Fail): Map<string, DeclaredType> {
  const declared = new Map<string, DeclaredType>();
  const declare = (namespace: string, kind: DeclaredType['kind'], label: string, name: string | undefined, raw?: RawStructuredType) => {
    if (!name) fail(`${label} in Schema '${namespace}'`, 'has no Name attribute');
    const qualifiedName = `${namespace}.${name}`;
    const element = `${label} '${qualifiedName}'`;
    const previous = declared.get(qualifiedName);
    if (previous) fail(element, `duplicate name: ${previous.element} has the same qualified name`);
    declared.set(qualifiedName, { kind, raw, namespace, element });
  };
  for (const schema of schemas) {
    const ns = schema.Namespace as string;
    for (const t of schema.EntityType ?? []) declare(ns, 'entity', 'EntityType', t.Name, t);
    for (const t of schema.ComplexType ?? []) declare(ns, 'complex', 'ComplexType', t.Name, t);
    for (const t of schema.EnumType ?? []) declare(ns, 'enum', 'EnumType', t.Name);
    for (const t of schema.TypeDefinition ?? []) {
      declare(ns, 'primitive', 'TypeDefinition', t.Name);
      (declared.get(`${ns}.${t.Name}`) as DeclaredType).underlyingType = t.UnderlyingType ?? 'Edm.String';
    }
  }
  return declared;
}

/** Resolves type references against the declared names; an unknown type is a defect of the document. */
export function typeResolver(aliases: Map<string, string>, declared: Map<string, DeclaredType>, fail: Fail): ResolveType {
  /** Alias-qualified or namespace-qualified name -> namespace-qualified name (no existence check). */
  const qualify = (name: string): string => {
    const dot = name.lastIndexOf('.');
    if (dot < 0) return name;
    const prefix = name.slice(0, dot);
    const namespace = aliases.get(prefix);
    return namespace ? `${namespace}.${name.slice(dot + 1)}` : name;
  };
  return (raw, element) => {
    if (!raw) return fail(element, 'has no Type attribute');
    const match = /^Collection\((.+)\)$/.exec(raw);
    const inner = match ? (match[1] as string) : raw;
    if (inner.startsWith('Edm.')) {
      if (!PRIMITIVE_TYPES.has(inner)) fail(element, `unknown primitive type '${inner}'`);
      return { type: inner, kind: 'primitive', collection: Boolean(match) };
    }
    const qualifiedName = qualify(inner);
    const target = declared.get(qualifiedName);
    if (!target) return fail(element, `unresolved type '${inner}'`);
    if (target.kind === 'primitive') return { type: target.underlyingType as string, kind: 'primitive', collection: Boolean(match) };
    return { type: qualifiedName, kind: target.kind, collection: Boolean(match) };
  };
}
