import type { EdmEntitySet, EdmNavigationProperty, EdmOperation, EdmProperty, EdmSingleton } from '../../edm/model.js';
import type { MemoryStore, StoredEntity } from '../../store/memory-store.js';
import { odataErrors } from '../errors.js';
import { boundOperationStep, importStep, type OperationStep } from '../operations/operation-step.js';
import type { QueryOptions } from '../query/query-options.js';
import { entityTypeInfo, findBoundOverloads, isDerivedFrom, resolveEntityTypeName, type ODataService } from '../service.js';
import { parsePathSegments, type PathSegment } from './parse-segments.js';
import type {
  ResolvedCollection, ResolvedCollectionRefs, ResolvedEntity, ResolvedEntityRef, ResolvedPath, ResolvedProperty,
} from './resolved-path.js';

export type {
  NavigationInfo, ResolvedCollection, ResolvedCollectionCount, ResolvedCollectionRefs, ResolvedEntity, ResolvedEntityRef,
  ResolvedOperation, ResolvedPath, ResolvedProperty,
} from './resolved-path.js';
export type { RouteTargetKind } from '../../contract/routes.js';

// Resolves a URL path against the model and the store, one segment at a time (ARCHITECTURE.md, decision 1):
// every step is a Map lookup, so the cost is O(segments) whatever the size of the model. Parents
// are looked up as the walk goes, so a URL under a key that does not exist is a 404 before any
// handler runs.

interface Walk {
  service: ODataService;
  store: MemoryStore;
  /** Entity set or singleton the path starts at, and the navigation names since (for bindings). */
  root: string;
  bindingPath: string[];
  /** The request's query options: function parameters may be given there (aliases, 4.01 options). */
  query?: QueryOptions;
}

/** `a/$ref` rules: `$ref` is only valid last, and only after a non-containment navigation. */
function refTarget(current: ResolvedCollection | ResolvedEntity, segment: PathSegment): ResolvedCollectionRefs | ResolvedEntityRef {
  if (current.kind === 'collection' && current.navigation && !current.navigation.property.containsTarget) {
    return { kind: 'collectionRefs', source: current.source, type: current.type, contextPath: current.contextPath, navigation: current.navigation };
  }
  if (current.kind === 'entity' && current.link) {
    const navigation = { property: current.link.property, navigationPath: current.link.navigationPath };
    const single = !current.link.property.collection;
    const ref: ResolvedEntityRef = { kind: 'entityRef', source: current.source, type: current.type, contextPath: current.contextPath, navigation };
    if (!single) ref.key = current.link.key;
    return ref;
  }
  throw odataErrors.segmentNotFound(segment.raw);
}

function castType(walk: Walk, declared: string, segment: PathSegment): string | undefined {
  if (!segment.name.includes('.')) return undefined;
  const cast = resolveEntityTypeName(walk.service, segment.name);
  if (cast === undefined) return undefined;
  if (!isDerivedFrom(walk.service, cast, declared)) throw odataErrors.invalidUrl(`the type '${segment.name}' does not derive from '${declared}'`);
  return cast;
}

/**
 * The member of a collection a key picks: `written` is the text in parentheses, or with `asSegment`
 * the key written as a segment of its own (URL Conventions §4.3.6). Both are read by the type's key
 * (entity-key.ts) into the store key, and the context path names the member canonically.
 */
function member(walk: Walk, collection: ResolvedCollection, written: string, asSegment = false): ResolvedEntity {
  const { store } = walk;
  const entityKey = entityTypeInfo(walk.service, collection.type).key;
  const key = asSegment ? entityKey.readSegment(written, collection.contextPath) : entityKey.readPredicate(written, collection.contextPath);
  const contextPath = `${collection.contextPath}${entityKey.predicate(key)}`;
  const nav = collection.navigation;
  if (nav && !nav.property.containsTarget) {
    const target = store.getLinks(nav.navigationPath).get(key);
    const entity = target === undefined ? undefined : store.get(target);
    if (target === undefined || !entity || !isDerivedFrom(walk.service, entity.type, collection.type)) throw odataErrors.entityNotFound(collection.type, key);
    return {
      kind: 'entity', source: collection.source, type: collection.type, contextPath, collectionContextPath: collection.contextPath, path: target, entity,
      link: { navigationPath: nav.navigationPath, key, property: nav.property },
    };
  }
  const entity = store.getMember(collection.collectionPath, key) ?? (collection.includes && memberOfIncluded(store, collection.includes, key));
  if (!entity || !isDerivedFrom(walk.service, entity.type, collection.type)) throw odataErrors.entityNotFound(collection.type, key);
  return {
    kind: 'entity', source: collection.source, type: collection.type, contextPath, collectionContextPath: collection.contextPath, path: entity.path, entity,
  };
}

