import type { Fail, Warn } from './edm-error.js';
import type { EdmComplexType, EdmEntityContainer, EdmEntityType, EdmKeyProperty, EdmProperty } from './model.js';

/** Floating-point keys: CSDL forbids them, yet real services key on them (Northwind keys on an Edm.Single). */
const FLOAT_TYPES = new Set(['Edm.Single', 'Edm.Double']);

const KEY_TYPES = new Set([
  'Edm.String', 'Edm.Guid', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64', 'Edm.Byte', 'Edm.SByte',
  'Edm.Boolean', 'Edm.Date', 'Edm.DateTimeOffset', 'Edm.Decimal', 'Edm.Duration', 'Edm.TimeOfDay',
]);

/**
 * The property a key's path names (CSDL §8.3.1: a path may go through single-valued complex
 * properties), or a message saying why it names none.
 */
function keyPathTarget(type: EdmEntityType, path: string[], complexTypes: Record<string, EdmComplexType>): EdmProperty | string {
  let properties = type.properties;
  let property: EdmProperty | undefined;
  for (const [index, name] of path.entries()) {
    property = properties.find((p) => p.name === name);
    if (!property) return `'${path.slice(0, index + 1).join('/')}' is not a property of the type`;
    if (index === path.length - 1) break;
    const complex = property.typeKind === 'complex' && !property.collection ? complexTypes[property.type] : undefined;
    if (!complex) return `'${path.slice(0, index + 1).join('/')}' is not a single-valued complex property`;
    properties = complex.properties;
  }
  return property as EdmProperty;
}

/**
 * Each key property of each entity type exists, is not nullable and has a type a key can have;
 * the type's keyProperties say where each value sits. A path needs an alias (CSDL §8.3.2), since
 * a URL names the key by one simple identifier. A floating-point key is served, with a warning.
 */
export function checkKeyProperties(entityTypes: Record<string, EdmEntityType>, complexTypes: Record<string, EdmComplexType>, fail: Fail, warn: Warn): void {
  for (const type of Object.values(entityTypes)) {
    const element = `EntityType '${type.qualifiedName}'`;
    type.keyProperties = type.keyProperties.map((keyProperty): EdmKeyProperty => {
      const shown = keyProperty.path.join('/');
      if (keyProperty.path.length > 1 && keyProperty.name === shown) fail(element, `key property path '${shown}' needs an Alias`);
      const target = keyPathTarget(type, keyProperty.path, complexTypes);
      if (typeof target === 'string') return fail(element, `key property ${target}`);
      if (target.collection || (target.typeKind !== 'primitive' && target.typeKind !== 'enum')) return fail(element, `key property '${shown}' is not of a primitive or enum type`);
      if (target.typeKind === 'primitive' && FLOAT_TYPES.has(target.type)) warn(element, `key property '${shown}' has the floating-point type '${target.type}', which CSDL does not allow in a key; served anyway`);
      else if (target.typeKind === 'primitive' && !KEY_TYPES.has(target.type)) return fail(element, `key property '${shown}' has type '${target.type}', which cannot be a key`);
      if (target.nullable) return fail(element, `key property '${shown}' must have Nullable="false"`);
      return { ...keyProperty, type: target.type, typeKind: target.typeKind };
    });
  }
}

/**
 * CSDL 4.01 §6.5: a key may only be missing where no collection holds the type (singletons and
 * single-valued navigation need none; Graph's v1.0 metadata has such types, `admin` for one).
 */
export function requireKeysWhereCollected(entityTypes: Record<string, EdmEntityType>, container: EdmEntityContainer, fail: Fail): void {
  const keyless = (typeName: string) => (entityTypes[typeName]?.key.length ?? 0) === 0;
  const noKey = (typeName: string, usedBy: string): never =>
    fail(`EntityType '${typeName}'`, `has no Key and inherits none, but ${usedBy} holds it in a collection`);
  for (const set of Object.values(container.entitySets)) if (keyless(set.entityType)) noKey(set.entityType, `EntitySet '${set.name}'`);
  for (const type of Object.values(entityTypes)) {
    for (const nav of type.navigationProperties) {
      if (nav.collection && nav.declaredBy === type.qualifiedName && keyless(nav.type)) noKey(nav.type, `NavigationProperty '${nav.name}' of EntityType '${type.qualifiedName}'`);
    }
  }
}
