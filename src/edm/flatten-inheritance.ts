import type { Fail } from './edm-error.js';
import type { EdmComplexType, EdmEntityType, EdmStructuredType } from './model.js';
import type { KeyRef, OwnStructuredType } from './read-structured-types.js';

/** A structured type with its inherited members first and its key settled (empty for complex types). */
export type FlatStructuredType = EdmStructuredType & { key: KeyRef[] };

/**
 * Each type with its base type's members and key folded in, in the order of `own`; an
 * inheritance cycle, a member declared twice or a key declared over an inherited one is a defect.
 */
export function flattenInheritance(own: Map<string, OwnStructuredType>, fail: Fail): Map<string, FlatStructuredType> {
  const flat = new Map<string, FlatStructuredType>();
  const flatten = (qualifiedName: string, chain: string[]): void => {
    if (flat.has(qualifiedName)) return;
    const type = own.get(qualifiedName) as OwnStructuredType;
    const element = `${type.kind === 'entity' ? 'EntityType' : 'ComplexType'} '${qualifiedName}'`;
    if (chain.includes(qualifiedName)) fail(element, `inheritance cycle: ${[...chain, qualifiedName].join(' -> ')}`);
    if (type.baseType) flatten(type.baseType, [...chain, qualifiedName]);
    const base = type.baseType ? flat.get(type.baseType) : undefined;
    const flattened = base ? inheritFrom(base, type, element, fail) : withoutOwnKey(type, type.properties, type.navigationProperties, type.ownKey ?? []);
    checkMemberNames(flattened, element, fail);
    flat.set(qualifiedName, flattened);
  };
  for (const qualifiedName of own.keys()) flatten(qualifiedName, []);
  return flat;
}

function inheritFrom(base: FlatStructuredType, type: OwnStructuredType, element: string, fail: Fail): FlatStructuredType {
  const names = new Set([...base.properties, ...base.navigationProperties].map((m) => m.name));
  for (const member of [...type.properties, ...type.navigationProperties]) {
    if (names.has(member.name)) fail(element, `member '${member.name}' is already declared by base type '${type.baseType}'`);
  }
  if (type.ownKey && base.key.length > 0) fail(element, `declares a Key although base type '${type.baseType}' already has one`);
  return withoutOwnKey(
    type, [...base.properties, ...type.properties], [...base.navigationProperties, ...type.navigationProperties], type.ownKey ?? base.key,
  );
}

/** The flattened type, its fields in the order the model has always listed them (key last). */
function withoutOwnKey(
  type: OwnStructuredType, properties: FlatStructuredType['properties'], navigationProperties: FlatStructuredType['navigationProperties'], key: KeyRef[],
): FlatStructuredType {
  const { ownKey: _ownKey, ...rest } = type;
  return { ...rest, properties, navigationProperties, key };
}

function checkMemberNames(type: FlatStructuredType, element: string, fail: Fail): void {
  const seen = new Set<string>();
  for (const member of [...type.properties, ...type.navigationProperties]) {
    // A legal SimpleIdentifier, but as a JavaScript object key it would reach the prototype.
    if (member.name === '__proto__') fail(element, "the member name '__proto__' is reserved");
    if (seen.has(member.name)) fail(element, `duplicate member name '${member.name}'`);
    seen.add(member.name);
  }
}

/** Lists on every type each type deriving from it, directly or not, sorted by name. */
export function linkDerivedTypes(types: Map<string, FlatStructuredType>): void {
  for (const type of types.values()) {
    for (let base = type.baseType; base; base = types.get(base)?.baseType) {
      types.get(base)?.derivedTypes.push(type.qualifiedName);
    }
  }
  for (const type of types.values()) type.derivedTypes.sort();
}

/**
 * Entity and complex types apart, each keyed and sorted by qualified name. An entity type's key
 * is its refs as named in URLs for now; check-keys.ts resolves them into key properties.
 */
export function splitByKind(types: Map<string, FlatStructuredType>): { entityTypes: Record<string, EdmEntityType>; complexTypes: Record<string, EdmComplexType> } {
  const entityTypes: Record<string, EdmEntityType> = {};
  const complexTypes: Record<string, EdmComplexType> = {};
  for (const qualifiedName of [...types.keys()].sort()) {
    const type = types.get(qualifiedName) as FlatStructuredType;
    if (type.kind === 'entity') {
      const key = type.key.map((ref) => ref.alias ?? ref.path);
      const keyProperties = type.key.map((ref) => ({ name: ref.alias ?? ref.path, path: ref.path.split('/'), type: '', typeKind: 'primitive' as const }));
      entityTypes[qualifiedName] = { ...type, kind: 'entity', key, keyProperties };
    } else {
      const { key: _key, ...complex } = type;
      complexTypes[qualifiedName] = { ...complex, kind: 'complex' };
    }
  }
  return { entityTypes, complexTypes };
}
