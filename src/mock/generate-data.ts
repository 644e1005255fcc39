import type { EdmEntityType, EdmModel, EdmNavigationBinding, EdmNavigationProperty, EdmProperty } from '../edm/model.js';
import { isDerivedFrom, resolveEntityTypeName, type ODataService } from '../odata/service.js';
import { isComputed, sampleKeyValue, sampleValue, seededRandom } from '../odata/sample-values.js';
import type { MemoryStore, StoredEntity } from '../store/memory-store.js';
import { loadFixtures, type FixtureFile } from './seed-data.js';

// Generated data for any model (`--generate N`), as a fixture file and loaded from it, so that
// every entity passes the validation of a POST and the file `generate-data` writes loads into the
// very same store. What is made:
// - N entities in each entity set, of the set's type and its concrete derived types in turn;
// - containment, level by level down to `depth` levels below the entity sets and singletons: at
//   each level every collection-valued containment navigation holds N entities in all, dealt to
//   the entities that have it in turn (the first gets the 1st, the P+1-th, ...), and every
//   single-valued one holds one entity under each of its first N parents. Contained entities
//   travel inside their parent's body (a deep insert);
// - for each NavigationPropertyBinding of an entity set or singleton, links from the generated
//   entities to entities of the binding's target (one for a single-valued navigation, up to
//   LINKS_PER_NAVIGATION for a collection), written as `<entity>/<navigation>/$ref` fixtures.
// The data grows linearly in N whatever the depth: a level never multiplies the one above it.

export const DEFAULT_GENERATE_SEED = 1;
/** Containment levels filled by default: enough for a parent, a child and a grandchild. */
export const DEFAULT_GENERATE_DEPTH = 2;
const LINKS_PER_NAVIGATION = 2;
/** Draws of a key that collides before a collection is taken as full (a Boolean key holds two entities). */
const KEY_ATTEMPTS = 8;

export interface GenerateOptions {
  /** Entities per entity set and per containment navigation at each level. */
  count: number;
  /** Same seed, same bytes. Default 1. */
  seed?: number;
  /** Containment levels filled below entity sets and singletons. Default 2; 0 for none. */
  depth?: number;
}

export interface GeneratedData {
  /** The data as a fixture file: entity sets, singletons' containment collections, then links. */
  fixtures: FixtureFile;
  /** Entities created, contained ones included. */
  entities: number;
}

interface Context {
  model: EdmModel;
  random: () => number;
  count: number;
  depth: number;
  entities: number;
}

/** A body being made, with the concrete type it was made for. */
interface Draft {
  type: string;
  body: Record<string, unknown>;
}

export function checkGenerateOptions(options: GenerateOptions): Required<GenerateOptions> {
  const whole = (name: string, value: number) => {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`generate.${name}: ${value} is not a whole number of 0 or more`);
    return value;
  };
  return { count: whole('count', options.count), seed: whole('seed', options.seed ?? DEFAULT_GENERATE_SEED), depth: whole('depth', options.depth ?? DEFAULT_GENERATE_DEPTH) };
}

/** Makes the data, loads it into `store` (after whatever it holds) and returns it as a fixture file. */
export function generateData(service: ODataService, store: MemoryStore, options: GenerateOptions): GeneratedData {
  const { count, seed, depth } = checkGenerateOptions(options);
  const context: Context = { model: service.model, random: seededRandom(seed), count, depth, entities: 0 };
  const fixtures: FixtureFile = {};
  const load = (collection: string, items: unknown[]) => {
    if (items.length === 0) return [];
    fixtures[collection] = items;
    return loadFixtures(service, store, { [collection]: items }, `generated data '${collection}'`);
  };
  const sources: { entity: StoredEntity; declared: string; bindings: EdmNavigationBinding[] }[] = [];
  for (const set of Object.values(service.model.container.entitySets)) {
    const drafts = makeEntities(context, set.entityType, count);
    fillContainment(context, drafts, 1);
    for (const loaded of load(set.name, drafts.map((d) => d.body))) {
      const entity = store.getMember(set.name, loaded.id);
      if (entity && set.navigationBindings.length > 0) sources.push({ entity, declared: set.entityType, bindings: set.navigationBindings });
    }
  }
  for (const singleton of Object.values(service.model.container.singletons)) {
    for (const navigation of containedCollections(context.model, singleton.type)) {
      if (depth < 1) break;
      const drafts = makeEntities(context, navigation.type, count);
      fillContainment(context, drafts, 2);
      load(`${singleton.name}/${navigation.name}`, drafts.map((d) => d.body));
    }
    const entity = store.get(singleton.name);
    if (entity && singleton.navigationBindings.length > 0) sources.push({ entity, declared: singleton.type, bindings: singleton.navigationBindings });
  }
  const targets = new TargetCache(service, store);
  for (const source of sources) {
    for (const [refsPath, references] of linksOf(context, service, targets, source)) load(refsPath, references);
  }
  return { fixtures, entities: context.entities };
}

