import type { EdmEntityType, EdmNavigationProperty } from '../../../src/edm/model.js';
import { sampleValue } from '../../../src/odata/sample-values.js';
import { CONTAINMENT_DEPTH, type DriveContext } from './context.js';
import { buildEntity, creatableTypes, isComputed, keyIdentity, keyParts, keyValues, patchableProperty, propertyAt } from './entities.js';
import { describe, expectStatus, pathOf } from './http.js';
import { canonical, keyFilter, keyPredicate, sameValue } from './literals.js';
import { expect } from './steps.js';

// The life of one entity in a collection, as a client sees it: list, create, read back by
// Location and by a key predicate the client writes itself, find by $filter on the key, update,
// then (after the collections it contains) delete and find gone.

function expectKeys(type: EdmEntityType, expected: unknown[], entity: unknown, where: string): void {
  const actual = keyValues(type, entity);
  type.keyProperties.forEach((part, i) => {
    expect(sameValue(part.type, part.typeKind, actual[i], expected[i]),
      `${where}: key ${part.name} is ${JSON.stringify(actual[i])}, expected ${JSON.stringify(expected[i])}`);
  });
}

const containedCollections = (type: EdmEntityType): EdmNavigationProperty[] =>
  type.navigationProperties.filter((nav) => nav.containsTarget && nav.collection);

/** Every step for a collection (an entity set, or a contained collection below `depth` parents). */
export async function driveCollection(ctx: DriveContext, label: string, url: string, type: EdmEntityType, depth = 0): Promise<void> {
  const taken = new Set<string>();
  await ctx.steps.run(`${label}/list`, async () => {
    const response = await ctx.http('GET', url);
    expectStatus(response, 200);
    expect(Array.isArray(response.body?.value), `no 'value' array in ${describe(response)}`);
    for (const entity of response.body.value as unknown[]) taken.add(keyIdentity(type, keyValues(type, entity)));
  });
  const types = creatableTypes(ctx.model, type);
  if (types.length === 0) ctx.steps.skip(`${label}/create`, `${type.qualifiedName} is abstract and no concrete type derives from it`);
  for (const concrete of types) {
    await driveEntity(ctx, concrete === type ? label : `${label}[${concrete.name}]`, url, { concrete, declared: type.qualifiedName }, taken, depth);
  }
}

/** POSTs a new entity of `concrete`; its Location and key, or a thrown step failure. */
export async function createEntity(ctx: DriveContext, url: string, concrete: EdmEntityType, taken: Set<string>, declared?: string): Promise<{ location: string; keys: unknown[] }> {
  const entity = buildEntity(ctx.model, concrete, ctx.random, taken);
  if (declared !== undefined && declared !== concrete.qualifiedName) entity['@odata.type'] = `#${concrete.qualifiedName}`;
  const response = await ctx.http('POST', url, entity);
  expectStatus(response, 201);
  const header = response.headers.location;
  expect(typeof header === 'string' && header !== '', 'no Location header on the 201');
  const sent = keyValues(concrete, entity);
  const keys = response.body === undefined ? sent : keyValues(concrete, response.body);
  concrete.keyProperties.forEach((part, i) => {
    if (isComputed(propertyAt(ctx.model, concrete, part.path))) return;
    expect(sameValue(part.type, part.typeKind, keys[i], sent[i]), `the 201 body has key ${part.name} ${JSON.stringify(keys[i])}, the request ${JSON.stringify(sent[i])}`);
  });
  taken.add(keyIdentity(concrete, keys));
  return { location: pathOf(header), keys };
}

interface EntityTypes {
  /** The type of the entity created. */
  concrete: EdmEntityType;
  /** The collection's type (a base of it, or the same). */
  declared: string;
}

