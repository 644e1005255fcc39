import type { EdmModel, EdmNavigationProperty } from '../edm/model.js';

// The route table: which methods each kind of resource answers, and with which operation. It is
// linear in the model (one group of entries per entity set, singleton and declared navigation
// property), never one entry per URL: containment nests without bound (DESIGN.md §1), so URLs
// are resolved segment by segment at run time and then looked up here by their last step.

export type Operation =
  | 'list' | 'create' | 'read' | 'update' | 'delete'
  | 'createAndLink' | 'listRefs' | 'addRef' | 'removeRef' | 'readRef' | 'setRef';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * What a resolved URL ends in. `source` is an entity set name, a singleton name, or, for a
 * navigation property, `<declaring type>/<navigation property>`.
 */
export type RouteTargetKind = 'collection' | 'entity' | 'collectionRefs' | 'entityRef';

export interface RouteEntry {
  /** A readable URL template; `<type>` stands for any URL addressing an entity of that type. */
  pattern: string;
  source: string;
  kind: RouteTargetKind;
  method: HttpMethod;
  operation: Operation;
  /** The declared entity type of the addressed resource. */
  type: string;
}

export const routeKey = (source: string, kind: RouteTargetKind): string => `${source}#${kind}`;

function navigationEntries(owner: string, nav: EdmNavigationProperty): RouteEntry[] {
  const source = `${owner}/${nav.name}`;
  const base = `<${owner}>/${nav.name}`;
  const entry = (kind: RouteTargetKind, pattern: string, method: HttpMethod, operation: Operation): RouteEntry =>
    ({ pattern, source, kind, method, operation, type: nav.type });
  if (nav.containsTarget && nav.collection) {
    return [
      entry('collection', base, 'GET', 'list'),
      entry('collection', base, 'POST', 'create'),
      entry('entity', `${base}/{id}`, 'GET', 'read'),
      entry('entity', `${base}/{id}`, 'PATCH', 'update'),
      entry('entity', `${base}/{id}`, 'DELETE', 'delete'),
    ];
  }
  if (nav.containsTarget) {
    return [entry('entity', base, 'GET', 'read'), entry('entity', base, 'PATCH', 'update')];
  }
  if (nav.collection) {
    // Non-containment: members are links to entities that live elsewhere. OData 4.01 Protocol
    // §11.4.6 changes the links through $ref; §11.4.2 lets a POST create an entity and link it.
    return [
      entry('collection', base, 'GET', 'list'),
      entry('collection', base, 'POST', 'createAndLink'),
      entry('entity', `${base}/{id}`, 'GET', 'read'),
      entry('entity', `${base}/{id}`, 'PATCH', 'update'),
      entry('collectionRefs', `${base}/$ref`, 'GET', 'listRefs'),
      entry('collectionRefs', `${base}/$ref`, 'POST', 'addRef'),
      entry('entityRef', `${base}/{id}/$ref`, 'DELETE', 'removeRef'),
    ];
  }
  return [
    entry('entity', base, 'GET', 'read'),
    entry('entityRef', `${base}/$ref`, 'GET', 'readRef'),
    entry('entityRef', `${base}/$ref`, 'PUT', 'setRef'),
    entry('entityRef', `${base}/$ref`, 'DELETE', 'removeRef'),
  ];
}

export function buildRouteTable(model: EdmModel): RouteEntry[] {
  const routes: RouteEntry[] = [];
  const { entitySets, singletons } = model.container;
  for (const name of Object.keys(entitySets).sort()) {
    const set = entitySets[name]!;
    const entry = (kind: RouteTargetKind, pattern: string, method: HttpMethod, operation: Operation): RouteEntry =>
      ({ pattern, source: name, kind, method, operation, type: set.entityType });
    routes.push(
      entry('collection', `/${name}`, 'GET', 'list'),
      entry('collection', `/${name}`, 'POST', 'create'),
      entry('entity', `/${name}/{id}`, 'GET', 'read'),
      entry('entity', `/${name}/{id}`, 'PATCH', 'update'),
      entry('entity', `/${name}/{id}`, 'DELETE', 'delete'),
    );
  }
  for (const name of Object.keys(singletons).sort()) {
    const singleton = singletons[name]!;
    routes.push(
      { pattern: `/${name}`, source: name, kind: 'entity', method: 'GET', operation: 'read', type: singleton.type },
      { pattern: `/${name}`, source: name, kind: 'entity', method: 'PATCH', operation: 'update', type: singleton.type },
    );
  }
  for (const type of Object.values(model.entityTypes)) {
    for (const nav of type.navigationProperties) {
      if (nav.declaredBy === type.qualifiedName) routes.push(...navigationEntries(type.qualifiedName, nav));
    }
  }
  return routes;
}
