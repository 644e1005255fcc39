import { operationSource, type RouteTargetKind } from '../../contract/routes.js';
import type { EdmNavigationProperty, EdmOperation, EdmProperty } from '../../edm/model.js';
import { keySegment, type MemoryStore, type StoredEntity } from '../../store/memory-store.js';
import { odataErrors } from '../errors.js';
import { entityTypeInfo, findBoundOperation, isDerivedFrom, resolveEntityTypeName, type ODataService } from '../service.js';
import { parsePathSegments, type PathSegment } from './parse-segments.js';

// Resolves a URL path against the model and the store, one segment at a time (DESIGN.md §1):
// every step is a Map lookup, so the cost is O(segments) whatever the size of the model. Parents
// are looked up as the walk goes, so a URL under a key that does not exist is a 404 before any
// handler runs.

interface Common {
  /** Route-table source: entity set, singleton, or `<declaring type>/<navigation>`. */
  source: string;
  /** Declared entity type of the addressed resource (narrowed by a type-cast segment). */
  type: string;
  /** Path used in `@odata.context` (OData JSON §10). */
  contextPath: string;
}

export interface NavigationInfo {
  property: EdmNavigationProperty;
  /** Canonical path of the navigation: owner entity path + `/` + name; links are kept under it. */
  navigationPath: string;
}

export interface ResolvedCollection extends Common {
  kind: 'collection';
  /** Store key of the collection the members live in. */
  collectionPath: string;
  /** Set when the collection is reached through a navigation property. */
  navigation?: NavigationInfo;
  /** Where a NavigationPropertyBinding says new entities of a non-containment navigation live. */
  bindingHome?: string;
  /** Set after a type-cast segment: members of other types are left out. */
  narrowed?: boolean;
}

export interface ResolvedEntity extends Common {
  kind: 'entity';
  /** Canonical path of the entity (where it lives, which differs from the URL for a linked one). */
  path: string;
  /** Undefined for a single-valued navigation that references nothing. */
  entity: StoredEntity | undefined;
  /** Context path of the collection the URL took the entity from (`#.../userStatuses/$entity`). */
  collectionContextPath?: string;
  /** Set when the entity was reached through a non-containment navigation. */
  link?: { navigationPath: string; key: string; property: EdmNavigationProperty };
}

export interface ResolvedCollectionRefs extends Common {
  kind: 'collectionRefs';
  navigation: NavigationInfo;
}

export interface ResolvedEntityRef extends Common {
  kind: 'entityRef';
  navigation: NavigationInfo;
  /** The linked member's key, for `/{nav}/{key}/$ref`; absent for a single-valued navigation. */
  key?: string;
}

export interface ResolvedCollectionCount extends Common {
  kind: 'collectionCount';
  collection: ResolvedCollection;
}

/** A structural property of an entity (`.../userStatuses/{id}/userName`), or its raw `$value`. */
interface PropertyTarget<K extends 'property' | 'propertyValue'> extends Common {
  kind: K;
  owner: ResolvedEntity;
  property: EdmProperty;
}

export type ResolvedProperty = PropertyTarget<'property'> | PropertyTarget<'propertyValue'>;

/** A bound action or function applied to the resource before it (Protocol §11.5). */
export interface ResolvedOperation extends Common {
  kind: 'operation';
  operation: EdmOperation;
  binding: ResolvedCollection | ResolvedEntity;
}

export type ResolvedPath = ResolvedCollection | ResolvedCollectionCount | ResolvedEntity | ResolvedProperty | ResolvedCollectionRefs | ResolvedEntityRef | ResolvedOperation;
export type { RouteTargetKind };

interface Walk {
  service: ODataService;
  store: MemoryStore;
  /** Entity set or singleton the path starts at, and the navigation names since (for bindings). */
  root: string;
  bindingPath: string[];
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
  if (!segment.name.includes('.') || segment.key !== undefined) return undefined;
  const cast = resolveEntityTypeName(walk.service, segment.name);
  if (cast === undefined) return undefined;
  if (!isDerivedFrom(walk.service, cast, declared)) throw odataErrors.invalidUrl(`the type '${segment.name}' does not derive from '${declared}'`);
  return cast;
}

