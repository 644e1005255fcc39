import type { EdmEntityType, EdmModel, EdmProperty } from '../../../src/edm/model.js';
import { sampleValue } from '../../../src/odata/sample-values.js';
import { canonical, setValueAt, valueAt, type KeyPart } from './literals.js';

// Entities a client would send, made from the model alone: every property a value of its type
// (src/odata/sample-values.ts), the key unique in its collection, nothing the service computes.

const CORE = 'Org.OData.Core.V1';

function hasTerm(property: EdmProperty | undefined, term: string): boolean {
  const value = property?.annotations?.[`${CORE}.${term}`];
  return value !== undefined && value !== false && value !== 'false';
}

/** Whether the service, not the client, sets the property's value (Core.Computed). */
export const isComputed = (property: EdmProperty | undefined): boolean => hasTerm(property, 'Computed');
/** Whether the value may be set at creation only (Core.Immutable). */
export const isImmutable = (property: EdmProperty | undefined): boolean => hasTerm(property, 'Immutable');

/** The declaration of the property at `path` (through complex properties). */
export function propertyAt(model: EdmModel, type: EdmEntityType, path: string[]): EdmProperty | undefined {
  let properties = type.properties;
  let found: EdmProperty | undefined;
  for (const segment of path) {
    found = properties.find((p) => p.name === segment);
    properties = found ? (model.complexTypes[found.type]?.properties ?? []) : [];
  }
  return found;
}

/** The key parts of a type, as literals.ts formats them. */
export function keyParts(type: EdmEntityType): KeyPart[] {
  return type.keyProperties.map(({ name, path, type: partType, typeKind }) => ({ name, path, type: partType, typeKind }));
}

/** The key values of an entity, in key order. */
export function keyValues(type: EdmEntityType, entity: unknown): unknown[] {
  return type.keyProperties.map((part) => valueAt(entity, part.path));
}

/** One string per key, the same for the same key however a server writes its values. */
export function keyIdentity(type: EdmEntityType, values: unknown[]): string {
  return JSON.stringify(type.keyProperties.map((part, i) => canonical(part.type, part.typeKind, values[i])));
}

/** Values the payload cannot carry, which the driver leaves out rather than send as null. */
const UNSENDABLE = new Set(['Edm.Stream']);

/** An entity of `type` for a POST: sampled properties and a key no entity of `taken` has. */
export function buildEntity(model: EdmModel, type: EdmEntityType, random: () => number, taken: Set<string>): Record<string, unknown> {
  const entity: Record<string, unknown> = {};
  for (const property of type.properties) {
    if (isComputed(property) || UNSENDABLE.has(property.type)) continue;
    const value = sampleValue(model, property, random);
    if (value === null && !property.nullable && !property.collection) continue;
    entity[property.name] = value;
  }
  for (let attempt = 0; attempt < 64; attempt++) {
    // The key part's own property holds its facets (MaxLength, Precision) and annotations.
    const values = type.keyProperties.map((part) => sampleValue(model, { ...part, ...propertyAt(model, type, part.path), collection: false, nullable: false }, random));
    if (taken.has(keyIdentity(type, values))) continue;
    type.keyProperties.forEach((part, i) => {
      if (!isComputed(propertyAt(model, type, part.path))) setValueAt(entity, part.path, values[i]);
    });
    return entity;
  }
  throw new Error(`no free key value for ${type.qualifiedName} after 64 draws (${taken.size} keys taken)`);
}

/** The concrete types a client can create in a collection of `type`: itself and what derives from it. */
export function creatableTypes(model: EdmModel, type: EdmEntityType, limit = 3): EdmEntityType[] {
  return [type.qualifiedName, ...type.derivedTypes]
    .map((name) => model.entityTypes[name])
    .filter((t): t is EdmEntityType => t !== undefined && !t.abstract)
    .slice(0, limit);
}

/** A property a PATCH may change: primitive or enum, not part of the key, not computed or immutable. */
export function patchableProperty(model: EdmModel, type: EdmEntityType): EdmProperty | undefined {
  const keyRoots = new Set(type.keyProperties.map((part) => part.path[0]));
  const candidates = type.properties.filter((p) => !keyRoots.has(p.name) && !p.collection && !isComputed(p) && !isImmutable(p)
    && (p.typeKind === 'enum' || (p.typeKind === 'primitive' && sampleValue(model, p, () => 0.5) !== null)));
  return candidates.find((p) => p.type === 'Edm.String') ?? candidates[0];
}