const containedCollections = (model: EdmModel, type: string): EdmNavigationProperty[] =>
  model.entityTypes[type]?.navigationProperties.filter((n) => n.containsTarget && n.collection) ?? [];

/** The declared type and its concrete derived types: generated entities take them in turn. */
function concreteTypes(model: EdmModel, declared: string): EdmEntityType[] {
  const type = model.entityTypes[declared];
  if (!type) return [];
  return [declared, ...type.derivedTypes].map((name) => model.entityTypes[name]).filter((t): t is EdmEntityType => t !== undefined && !t.abstract);
}

/** Up to `count` entities of `declared` (fewer when its key has no room for more), keys unique among them. */
function makeEntities(context: Context, declared: string, count: number): Draft[] {
  const types = concreteTypes(context.model, declared);
  const drafts: Draft[] = [];
  if (types.length === 0) return drafts;
  const keys = new Set<string>();
  for (let index = 0; index < count; index++) {
    const type = types[index % types.length] as EdmEntityType;
    const key = uniqueKey(context, type, index, keys);
    if (key === undefined) break;
    const body = makeBody(context, type, declared);
    type.keyProperties.forEach((part, at) => setAt(body, part.path, key[at]));
    drafts.push({ type: type.qualifiedName, body });
    context.entities++;
  }
  return drafts;
}

function makeBody(context: Context, type: EdmEntityType, declared: string): Record<string, unknown> {
  const body: Record<string, unknown> = type.qualifiedName === declared ? {} : { '@odata.type': `#${type.qualifiedName}` };
  for (const property of type.properties) {
    if (isComputed(property) && !type.keyProperties.some((k) => k.path[0] === property.name)) continue;
    const value = sampleValue(context.model, property, context.random);
    if (value !== undefined) body[property.name] = value;
  }
  return body;
}

/** The key's values for the `index`-th entity, unlike every key in `seen`; undefined when none is found. */
function uniqueKey(context: Context, type: EdmEntityType, index: number, seen: Set<string>): unknown[] | undefined {
  for (let attempt = 0; attempt < KEY_ATTEMPTS; attempt++) {
    const values = type.keyProperties.map((part) => {
      const property = propertyAt(context.model, type, part.path);
      const shape = property ?? { type: part.type, typeKind: part.typeKind, collection: false, nullable: false };
      // A part past its type's room (a Boolean beside a counter) repeats a value: the others keep the tuple unique.
      return sampleKeyValue(context.model, shape, index, context.random) ?? sampleKeyValue(context.model, shape, 0, context.random);
    });
    if (values.some((v) => v === undefined)) return undefined;
    const text = JSON.stringify(values);
    if (!seen.has(text)) {
      seen.add(text);
      return values;
    }
  }
  return undefined;
}

/** The property a key path names (`Info/ID`: `ID` of the complex property `Info`). */
function propertyAt(model: EdmModel, type: EdmEntityType, path: string[]): EdmProperty | undefined {
  let properties = type.properties;
  let property: EdmProperty | undefined;
  for (const name of path) {
    property = properties.find((p) => p.name === name);
    if (!property) return undefined;
    properties = model.complexTypes[property.type]?.properties ?? [];
  }
  return property;
}

function setAt(body: Record<string, unknown>, path: string[], value: unknown): void {
  let holder = body;
  for (const name of path.slice(0, -1)) {
    const inner = holder[name];
    holder = (holder[name] = typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? inner : {}) as Record<string, unknown>;
  }
  holder[path.at(-1) as string] = value;
}