const INTEGER_KEY_TYPES = new Set(['Edm.Byte', 'Edm.SByte', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64']);
const GUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

/**
 * The key as stored, checked against the key property's type (URL Conventions §4.3.1): a string
 * is quoted in parentheses, a number or GUID is not; as a segment (§4.3.6) any is bare.
 * `quoted` is undefined for the segment form.
 */
function typedKey(walk: Walk, collection: ResolvedCollection, key: string, quoted: boolean | undefined): string {
  const keyType = entityTypeInfo(walk.service, collection.type).keyType ?? 'Edm.String';
  const wrong = (why: string) => odataErrors.invalidUrl(`the key '${key}' of '${collection.contextPath}' ${why}`);
  if (keyType === 'Edm.String') {
    if (quoted === false) throw wrong("is a string, so it must be quoted: ('...')");
    return key;
  }
  if (quoted === true) throw wrong(`is an ${keyType}, which is written without quotes`);
  if (INTEGER_KEY_TYPES.has(keyType)) {
    if (!/^-?\d+$/.test(key)) throw wrong(`is not an ${keyType} literal`);
    return BigInt(key).toString(); // `007` names the entity `7`
  }
  if (keyType === 'Edm.Guid' && !GUID.test(key)) throw wrong('is not an Edm.Guid literal');
  return key;
}

function member(walk: Walk, collection: ResolvedCollection, rawKey: string, quoted?: boolean): ResolvedEntity {
  const { store } = walk;
  const key = typedKey(walk, collection, rawKey, quoted);
  const contextPath = `${collection.contextPath}${keySegment(key, entityTypeInfo(walk.service, collection.type).bareKey)}`;
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
  const entity = store.getMember(collection.collectionPath, key);
  if (!entity || !isDerivedFrom(walk.service, entity.type, collection.type)) throw odataErrors.entityNotFound(collection.type, key);
  return {
    kind: 'entity', source: collection.source, type: collection.type, contextPath, collectionContextPath: collection.contextPath, path: entity.path, entity,
  };
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

function navigate(walk: Walk, owner: ResolvedEntity, segment: PathSegment): ResolvedCollection | ResolvedEntity {
  const info = entityTypeInfo(walk.service, owner.type);
  const property = info.navigation.get(segment.name);
  if (!property) throw odataErrors.segmentNotFound(segment.raw);
  if (!owner.entity) throw odataErrors.segmentNotFound(segment.raw);
  walk.bindingPath.push(property.name);
  const source = `${property.declaredBy}/${property.name}`;
  const navigationPath = `${owner.path}/${property.name}`;
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
    return segment.key === undefined ? collection : member(walk, collection, segment.key, segment.keyQuoted);
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

/** Resolves a service-relative path (`/deviceAppManagement/mobileApps('a')/userStatuses`). */
export function resolvePath(service: ODataService, store: MemoryStore, path: string): ResolvedPath {
  const segments = parsePathSegments(path);
  const first = segments[0];
  if (!first) throw odataErrors.segmentNotFound('');
  const { container } = service.model;
  const walk: Walk = { service, store, root: first.name, bindingPath: [] };
  if (SERVICE_RESOURCES.has(first.name)) throw odataErrors.notImplemented(`The service resource '${first.name}'`);
  if (first.keyError) throw first.keyError;
  let current: ResolvedCollection | ResolvedEntity;
  const entitySet = Object.hasOwn(container.entitySets, first.name) ? container.entitySets[first.name] : undefined;
  const singleton = Object.hasOwn(container.singletons, first.name) ? container.singletons[first.name] : undefined;
  if (entitySet) {
    const collection: ResolvedCollection = {
      kind: 'collection', source: entitySet.name, type: entitySet.entityType, contextPath: entitySet.name, collectionPath: entitySet.name,
    };
    current = first.key === undefined ? collection : member(walk, collection, first.key, first.keyQuoted);
  } else if (singleton && first.key === undefined) {
    current = { kind: 'entity', source: singleton.name, type: singleton.type, contextPath: singleton.name, path: singleton.name, entity: store.get(singleton.name) };
  } else if (SERVICE_RESOURCES.has(first.name)) {
    throw odataErrors.notImplemented(`The service resource '${first.name}'`);
  } else {
    throw odataErrors.segmentNotFound(first.raw);
  }

  const rest = segments;
  for (let index = 1; index < rest.length; index++) {
    const segment = rest[index] as PathSegment;
    const isLast = index === rest.length - 1;
    if (segment.name === '$ref' && segment.key === undefined) {
      if (!isLast) throw odataErrors.segmentNotFound(rest[index + 1]?.raw ?? '');
      return refTarget(current, segment);
    }
    if (segment.name === '$count' && segment.key === undefined && current.kind === 'collection') {
      if (!isLast) throw odataErrors.segmentNotFound(rest[index + 1]?.raw ?? '');
      return { kind: 'collectionCount', source: current.source, type: current.type, contextPath: current.contextPath, collection: current };
    }
    // $count on an entity, $value on a non-media entity, and the like address nothing.
    if (segment.name.startsWith('$')) throw odataErrors.segmentNotFound(segment.raw);
    const operation = findBoundOperation(service, current.type, current.kind === 'collection', segment.name);
    if (operation) {
      // Composing further segments onto a function's result is not supported yet.
      if (!isLast) throw odataErrors.notImplemented(`Addressing '${rest[index + 1]?.raw}' after the ${operation.kind} '${operation.qualifiedName}'`);
      return { kind: 'operation', source: operationSource(operation), type: operation.bindingType, contextPath: `${current.contextPath}/${operation.qualifiedName}`, operation, binding: current };
    }
    if (segment.keyError) throw segment.keyError;
    const cast = castType(walk, current.type, segment);
    if (cast !== undefined) {
      if (current.kind === 'entity' && current.entity && !isDerivedFrom(service, current.entity.type, cast)) throw odataErrors.segmentNotFound(segment.raw);
      current = current.kind === 'collection'
        ? { ...current, type: cast, contextPath: `${current.contextPath}/${cast}`, narrowed: true }
        // JSON Format §10.10: an entity's context names the cast too (`.../mobileApps/<type>/$entity`).
        : { ...current, type: cast, contextPath: `${current.contextPath}/${cast}`, ...(current.collectionContextPath === undefined ? {} : { collectionContextPath: `${current.collectionContextPath}/${cast}` }) };
      continue;
    }
    if (current.kind === 'collection') {
      if (segment.key !== undefined) throw odataErrors.invalidUrl(`a key cannot follow the collection '${current.contextPath}' in '${segment.raw}'`);
      current = member(walk, current, segment.name); // key as segment (URL Conventions §4.3.6)
      continue;
    }
    const property = segment.key === undefined ? entityTypeInfo(service, current.type).properties.get(segment.name) : undefined;
    if (property) {
      // URL Conventions §4.6: a property, then optionally its raw value.
      if (!current.entity) throw odataErrors.segmentNotFound(segment.raw);
      const next = rest[index + 1];
      if (next?.name === '$count') throw odataErrors.badRequest(`$count cannot follow the single property '${property.name}'.`);
      if (next && (next.name !== '$value' || next.key !== undefined || index + 2 < rest.length)) {
        throw next.name === '$value' ? odataErrors.segmentNotFound(rest[index + 2]?.raw ?? next.raw) : odataErrors.notImplemented(`Addressing '${next.name}' inside the property '${property.name}'`);
      }
      const target = { source: current.source, type: current.type, contextPath: `${current.contextPath}/${property.name}`, owner: current, property };
      return next ? { ...target, kind: 'propertyValue' } : { ...target, kind: 'property' };
    }
    current = navigate(walk, current, segment);
  }
  return current;
}
