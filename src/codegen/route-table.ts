import { operationSource, type HttpMethod, type Operation, type RouteEntry, type RouteTargetKind } from '../contract/routes.js';
import type { EdmModel, EdmNavigationProperty } from '../edm/model.js';

// The route table: which methods each kind of resource answers, and with which operation. It is
// linear in the model (one group of entries per entity set, singleton and declared navigation
// property), never one entry per URL: containment nests without bound (ARCHITECTURE.md, decision 1), so URLs
// are resolved segment by segment at run time and then looked up here by their last step.

type EntryMaker = (kind: RouteTargetKind, pattern: string, method: HttpMethod, operation: Operation) => RouteEntry;

/** What every addressable entity answers: read, its properties and their raw values. */
function entityReads(entry: EntryMaker, pattern: string): RouteEntry[] {
  return [
    entry('entity', pattern, 'GET', 'read'),
    entry('property', `${pattern}/{property}`, 'GET', 'readProperty'),
    entry('propertyValue', `${pattern}/{property}/$value`, 'GET', 'readPropertyValue'),
  ];
}

/** A collection: list, count, and (for `create`) POST. */
function collectionEntries(entry: EntryMaker, pattern: string, create: Operation): RouteEntry[] {
  return [
    entry('collection', pattern, 'GET', 'list'),
    entry('collection', pattern, 'POST', create),
    entry('collectionCount', `${pattern}/$count`, 'GET', 'count'),
  ];
}

function navigationEntries(owner: string, nav: EdmNavigationProperty): RouteEntry[] {
  const source = `${owner}/${nav.name}`;
  const base = `<${owner}>/${nav.name}`;
  const entry: EntryMaker = (kind, pattern, method, operation) => ({ pattern, source, kind, method, operation, type: nav.type });
  if (nav.containsTarget && nav.collection) {
    return [
      ...collectionEntries(entry, base, 'create'),
      ...entityReads(entry, `${base}/{id}`),
      entry('entity', `${base}/{id}`, 'PATCH', 'update'),
      entry('entity', `${base}/{id}`, 'PUT', 'replace'),
      entry('entity', `${base}/{id}`, 'DELETE', 'delete'),
    ];
  }
  if (nav.containsTarget) {
    return [...entityReads(entry, base), entry('entity', base, 'PATCH', 'update'), entry('entity', base, 'PUT', 'replace')];
  }
  if (nav.collection) {
    // Non-containment: members are links to entities that live elsewhere. OData 4.01 Protocol
    // §11.4.6 changes the links through $ref; §11.4.2 lets a POST create an entity and link it.
    return [
      ...collectionEntries(entry, base, 'createAndLink'),
      ...entityReads(entry, `${base}/{id}`),
      entry('entity', `${base}/{id}`, 'PATCH', 'update'),
      entry('entity', `${base}/{id}`, 'PUT', 'replace'),
      entry('collectionRefs', `${base}/$ref`, 'GET', 'listRefs'),
      entry('collectionRefs', `${base}/$ref`, 'POST', 'addRef'),
      // OData 4.01 Protocol §11.4.6.2: DELETE .../$ref?$id=<entity URL> (Graph's SDKs send @id).
      entry('collectionRefs', `${base}/$ref`, 'DELETE', 'removeRef'),
      entry('entityRef', `${base}/{id}/$ref`, 'DELETE', 'removeRef'),
    ];
  }
  return [
    ...entityReads(entry, base),
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
    const entry: EntryMaker = (kind, pattern, method, operation) => ({ pattern, source: name, kind, method, operation, type: set.entityType });
    routes.push(
      ...collectionEntries(entry, `/${name}`, 'create'),
      ...entityReads(entry, `/${name}/{id}`),
      entry('entity', `/${name}/{id}`, 'PATCH', 'update'),
      entry('entity', `/${name}/{id}`, 'PUT', 'replace'),
      entry('entity', `/${name}/{id}`, 'DELETE', 'delete'),
    );
  }
  for (const name of Object.keys(singletons).sort()) {
    const singleton = singletons[name]!;
    const entry: EntryMaker = (kind, pattern, method, operation) => ({ pattern, source: name, kind, method, operation, type: singleton.type });
    routes.push(...entityReads(entry, `/${name}`), entry('entity', `/${name}`, 'PATCH', 'update'));
  }
  for (const type of Object.values(model.entityTypes)) {
    for (const nav of type.navigationProperties) {
      if (nav.declaredBy === type.qualifiedName) routes.push(...navigationEntries(type.qualifiedName, nav));
    }
  }
  // Bound operations (Protocol §11.5): actions by POST, functions by GET, on their binding type.
  for (const operation of model.operations) {
    const source = operationSource(operation);
    routes.push({ pattern: `<${source.replace('/', '>/')}`, source, kind: 'operation', method: operation.kind === 'action' ? 'POST' : 'GET', operation: 'invoke', type: operation.bindingType });
  }
  // Imports (Protocol §11.5.4): unbound actions and functions at the service root, by name.
  for (const entry of importRoutes(model)) routes.push(entry);
  return routes;
}

/** One route per action or function import; its type is the returned type (or Edm.Untyped). */
function importRoutes(model: EdmModel): RouteEntry[] {
  const { actionImports, functionImports } = model.container;
  const returnedType = (qualifiedName: string, kind: 'action' | 'function') =>
    model.unboundOperations.find((o) => o.kind === kind && o.qualifiedName === qualifiedName)?.returnType?.type ?? 'Edm.Untyped';
  return [
    ...Object.values(actionImports).map((i): RouteEntry => ({ pattern: `/${i.name}`, source: i.name, kind: 'operation', method: 'POST', operation: 'invoke', type: returnedType(i.action, 'action') })),
    ...Object.values(functionImports).map((i): RouteEntry => ({ pattern: `/${i.name}()`, source: i.name, kind: 'operation', method: 'GET', operation: 'invoke', type: returnedType(i.function, 'function') })),
  ];
}
