import { createHash } from 'node:crypto';
import type { HandledRoute, HttpMethod, RouteTargetKind } from '../contract/routes.js';
import type { BodyValidator } from '../contract/validators.js';
import type { EdmEntityType, EdmModel, EdmNavigationProperty, EdmOperation, EdmProperty } from '../edm/model.js';
import { entityKeyOf, type EntityKey } from './entity-key.js';
import { DEFAULT_ENTITY_SET_VIEWS, resolveEntitySetViews, type EntitySetViews } from './entity-set-views.js';

// A service ready to answer requests: the model turned into Maps (lookups by name from URLs and
// bodies must never hit Object.prototype: `__proto__` is a name a client can send), the routes of
// the generated route module indexed by resolved target, and the compiled validators. Built once
// at startup.

/**
 * A route with the generated handler that answers it. The handler's signature (an
 * OperationHandler, handlers/handler.ts) mentions ODataService, so the service names it only as a
 * function: the types of the two modules would otherwise import each other.
 */
export type ServiceRoute = HandledRoute<(request: never) => unknown>;

export interface ServiceOptions {
  /**
   * Foreign namespace -> model namespace. Graph reference pages sometimes write
   * `#microsoft.management.services.api.X` for `#microsoft.graph.X`; the default maps it.
   */
  namespaceAliases?: Record<string, string>;
  /**
   * Entity sets that also see other sets' entities (entity-set-views.ts). Default: Graph's
   * `directoryObjects` over every set of a type derived from directoryObject, where the model has it.
   */
  entitySetViews?: EntitySetViews;
}

export const DEFAULT_NAMESPACE_ALIASES: Readonly<Record<string, string>> = {
  'microsoft.management.services.api': 'microsoft.graph',
};

export interface EntityTypeInfo {
  type: EdmEntityType;
  properties: Map<string, EdmProperty>;
  navigation: Map<string, EdmNavigationProperty>;
  /** The type itself and every derived type that is not abstract, sorted. */
  concreteTypes: string[];
  /** `"@odata.type":"#<qualified name>",`: written in front of every entity of the type. */
  typeMember: string;
  /** The key in all its forms: entity values, URL predicates, store keys (entity-key.ts). */
  key: EntityKey;
}

export interface ODataService {
  name: string;
  model: EdmModel;
  entityTypes: Map<string, EntityTypeInfo>;
  validators: Record<string, BodyValidator>;
  /**
   * What a resolved URL ends in -> its source -> method -> route. Two lookups by strings the
   * resolver already holds (hashed once), rather than one by a string built per request.
   */
  routes: Map<RouteTargetKind, Map<string, Map<HttpMethod, ServiceRoute>>>;
  metadataXml: string;
  /** metadataXml encoded as UTF-8 once, to send as it is. */
  metadataBody: Buffer;
  metadataEtag: string;
  /** Namespace or alias -> namespace, schema aliases and configured foreign namespaces included. */
  namespaces: Map<string, string>;
  /**
   * `<binding type>|<e or c>` -> operation name (qualified, alias-qualified or bare) -> its
   * overloads on that binding (functions differ by parameter names, CSDL 12.2), in document order.
   */
  boundOperations: Map<string, Map<string, EdmOperation[]>>;
  /** Every name a bound operation answers to: most segments are not one, and one lookup says so. */
  boundOperationNames: Set<string>;
  /** Entity set -> the other sets whose members it also holds (`directoryObjects` -> users, groups, ...). */
  entitySetViews: Map<string, string[]>;
}

export const bindingKey = (type: string, collection: boolean): string => `${type}|${collection ? 'c' : 'e'}`;

