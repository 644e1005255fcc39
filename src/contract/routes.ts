import type { EdmOperation } from '../edm/model.js';

// The contract between the generator (src/codegen writes the route module, routes.mjs) and the
// runtime (src/odata calls it): what a route entry is, the operations it can name, the shape of the
// generated module, and the key a resolved URL is looked up by. Both sides import this module;
// neither imports the other.

export type Operation =
  | 'list' | 'count' | 'create' | 'read' | 'update' | 'replace' | 'delete'
  | 'readProperty' | 'readPropertyValue' | 'invoke'
  | 'createAndLink' | 'listRefs' | 'addRef' | 'removeRef' | 'readRef' | 'setRef';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * What a resolved URL ends in. `source` is an entity set name, a singleton name, an action or
 * function import's name, for a navigation property `<declaring type>/<navigation property>`,
 * and for a bound operation what operationSource() makes.
 */
export type RouteTargetKind =
  | 'collection' | 'collectionCount' | 'entity' | 'property' | 'propertyValue' | 'collectionRefs' | 'entityRef' | 'operation';

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

/** A route of the generated module: the entry and its named handler, which calls the operation. */
export interface HandledRoute<Handler> extends RouteEntry {
  handler: Handler;
}

/** What the generated route module is given: the shared operation handlers, by operation name. */
export interface RouteRuntime<Handler> {
  operations: Record<Operation, Handler>;
}

/** The default export of a generated routes.mjs. */
export type CreateRoutes = <Handler>(runtime: RouteRuntime<Handler>) => HandledRoute<Handler>[];


/** Route source of a bound operation: overloads differ by binding type, so it is part of the name. */
export const operationSource = (operation: EdmOperation): string =>
  `${operation.bindingType}${operation.bindingCollection ? '[]' : ''}/${operation.qualifiedName}`;