/** The first member with this key of the sets a view includes; the entity keeps its own path. */
function memberOfIncluded(store: MemoryStore, includes: string[], key: string): StoredEntity | undefined {
  for (const collectionPath of includes) {
    const entity = store.getMember(collectionPath, key);
    if (entity) return entity;
  }
  return undefined;
}

/** Where a NavigationPropertyBinding target puts entities, if it names exactly one collection. */
function bindingHome(walk: Walk): string | undefined {
  const { container } = walk.service.model;
  const bindings = container.entitySets[walk.root]?.navigationBindings ?? container.singletons[walk.root]?.navigationBindings ?? [];
  const binding = bindings.find((b) => b.path === walk.bindingPath.join('/'));
  if (!binding) return undefined;
  const [first, ...rest] = binding.target.split('/');
  if (first === undefined) return undefined;
  if (Object.hasOwn(container.entitySets, first)) return rest.length === 0 ? first : undefined;
  const singleton = Object.hasOwn(container.singletons, first) ? container.singletons[first] : undefined;
  if (!singleton) return undefined;
  let type = singleton.type;
  for (const [index, name] of rest.entries()) {
    const nav = walk.service.entityTypes.get(type)?.navigation.get(name);
    if (!nav || !nav.containsTarget) return undefined;
    if (nav.collection && index !== rest.length - 1) return undefined; // the key would be unknown
    type = nav.type;
  }
  return binding.target;
}

/**
 * Route source of a navigation (`<declaring type>/<name>`), made once per property of the model:
 * keyed by the property object, so it goes with the model that holds it.
 */
const navigationSources = new WeakMap<EdmNavigationProperty, string>();

function navigationSource(property: EdmNavigationProperty): string {
  let source = navigationSources.get(property);
  if (source === undefined) navigationSources.set(property, (source = `${property.declaredBy}/${property.name}`));
  return source;
}

/**
 * Store paths of the navigations of a stored entity, kept with the entity (a WeakMap: they go when
 * it does). The store looks collections and links up by these paths, and a string made anew for
 * each request costs its concatenation and hashing there again; a kept one has its hash already.
 */
const navigationPaths = new WeakMap<StoredEntity, Map<string, string>>();

function navigationPathOf(owner: ResolvedEntity, entity: StoredEntity, name: string): string {
  // The entity's own path is the owner's path as resolved; anything else is not cached.
  if (entity.path !== owner.path) return `${owner.path}/${name}`;
  let paths = navigationPaths.get(entity);
  if (paths === undefined) navigationPaths.set(entity, (paths = new Map<string, string>()));
  let path = paths.get(name);
  if (path === undefined) paths.set(name, (path = `${entity.path}/${name}`));
  return path;
}

function navigate(walk: Walk, owner: ResolvedEntity, segment: PathSegment): ResolvedCollection | ResolvedEntity {
  const info = entityTypeInfo(walk.service, owner.type);
  const property = info.navigation.get(segment.name);
  if (!property) throw odataErrors.segmentNotFound(segment.raw);
  if (!owner.entity) throw odataErrors.segmentNotFound(segment.raw);
  walk.bindingPath.push(property.name);
  const source = navigationSource(property);
  const navigationPath = navigationPathOf(owner, owner.entity, property.name);
  const contextPath = `${owner.contextPath}/${property.name}`;
  if (property.collection) {
    const collection: ResolvedCollection = {
      kind: 'collection', source, type: property.type, contextPath, collectionPath: navigationPath,
      navigation: { property, navigationPath },
    };
    if (!property.containsTarget) {
      const home = bindingHome(walk);
      if (home !== undefined) collection.bindingHome = home;
    }
    return segment.key === undefined ? collection : member(walk, collection, segment.key);
  }
  if (segment.key !== undefined) throw odataErrors.invalidUrl(`'${segment.name}' is single-valued and takes no key`);
  if (property.containsTarget) {
    return { kind: 'entity', source, type: property.type, contextPath, path: navigationPath, entity: walk.store.get(navigationPath) };
  }
  const [linked] = walk.store.getLinks(navigationPath).entries();
  const entity = linked ? walk.store.get(linked[1]) : undefined;
  return {
    kind: 'entity', source, type: property.type, contextPath, path: linked?.[1] ?? navigationPath, entity,
    link: { navigationPath, key: linked?.[0] ?? '', property },
  };
}