export function createODataService(
  name: string,
  artefacts: { model: EdmModel; routes: ServiceRoute[]; metadataXml: string },
  validators: Record<string, BodyValidator>,
  options: ServiceOptions = {},
): ODataService {
  const { model } = artefacts;
  const entityTypes = new Map<string, EntityTypeInfo>();
  for (const type of Object.values(model.entityTypes)) {
    const concreteTypes = [type.qualifiedName, ...type.derivedTypes]
      .filter((t) => !model.entityTypes[t]?.abstract)
      .sort();
    entityTypes.set(type.qualifiedName, {
      type,
      properties: new Map(type.properties.map((p) => [p.name, p])),
      navigation: new Map(type.navigationProperties.map((n) => [n.name, n])),
      concreteTypes,
      typeMember: `"@odata.type":${JSON.stringify(`#${type.qualifiedName}`)},`,
      key: entityKeyOf(model, type),
    });
  }
  const routes: ODataService['routes'] = new Map();
  for (const route of artefacts.routes) {
    let bySource = routes.get(route.kind);
    if (!bySource) routes.set(route.kind, (bySource = new Map<string, Map<HttpMethod, ServiceRoute>>()));
    let byMethod = bySource.get(route.source);
    if (!byMethod) bySource.set(route.source, (byMethod = new Map<HttpMethod, ServiceRoute>()));
    byMethod.set(route.method, route);
  }
  const namespaces = new Map<string, string>();
  for (const [foreign, target] of Object.entries(options.namespaceAliases ?? DEFAULT_NAMESPACE_ALIASES)) namespaces.set(foreign, target);
  for (const ns of model.namespaces) namespaces.set(ns, ns);
  for (const [alias, ns] of Object.entries(model.aliases)) namespaces.set(alias, ns);
  const boundOperations = new Map<string, Map<string, EdmOperation[]>>();
  const boundOperationNames = new Set<string>();
  for (const operation of model.operations ?? []) {
    const key = bindingKey(operation.bindingType, operation.bindingCollection);
    let byName = boundOperations.get(key);
    if (!byName) boundOperations.set(key, (byName = new Map<string, EdmOperation[]>()));
    const namespace = operation.qualifiedName.slice(0, -operation.name.length - 1);
    const aliases = Object.entries(model.aliases).filter(([, ns]) => ns === namespace).map(([alias]) => `${alias}.${operation.name}`);
    // Graph addresses bound operations without their namespace too (`/users/{id}/assignLicense`).
    for (const name of [operation.qualifiedName, ...aliases, operation.name]) {
      const overloads = byName.get(name);
      // A bare name another operation answers to already stays that one's (the qualified name is unambiguous).
      if (!overloads) byName.set(name, [operation]);
      else if (overloads[0]?.qualifiedName === operation.qualifiedName) overloads.push(operation);
      boundOperationNames.add(name);
    }
  }
  const metadataEtag = `W/"${createHash('sha256').update(artefacts.metadataXml).digest('base64url').slice(0, 27)}"`;
  const entitySetViews = resolveEntitySetViews(model, options.entitySetViews ?? DEFAULT_ENTITY_SET_VIEWS, options.entitySetViews !== undefined);
  return {
    name, model, entityTypes, validators, routes, metadataXml: artefacts.metadataXml, metadataBody: Buffer.from(artefacts.metadataXml, 'utf8'), metadataEtag,
    namespaces, boundOperations, boundOperationNames, entitySetViews,
  };
}

/** The operation a URL segment names, bound to `type` (or a base type of it) as entity or collection. */
export function findBoundOperation(service: ODataService, type: string, collection: boolean, name: string): EdmOperation | undefined {
  return findBoundOverloads(service, type, collection, name)?.[0];
}

/** Every overload of the operation a URL segment names, on the nearest binding type that has it. */
export function findBoundOverloads(service: ODataService, type: string, collection: boolean, name: string): EdmOperation[] | undefined {
  if (!service.boundOperationNames.has(name)) return undefined;
  for (let t: string | undefined = type; t; t = service.entityTypes.get(t)?.type.baseType) {
    const overloads = service.boundOperations.get(bindingKey(t, collection))?.get(name);
    if (overloads) return overloads;
  }
  return undefined;
}

/** `graph.x`, `microsoft.graph.x` or a mapped foreign namespace -> `microsoft.graph.x`, if the type exists. */
export function resolveEntityTypeName(service: ODataService, name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const namespace = service.namespaces.get(name.slice(0, dot));
  if (namespace === undefined) return undefined;
  const qualified = `${namespace}.${name.slice(dot + 1)}`;
  return service.entityTypes.has(qualified) ? qualified : undefined;
}

export function entityTypeInfo(service: ODataService, qualifiedName: string): EntityTypeInfo {
  const info = service.entityTypes.get(qualifiedName);
  if (!info) throw new Error(`unknown entity type ${qualifiedName}`);
  return info;
}

/** Whether `type` is `base` or derives from it. */
export function isDerivedFrom(service: ODataService, type: string, base: string): boolean {
  for (let t: string | undefined = type; t; t = service.entityTypes.get(t)?.type.baseType) if (t === base) return true;
  return false;
}
