import type { Fail } from './edm-error.js';
import { readFacets } from './facets.js';
import type { EdmNavigationProperty, EdmProperty, EdmStructuredType } from './model.js';
import type { RawNavigationProperty, RawProperty, RawStructuredType } from './read-edmx.js';
import type { DeclaredType, ResolveType } from './name-scope.js';

/** A PropertyRef of a key: a property name or path (`Info/ID`), and its alias (required for a path). */
export interface KeyRef {
  path: string;
  alias?: string;
}

/** An entity or complex type with only the members and key it declares itself (inheritance comes later). */
export type OwnStructuredType = EdmStructuredType & { ownKey?: KeyRef[] };

/** Every entity and complex type with its own members resolved, in declaration order. */
export function readStructuredTypes(declared: Map<string, DeclaredType>, resolveType: ResolveType, fail: Fail): Map<string, OwnStructuredType> {
  const structured = new Map<string, OwnStructuredType>();
  for (const [qualifiedName, decl] of declared) {
    if (decl.kind === 'enum' || !decl.raw) continue;
    structured.set(qualifiedName, readStructuredType(qualifiedName, decl as DeclaredType & { kind: 'entity' | 'complex' }, decl.raw, resolveType, fail));
  }
  return structured;
}

function readStructuredType(
  qualifiedName: string, decl: DeclaredType & { kind: 'entity' | 'complex' }, raw: RawStructuredType, resolveType: ResolveType, fail: Fail,
): OwnStructuredType {
  const baseType = raw.BaseType ? resolveType(raw.BaseType, decl.element) : undefined;
  if (baseType && baseType.kind !== decl.kind) fail(decl.element, `BaseType '${raw.BaseType}' is not ${decl.kind === 'entity' ? 'an entity' : 'a complex'} type`);
  const properties = (raw.Property ?? []).map((p) => readProperty(p, qualifiedName, decl.element, resolveType, fail));
  const navigationProperties = (raw.NavigationProperty ?? []).map((n) => readNavigationProperty(n, qualifiedName, decl.element, resolveType, fail));
  const ownKey = raw.Key?.[0]?.PropertyRef?.map((ref): KeyRef => {
    const path = ref.Name ?? fail(`Key of ${decl.element}`, 'PropertyRef has no Name');
    return ref.Alias ? { path, alias: ref.Alias } : { path };
  });
  const type: OwnStructuredType = {
    kind: decl.kind, name: raw.Name as string, qualifiedName, abstract: raw.Abstract === 'true',
    open: raw.OpenType === 'true', properties, navigationProperties, derivedTypes: [],
  };
  if (baseType) type.baseType = baseType.type;
  if (ownKey) type.ownKey = ownKey;
  return type;
}

function readProperty(p: RawProperty, declaredBy: string, typeElement: string, resolveType: ResolveType, fail: Fail): EdmProperty {
  if (!p.Name) return fail(`Property of ${typeElement}`, 'has no Name attribute');
  const element = `Property '${p.Name}' of ${typeElement}`;
  const t = resolveType(p.Type, element);
  if (t.kind === 'entity') fail(element, `type '${p.Type}' is an entity type: use a NavigationProperty`);
  const property: EdmProperty = {
    name: p.Name, type: t.type, typeKind: t.kind, collection: t.collection,
    nullable: p.Nullable !== 'false', declaredBy,
  };
  if (p.DefaultValue !== undefined) property.defaultValue = p.DefaultValue;
  return { ...property, ...readFacets(p) };
}

function readNavigationProperty(n: RawNavigationProperty, declaredBy: string, typeElement: string, resolveType: ResolveType, fail: Fail): EdmNavigationProperty {
  if (!n.Name) return fail(`NavigationProperty of ${typeElement}`, 'has no Name attribute');
  const element = `NavigationProperty '${n.Name}' of ${typeElement}`;
  const t = resolveType(n.Type, element);
  if (t.kind !== 'entity') fail(element, `type '${n.Type}' is not an entity type`);
  return {
    name: n.Name, type: t.type, collection: t.collection, nullable: n.Nullable !== 'false',
    containsTarget: n.ContainsTarget === 'true', declaredBy,
  };
}
