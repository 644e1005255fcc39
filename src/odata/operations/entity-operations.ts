import { type MemoryStore, type StoredEntity } from '../../store/memory-store.js';
import { odataErrors } from '../errors.js';
import type { ResolvedCollection, ResolvedEntity } from '../path/resolve-path.js';
import { collectionPayload, contextUrl, entityPayload, entityUrl } from '../payload.js';
import { entityTypeInfo, isDerivedFrom, type ODataService } from '../service.js';
import { completeForCreate, prepareWriteBody, type WriteBody } from '../write-body.js';
import { expectTarget, type OperationHandler, type OperationRequest, type OperationResult } from './operation.js';

// Create, read, list, update and delete of entities (OData 4.01 Protocol §11.2, §11.4).

function existing(resolved: ResolvedEntity): StoredEntity {
  if (!resolved.entity) throw odataErrors.segmentNotFound(resolved.contextPath.slice(resolved.contextPath.lastIndexOf('/') + 1));
  return resolved.entity;
}

/**
 * Context URL of a single entity (OData JSON §10): `#<collection>/$entity` for a collection member,
 * the bare name for a singleton, `#<path>/$entity` for a single-valued navigation.
 */
function entityContext(request: OperationRequest, resolved: ResolvedEntity): string {
  if (resolved.collectionContextPath !== undefined) return contextUrl(request.baseUrl, `${resolved.collectionContextPath}/$entity`);
  const isSingleton = Object.hasOwn(request.service.model.container.singletons, resolved.contextPath);
  return contextUrl(request.baseUrl, isSingleton ? resolved.contextPath : `${resolved.contextPath}/$entity`);
}

/**
 * Validates a body and adds the new entity to `collectionPath`: the one place where entities are
 * created, for HTTP requests and fixtures alike. Everything is checked before the store changes.
 */
export function createEntity(service: ODataService, store: MemoryStore, collectionPath: string, declaredType: string, body: unknown): { entity: StoredEntity; path: string } {
  return insertNew(service, store, collectionPath, prepareWriteBody(service, body, declaredType, 'create'));
}

function insertNew(service: ODataService, store: MemoryStore, collectionPath: string, body: WriteBody): { entity: StoredEntity; path: string } {
  const { key, properties } = completeForCreate(service, body);
  if (key === '') throw odataErrors.badRequest('The key property must not be empty.', entityTypeInfo(service, body.type).type.key[0] ?? null);
  if (store.getMember(collectionPath, key)) throw odataErrors.entityExists(key);
  const entity: StoredEntity = { type: body.type, key, properties, version: 1 };
  return { entity, path: store.insertMember(collectionPath, entity) };
}

function created(request: OperationRequest, collection: ResolvedCollection, entity: StoredEntity, path: string): OperationResult {
  const location = entityUrl(request.baseUrl, path);
  if (request.prefer === 'minimal') {
    return { status: 204, headers: { Location: location, 'OData-EntityId': location, 'Preference-Applied': 'return=minimal' } };
  }
  const headers: Record<string, string> = { Location: location };
  if (request.prefer === 'representation') headers['Preference-Applied'] = 'return=representation';
  return { status: 201, headers, body: entityPayload(entity, contextUrl(request.baseUrl, `${collection.contextPath}/$entity`)) };
}

export const createOperation: OperationHandler = (request) => {
  const collection = expectTarget(request.resolved, 'collection');
  const { entity, path } = createEntity(request.service, request.store, collection.collectionPath, collection.type, request.body);
  return created(request, collection, entity, path);
};

/**
 * POST to a non-containment collection creates the entity where the navigation's binding says
 * (or, with no binding naming one collection, under the navigation itself) and links it
 * (OData 4.01 Protocol §11.4.2).
 */
export const createAndLinkOperation: OperationHandler = (request) => {
  const collection = expectTarget(request.resolved, 'collection');
  const navigation = collection.navigation;
  if (!navigation) throw new Error('createAndLink needs a navigation');
  const home = collection.bindingHome ?? collection.collectionPath;
  const body = prepareWriteBody(request.service, request.body, collection.type, 'create');
  // Fix the key first so that both places it must be free in are checked before any write.
  const key = completeForCreate(request.service, body).key;
  body.properties[entityTypeInfo(request.service, body.type).type.key[0] ?? 'id'] = key;
  if (request.store.getLinks(navigation.navigationPath).has(key)) throw odataErrors.entityExists(key);
  const { entity, path } = insertNew(request.service, request.store, home, body);
  request.store.addLink(navigation.navigationPath, entity.key, path);
  return created(request, collection, entity, path);
};

export const listOperation: OperationHandler = (request) => {
  const collection = expectTarget(request.resolved, 'collection');
  const { store, service } = request;
  const nav = collection.navigation;
  const members = nav && !nav.property.containsTarget
    ? [...store.getLinks(nav.navigationPath).values()].map((path) => store.get(path)).filter((e): e is StoredEntity => e !== undefined)
    : store.list(collection.collectionPath);
  const matching = members.filter((e) => isDerivedFrom(service, e.type, collection.type));
  return { status: 200, body: collectionPayload(matching, contextUrl(request.baseUrl, collection.contextPath)) };
};

export const readOperation: OperationHandler = (request) => {
  const resolved = expectTarget(request.resolved, 'entity');
  // OData 4.01 Protocol §11.2.6: a single-valued navigation referencing nothing is 204 No Content.
  if (!resolved.entity) return { status: 204 };
  return { status: 200, body: entityPayload(resolved.entity, entityContext(request, resolved)) };
};

export const updateOperation: OperationHandler = (request) => {
  const resolved = expectTarget(request.resolved, 'entity');
  const entity = existing(resolved);
  const { service } = request;
  const info = entityTypeInfo(service, entity.type);
  if (request.body !== null && typeof request.body === 'object' && !Array.isArray(request.body)) {
    // Keys are immutable (OData 4.01 Protocol §11.4.3): the body may repeat the key, not change it.
    for (const keyName of info.type.key) {
      const sent = (request.body as Record<string, unknown>)[keyName];
      if (Object.hasOwn(request.body, keyName) && sent !== entity.key) throw odataErrors.keyMismatch(keyName, entity.key, sent);
    }
  }
  const withoutKeys = request.body !== null && typeof request.body === 'object' && !Array.isArray(request.body)
    ? Object.fromEntries(Object.entries(request.body).filter(([name]) => !info.type.key.includes(name)))
    : request.body;
  const changes = prepareWriteBody(service, withoutKeys, resolved.type, 'update', entity.type);
  const merged: Record<string, unknown> = Object.create(null);
  for (const name of Object.keys(entity.properties)) merged[name] = Object.hasOwn(changes.properties, name) ? changes.properties[name] : entity.properties[name];
  for (const name of Object.keys(changes.properties)) if (!Object.hasOwn(merged, name)) merged[name] = changes.properties[name];
  request.store.update(entity, merged);
  if (request.prefer === 'representation') {
    return { status: 200, headers: { 'Preference-Applied': 'return=representation' }, body: entityPayload(entity, entityContext(request, resolved)) };
  }
  return { status: 204 };
};

export const deleteOperation: OperationHandler = (request) => {
  const resolved = expectTarget(request.resolved, 'entity');
  existing(resolved);
  request.store.delete(resolved.path, resolved.memberOf);
  return { status: 204 };
};
