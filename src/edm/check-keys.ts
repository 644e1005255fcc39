import type { Fail } from './edm-error.js';
import type { EdmEntityContainer, EdmEntityType } from './model.js';

const KEY_TYPES = new Set([
  'Edm.String', 'Edm.Guid', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64', 'Edm.Byte', 'Edm.SByte',
  'Edm.Boolean', 'Edm.Date', 'Edm.DateTimeOffset', 'Edm.Decimal', 'Edm.Duration', 'Edm.TimeOfDay',
]);

/** Each key property of each entity type exists, is not nullable and has a type a key can have. */
export function checkKeyProperties(entityTypes: Record<string, EdmEntityType>, fail: Fail): void {
  for (const type of Object.values(entityTypes)) {
    const element = `EntityType '${type.qualifiedName}'`;
    for (const keyName of type.key) {
      const keyProperty = type.properties.find((p) => p.name === keyName);
      if (!keyProperty) fail(element, `key property '${keyName}' is not a property of the type`);
      else if (keyProperty.typeKind !== 'primitive' && keyProperty.typeKind !== 'enum') fail(element, `key property '${keyName}' is not of a primitive or enum type`);
      else if (keyProperty.typeKind === 'primitive' && !KEY_TYPES.has(keyProperty.type)) fail(element, `key property '${keyName}' has type '${keyProperty.type}', which cannot be a key`);
      else if (keyProperty.nullable) fail(element, `key property '${keyName}' must have Nullable="false"`);
    }
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