/** Resources at the service root that OData defines and this mock does not serve yet (URL Conventions §4.13-4.15). */
const SERVICE_RESOURCES = new Set(['$batch', '$all', '$crossjoin', '$entity']);

/**
 * Resolves a service-relative path (`/deviceAppManagement/mobileApps('a')/userStatuses`). `query`
 * gives function calls their parameter aliases and the parameters written as query options.
 */
export function resolvePath(service: ODataService, store: MemoryStore, path: string, query?: QueryOptions): ResolvedPath {
  const segments = parsePathSegments(path);
  const first = segments[0];
  if (!first) throw odataErrors.segmentNotFound('');
  const walk: Walk = { service, store, root: first.name, bindingPath: [] };
  if (query) walk.query = query;
  const start = resolveRoot(walk, first, segments.slice(1));
  if ('result' in start) return start.result;
  let current = start.next;
  for (let index = 1; index < segments.length; index++) {
    const step = resolveSegment(walk, current, segments[index] as PathSegment, segments.slice(index + 1));
    if ('result' in step) return step.result;
    current = step.next;
  }
  return current;
}

/** What the first segment of a path can name: an entity set or a singleton (the set first, as URLs resolve). */
interface ServiceRoot {
  entitySet?: EdmEntitySet;
  singleton?: EdmSingleton;
}

/**
 * The container's entity sets and singletons by name, made once per service (a WeakMap: a
 * reloaded service gets its own): one Map lookup for the first segment of every request, where
 * the model's plain objects took four property lookups by a string not yet hashed.
 */
const rootsByService = new WeakMap<ODataService, Map<string, ServiceRoot>>();

function serviceRoots(service: ODataService): Map<string, ServiceRoot> {
  let roots = rootsByService.get(service);
  if (roots !== undefined) return roots;
  roots = new Map<string, ServiceRoot>();
  const { container } = service.model;
  for (const [name, singleton] of Object.entries(container.singletons)) roots.set(name, { singleton });
  for (const [name, entitySet] of Object.entries(container.entitySets)) roots.set(name, { ...roots.get(name), entitySet });
  rootsByService.set(service, roots);
  return roots;
}

/** A segment either leads to the next resource of the walk or ends it (what may follow is checked there). */
type Step = { next: ResolvedCollection | ResolvedEntity } | { result: ResolvedPath };

/** The entity set or singleton the path starts at, or the member its key picks, or an action or function import. */
function resolveRoot(walk: Walk, first: PathSegment, after: PathSegment[]): Step {
  if (SERVICE_RESOURCES.has(first.name)) throw odataErrors.notImplemented(`The service resource '${first.name}'`);
  const roots = serviceRoots(walk.service);
  if (!roots.has(first.name)) {
    const called = importStep(walk, first.name, first.raw, after);
    if (called) return operationTarget(walk, undefined, called);
    // Nothing of the container has this name, whatever its parentheses hold (a function not imported).
    throw odataErrors.segmentNotFound(first.raw);
  }
  if (first.keyError) throw first.keyError;
  const { entitySet, singleton } = roots.get(first.name) ?? {};
  if (entitySet) {
    const collection: ResolvedCollection = {
      kind: 'collection', source: entitySet.name, type: entitySet.entityType, contextPath: entitySet.name, collectionPath: entitySet.name,
    };
    const includes = walk.service.entitySetViews.get(entitySet.name);
    if (includes) collection.includes = includes;
    return { next: first.key === undefined ? collection : member(walk, collection, first.key) };
  }
  if (singleton && first.key === undefined) {
    return { next: { kind: 'entity', source: singleton.name, type: singleton.type, contextPath: singleton.name, path: singleton.name, entity: walk.store.get(singleton.name) } };
  }
  throw odataErrors.segmentNotFound(first.raw);
}