/** Containment at `level` and below: see the header for how entities are dealt to their parents. */
function fillContainment(context: Context, parents: Draft[], level: number): void {
  if (level > context.depth || parents.length === 0) return;
  const byNavigation = new Map<string, { navigation: EdmNavigationProperty; parents: Draft[] }>();
  for (const parent of parents) {
    for (const navigation of context.model.entityTypes[parent.type]?.navigationProperties ?? []) {
      if (!navigation.containsTarget) continue;
      let group = byNavigation.get(navigation.name);
      if (!group) byNavigation.set(navigation.name, (group = { navigation, parents: [] }));
      group.parents.push(parent);
    }
  }
  for (const { navigation, parents: holders } of byNavigation.values()) {
    const wanted = navigation.collection ? context.count : Math.min(context.count, holders.length);
    const children = makeEntities(context, navigation.type, wanted);
    children.forEach((child, index) => {
      const parent = holders[index % holders.length] as Draft;
      if (!navigation.collection) parent.body[navigation.name] = child.body;
      else ((parent.body[navigation.name] ??= []) as unknown[]).push(child.body);
    });
    fillContainment(context, children, level + 1);
  }
}

/** Entities a binding target holds, of a navigation's type, found once per target and type. */
class TargetCache {
  private readonly found = new Map<string, StoredEntity[]>();

  constructor(private readonly service: ODataService, private readonly store: MemoryStore) {}

  candidates(target: string, type: string): StoredEntity[] {
    const cacheKey = `${target}|${type}`;
    let list = this.found.get(cacheKey);
    if (list === undefined) {
      const { entitySets, singletons } = this.service.model.container;
      // A target may be qualified by its container (`Container/users`); the store knows only the path below it.
      const path = target.includes('/') && !entitySets[target.split('/')[0] as string] && !singletons[target.split('/')[0] as string]
        ? target.slice(target.indexOf('/') + 1) : target;
      const all = singletons[path] ? [this.store.get(path)].filter((e): e is StoredEntity => e !== undefined) : this.store.list(path);
      list = all.filter((entity) => isDerivedFrom(this.service, entity.type, type));
      this.found.set(cacheKey, list);
    }
    return list;
  }
}

/** The `$ref` fixtures of one entity: for each binding it falls under, links to entities of the target. */
function linksOf(context: Context, service: ODataService, targets: TargetCache, source: { entity: StoredEntity; declared: string; bindings: EdmNavigationBinding[] }): [string, unknown[]][] {
  const { entity, declared, bindings } = source;
  const links: [string, unknown[]][] = [];
  const type = context.model.entityTypes[entity.type];
  const declaredNavigations = context.model.entityTypes[declared]?.navigationProperties ?? [];
  for (const binding of bindings) {
    // `nav` or `Namespace.DerivedType/nav`; paths through complex properties or contained entities are not followed.
    const segments = binding.path.split('/');
    const cast = segments.length === 2 && segments[0]?.includes('.') ? segments[0] : undefined;
    if (segments.length > (cast ? 2 : 1)) continue;
    if (cast && !isDerivedFrom(service, entity.type, resolveEntityTypeName(service, cast) ?? cast)) continue;
    const navigation = type?.navigationProperties.find((n) => n.name === segments.at(-1));
    if (!navigation || navigation.containsTarget) continue;
    const candidates = targets.candidates(binding.target, navigation.type);
    const chosen = new Set<StoredEntity>();
    // A few draws, each kept if new and not the entity itself: bounded even when the target holds only the entity.
    for (let draw = 0; draw < 4 * LINKS_PER_NAVIGATION && candidates.length > 0 && chosen.size < (navigation.collection ? LINKS_PER_NAVIGATION : 1); draw++) {
      const candidate = candidates[Math.floor(context.random() * candidates.length)] as StoredEntity;
      if (candidate.path !== entity.path) chosen.add(candidate);
    }
    // A navigation of a derived type is reached through a type-cast segment (URL Conventions §4.11).
    const viaCast = declaredNavigations.some((n) => n.name === navigation.name) ? '' : `/${entity.type}`;
    if (chosen.size > 0) links.push([`${entity.path}${viaCast}/${navigation.name}/$ref`, [...chosen].map((c) => ({ '@odata.id': c.path }))]);
  }
  return links;
}
