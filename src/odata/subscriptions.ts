import type { MemoryStore } from '../store/memory-store.js';
import { ODataError, odataErrors } from './errors.js';
import type { RequestSession, ServiceMount, SubscriptionGate } from './exchange.js';
import { resolvePath, type ResolvedPath } from './path/resolve-path.js';
import type { ODataService } from './service.js';

// Graph's change notifications (docs/notifications.md), as far as the pipeline knows them: which
// writes are writes to Graph's `subscriptions` set, and what a subscription's `resource` names in
// the store. Recognised by type, never by name: an entity set of `microsoft.graph.subscription`
// (or a type derived from it) is one, whatever the service calls it. What is done with such a
// write (the checks, the validation request, the deliveries) is the server's, reached through
// `PipelineHost.subscriptions` (toolkit/notifications; its interface, SubscriptionGate, is in
// exchange.ts with the rest of what the pipeline asks of its host), so nothing here does I/O.

/** Graph's subscription resource type (v1.0 and beta: `EntitySet subscriptions`). */
export const GRAPH_SUBSCRIPTION_TYPE = 'microsoft.graph.subscription';

/** What a subscription watches: a collection (its members' changes) or one entity, by canonical store path. */
export interface WatchedResource {
  kind: 'collection' | 'entity';
  path: string;
  /** The declared entity type, and its base types after it (for the expiry limits per resource type). */
  types: string[];
}

const setsByService = new WeakMap<ODataService, Set<string>>();

/** The entity sets of a service whose type is Graph's subscription type (or derives from it); computed once per service. */
export function subscriptionSets(service: ODataService): Set<string> {
  let sets = setsByService.get(service);
  if (sets === undefined) {
    sets = new Set<string>();
    for (const set of Object.values(service.model.container.entitySets)) {
      if (service.entityTypes.has(GRAPH_SUBSCRIPTION_TYPE) && derives(service, set.entityType)) sets.add(set.name);
    }
    setsByService.set(service, sets);
  }
  return sets;
}

function derives(service: ODataService, type: string): boolean {
  for (let t: string | undefined = type; t; t = service.entityTypes.get(t)?.type.baseType) if (t === GRAPH_SUBSCRIPTION_TYPE) return true;
  return false;
}

/**
 * Admits a write to a subscriptions set through the gate: undefined when the request is not one
 * (the common case: two lookups), else the body to write or a promise of it.
 */
export function admitSubscriptionWrite(
  gate: SubscriptionGate, mount: ServiceMount, session: RequestSession, store: MemoryStore, resolved: ResolvedPath, method: string, body: unknown,
): unknown {
  if (method !== 'POST' && method !== 'PATCH' && method !== 'PUT' && method !== 'DELETE') return undefined;
  const sets = subscriptionSets(mount.service);
  if (sets.size === 0 || !sets.has(resolved.source)) return undefined;
  if (resolved.kind === 'collection' && method === 'POST') return gate.admit({ method, session, mount, store, body });
  if (resolved.kind === 'entity' && resolved.entity !== undefined && method !== 'POST') {
    return gate.admit({ method, session, mount, store, body, existing: { id: resolved.entity.key, properties: resolved.entity.properties } });
  }
  return undefined;
}

/**
 * What a subscription's `resource` names, resolved against the model and the store as a URL path
 * would be (`users`, `/users`, `users/{id}`, `users('{id}')`, `groups/{id}/conversations`): a
 * collection or a single entity, by its canonical path. Query options (Graph allows
 * `security/alerts?$filter=...`) are not applied: every change of the resource is notified.
 * Anything else (a property, a count, an operation, `$ref`) is no resource to watch.
 */
export function watchedResource(service: ODataService, store: MemoryStore, resource: string): WatchedResource {
  const path = resource.split('?')[0]?.replace(/^\/+/, '') ?? '';
  let resolved: ResolvedPath;
  try {
    resolved = resolvePath(service, store, `/${path}`);
  } catch (error) {
    throw odataErrors.subscriptionInvalid(`The resource '${resource}' cannot be watched: ${error instanceof ODataError ? error.message : String(error)}`, 'resource');
  }
  // Writes to a subscriptions set are followed as subscriptions, never notified: watching one would hear nothing.
  if (subscriptionSets(service).has(resolved.source)) {
    throw odataErrors.subscriptionInvalid(`The resource '${resource}' cannot be watched: subscriptions are no resource change notifications are sent for.`, 'resource');
  }
  if (resolved.kind === 'collection' && resolved.navigation?.property.containsTarget !== false) {
    return { kind: 'collection', path: resolved.collectionPath, types: typeChain(service, resolved.type) };
  }
  if (resolved.kind === 'entity' && resolved.entity !== undefined && resolved.link === undefined) {
    return { kind: 'entity', path: resolved.path, types: typeChain(service, resolved.type) };
  }
  throw odataErrors.subscriptionInvalid(`The resource '${resource}' cannot be watched: edmock notifies about entity sets, contained collections and single entities.`, 'resource');
}

function typeChain(service: ODataService, type: string): string[] {
  const chain: string[] = [];
  for (let t: string | undefined = type; t; t = service.entityTypes.get(t)?.type.baseType) chain.push(t);
  return chain;
}

/**
 * The gate as a `$batch` part sees it: parts are answered synchronously (batch/run-batch.ts), so
 * a write that needs a validation request first (a create, a new notificationUrl) is not
 * implemented there; a renewal or a delete is admitted as outside a batch.
 */
export function synchronousGate(gate: SubscriptionGate): SubscriptionGate {
  return {
    admit: (write) => {
      const body = write.body as Record<string, unknown> | null | undefined;
      const newEndpoint = typeof body === 'object' && body !== null && 'notificationUrl' in body;
      if (write.method === 'POST' || (write.method !== 'DELETE' && newEndpoint)) {
        throw odataErrors.notImplemented('A subscription write that needs a validation request (a create, a new notificationUrl) inside $batch');
      }
      return gate.admit(write);
    },
  };
}