/** One segment after the first, in the order URL Conventions gives them precedence. */
function resolveSegment(walk: Walk, current: ResolvedCollection | ResolvedEntity, segment: PathSegment, after: PathSegment[]): Step {
  if (segment.name.startsWith('$')) return { result: systemSegmentTarget(current, segment, after) };
  const overloads: EdmOperation[] | undefined = findBoundOverloads(walk.service, current.type, current.kind === 'collection', segment.name);
  if (overloads) return operationTarget(walk, current, boundOperationStep(walk, current, overloads, segment.raw, after));
  if (segment.keyError) throw segment.keyError;
  const cast = castType(walk, current.type, segment);
  if (cast !== undefined) return { next: castTarget(walk, current, cast, segment) };
  if (current.kind === 'collection') {
    if (segment.key !== undefined) throw odataErrors.invalidUrl(`a key cannot follow the collection '${current.contextPath}' in '${segment.raw}'`);
    return { next: member(walk, current, segment.name, true) }; // key as segment (URL Conventions §4.3.6)
  }
  const property = segment.key === undefined ? entityTypeInfo(walk.service, current.type).properties.get(segment.name) : undefined;
  if (property) return { result: propertyTarget(current, property, segment, after) };
  return { next: navigate(walk, current, segment) };
}

/** `$ref` and `$count`, each only last; `$count` on an entity, `$value` on a non-media entity and the like address nothing. */
function systemSegmentTarget(current: ResolvedCollection | ResolvedEntity, segment: PathSegment, after: PathSegment[]): ResolvedPath {
  const [following] = after;
  if (segment.name === '$ref' && segment.key === undefined) {
    if (following) throw odataErrors.segmentNotFound(following.raw);
    return refTarget(current, segment);
  }
  if (segment.name === '$count' && segment.key === undefined && current.kind === 'collection') {
    if (following) throw odataErrors.segmentNotFound(following.raw);
    return { kind: 'collectionCount', source: current.source, type: current.type, contextPath: current.contextPath, collection: current };
  }
  throw odataErrors.segmentNotFound(segment.raw);
}

/**
 * Where a call leaves the walk: at the call itself, or (a composable function) at its result,
 * which the segments after it address. A result that is another collection than the binding
 * one is a new root for NavigationPropertyBindings.
 */
function operationTarget(walk: Walk, binding: ResolvedCollection | ResolvedEntity | undefined, step: OperationStep): Step {
  if ('result' in step) return step;
  if (step.next !== binding) {
    walk.root = step.next.source;
    walk.bindingPath = [];
  }
  return step;
}

/**
 * A type-cast segment: the same resource, seen as the derived type (an entity must be of it).
 * URL Conventions §4.11: a cast on a collection may carry a member's key, `.../<type>('k')`,
 * which addresses what `.../<type>/k` does: a 404 unless the member is of that type, as Graph answers.
 */
function castTarget(walk: Walk, current: ResolvedCollection | ResolvedEntity, cast: string, segment: PathSegment): ResolvedCollection | ResolvedEntity {
  if (current.kind === 'collection') {
    const narrowed: ResolvedCollection = { ...current, type: cast, contextPath: `${current.contextPath}/${cast}`, narrowed: true };
    return segment.key === undefined ? narrowed : member(walk, narrowed, segment.key);
  }
  if (segment.key !== undefined) throw odataErrors.invalidUrl(`'${segment.name}' casts the single entity '${current.contextPath}', so it takes no key`);
  if (current.entity && !isDerivedFrom(walk.service, current.entity.type, cast)) throw odataErrors.segmentNotFound(segment.raw);
  // JSON Format §10.10: an entity's context names the cast too (`.../mobileApps/<type>/$entity`).
  return { ...current, type: cast, contextPath: `${current.contextPath}/${cast}`, ...(current.collectionContextPath === undefined ? {} : { collectionContextPath: `${current.collectionContextPath}/${cast}` }) };
}

/** URL Conventions §4.6: a property of an entity, then optionally its raw value, and nothing more. */
function propertyTarget(current: ResolvedEntity, property: EdmProperty, segment: PathSegment, after: PathSegment[]): ResolvedProperty {
  if (!current.entity) throw odataErrors.segmentNotFound(segment.raw);
  const [next, afterNext] = after;
  if (next?.name === '$count') throw odataErrors.badRequest(`$count cannot follow the single property '${property.name}'.`);
  if (next && (next.name !== '$value' || next.key !== undefined || afterNext !== undefined)) {
    throw next.name === '$value' ? odataErrors.segmentNotFound(afterNext?.raw ?? next.raw) : odataErrors.notImplemented(`Addressing '${next.name}' inside the property '${property.name}'`);
  }
  const target = { source: current.source, type: current.type, contextPath: `${current.contextPath}/${property.name}`, owner: current, property };
  return next ? { ...target, kind: 'propertyValue' } : { ...target, kind: 'property' };
}