async function driveEntity(ctx: DriveContext, label: string, url: string, { concrete, declared }: EntityTypes, taken: Set<string>, depth: number): Promise<void> {
  const { steps, http } = ctx;
  let created: { location: string; keys: unknown[] } | undefined;
  await steps.run(`${label}/create`, async () => {
    created = await createEntity(ctx, url, concrete, taken, declared);
  });
  const later = ['read-location', 'read-key', 'filter', 'patch', 'delete', 'read-deleted'];
  if (!created) {
    for (const step of later) steps.skip(`${label}/${step}`, 'the create failed');
    return;
  }
  const { location, keys } = created;
  await steps.run(`${label}/read-location`, async () => {
    const response = await http('GET', location);
    expectStatus(response, 200);
    expectKeys(concrete, keys, response.body, `GET ${location}`);
  });
  await steps.run(`${label}/read-key`, async () => {
    const byKey = `${url}${keyPredicate(keyParts(concrete), keys)}`;
    const response = await http('GET', byKey);
    expectStatus(response, 200);
    expectKeys(concrete, keys, response.body, `GET ${byKey}`);
  });
  await steps.run(`${label}/filter`, async () => {
    const query = `${url}?${keyFilter(keyParts(concrete), keys)}`;
    const response = await http('GET', query);
    expectStatus(response, 200);
    const value = response.body?.value as unknown[] | undefined;
    expect(Array.isArray(value) && value.length === 1, `GET ${decodeURIComponent(query)}: ${Array.isArray(value) ? value.length : 'no'} entities, expected 1`);
    expectKeys(concrete, keys, value[0], `GET ${decodeURIComponent(query)}`);
  });
  await steps.run(`${label}/patch`, () => patchEntity(ctx, location, concrete));
  if (depth < CONTAINMENT_DEPTH) {
    for (const nav of containedCollections(concrete)) {
      const target = ctx.model.entityTypes[nav.type];
      if (target) await driveCollection(ctx, `${label}/${nav.name}`, `${location}/${nav.name}`, target, depth + 1);
    }
  }
  await steps.run(`${label}/delete`, async () => expectStatus(await http('DELETE', location), 204));
  await steps.run(`${label}/read-deleted`, async () => expectStatus(await http('GET', location), 404));
}

/** PATCHes one property to a new value and reads it back (entities and singletons alike). */
export async function patchEntity(ctx: DriveContext, url: string, type: EdmEntityType): Promise<void> {
  const property = patchableProperty(ctx.model, type);
  if (!property) return; // nothing but the key: the PATCH has nothing to say
  const before = await ctx.http('GET', url);
  expectStatus(before, 200);
  const current: unknown = before.body?.[property.name];
  let value = sampleValue(ctx.model, property, ctx.random);
  for (let i = 0; i < 8 && canonical(property.type, property.typeKind, value) === canonical(property.type, property.typeKind, current); i++) {
    value = sampleValue(ctx.model, property, ctx.random);
  }
  const response = await ctx.http('PATCH', url, { [property.name]: value });
  expectStatus(response, 204, 200);
  const after = await ctx.http('GET', url);
  expectStatus(after, 200);
  expect(sameValue(property.type, property.typeKind, after.body?.[property.name], value),
    `after PATCH ${property.name}=${JSON.stringify(value)}, GET ${url} has ${JSON.stringify(after.body?.[property.name])}`);
}

/** A singleton: read, update, and the collections it contains. */
export async function driveSingleton(ctx: DriveContext, name: string, type: EdmEntityType): Promise<void> {
  const url = `/${name}`;
  await ctx.steps.run(`${name}/read`, async () => {
    const response = await ctx.http('GET', url);
    expectStatus(response, 200);
    expect(response.body !== null && typeof response.body === 'object' && !Array.isArray(response.body.value), `GET ${url} is not an entity: ${describe(response)}`);
  });
  await ctx.steps.run(`${name}/patch`, () => patchEntity(ctx, url, type));
  for (const nav of containedCollections(type)) {
    const target = ctx.model.entityTypes[nav.type];
    if (target) await driveCollection(ctx, `${name}/${nav.name}`, `${url}/${nav.name}`, target, 1);
  }
}
