import type { EdmNavigationProperty, EdmProperty, EdmUnboundOperation } from '../../edm/model.js';
import type { StoredEntity } from '../../store/memory-store.js';

// What a URL path resolves to: a collection, an entity, one of its properties, a reference, a
// count or a bound operation, with what the handlers and the response context need of each.

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
  /** Collection paths of the entity sets this set also sees (ODataService.entitySetViews). */
  includes?: string[];
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

/**
 * An action or function (Protocol §11.5): bound, applied to the resource before it, or called
 * through an import at the service root.
 */
export interface ResolvedOperation extends Common {
  kind: 'operation';
  /** The overload called (an EdmOperation when bound). */
  operation: EdmUnboundOperation;
  /** The resource a bound operation is applied to; undefined for an import. */
  binding?: ResolvedCollection | ResolvedEntity;
  /** A function's parameters, read from the URL and checked; an action's come with the body. */
  parameters?: Record<string, unknown>;
  /** The EntitySet an import names: where the entities it returns live. */
  entitySet?: string;
  /** What follows a composable function returning no entities: a property of its result, or `$count`. */
  compose?: ComposedValue;
}

/** `Fn()/Total`, `Fn()/Total/$value` on a complex result, `Fn()/$count` on a collection (URL Conventions §4.5). */
export type ComposedValue = { kind: 'property'; property: EdmProperty; raw: boolean } | { kind: 'count' };

export type ResolvedPath = ResolvedCollection | ResolvedCollectionCount | ResolvedEntity | ResolvedProperty | ResolvedCollectionRefs | ResolvedEntityRef | ResolvedOperation;
