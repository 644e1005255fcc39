import type { MemoryStore, StoredEntity } from '../../store/memory-store.js';
import { checkWritePreconditions, etagOf, isNotModified } from '../etag.js';
import { odataErrors } from '../errors.js';
import type { ResolvedCollection, ResolvedEntity } from '../path/resolve-path.js';
import { entityUrl, JsonText, stringifyJson, writeProperty } from '../response-json.js';
import type { ExpandItem, ShapeOptions } from '../query/query-options.js';
import { readCollection, type CollectionRequest, type Page } from '../query/read-collection.js';
import { selectList, shapeEntity, validateShape, type ShapeContext } from '../query/shape.js';
import { OCTET_STREAM, rawMediaTypeOf } from '../response-format.js';
import { entityTypeInfo, isDerivedFrom } from '../service.js';
import { completeForCreate, prepareWriteBody, type WriteBody } from '../request-entity.js';
import { setAtPath, valueAtPath } from '../entity-key.js';
import { createEntity, type CreateExtras, type Created } from './deep-insert.js';
import { pageResult, pageSizeOf } from './page-result.js';
import { allowOptions, expectTarget, type BoundHooks, type OperationHandler, type OperationRequest, type OperationResult } from './handler.js';

// Entities (OData 4.01 Protocol §11.2 requesting data, §11.4 data modification): list, count,
// read, property reads, create, update (PATCH merges), replace (PUT resets what is omitted),
// delete; with query options, ETags and preferences. Where the user gave hooks for the addressed
// entity set (user-handlers.ts), each step calls them; without, the only cost is one field check.

const COLLECTION_OPTIONS = ['filter', 'orderby', 'top', 'skip', 'count', 'select', 'expand', 'skiptoken', 'format'];
const SHAPE_OPTIONS = ['select', 'expand', 'format'];

const shapeContext = (request: OperationRequest): ShapeContext => ({ service: request.service, baseUrl: request.baseUrl, format: request.format, store: request.store });

function existing(resolved: ResolvedEntity): StoredEntity {
  if (!resolved.entity) throw odataErrors.segmentNotFound(resolved.contextPath.slice(resolved.contextPath.lastIndexOf('/') + 1));
  return resolved.entity;
}

/** Context fragment of a single entity: `<collection>(select)/$entity`, a singleton's bare name. */
function entityFragment(request: OperationRequest, resolved: ResolvedEntity, shape: ShapeOptions): string {
  const list = selectList(shape, request.format.version);
  if (resolved.collectionContextPath !== undefined) return `${resolved.collectionContextPath}${list}/$entity`;
  const isSingleton = Object.hasOwn(request.service.model.container.singletons, resolved.contextPath);
  return isSingleton ? `${resolved.contextPath}${list}` : `${resolved.contextPath}${list}/$entity`;
}

function entityResult(request: OperationRequest, entity: StoredEntity, fragment: string, shape: ShapeOptions, status: number, headers: Record<string, string>): OperationResult {
  headers.ETag = etagOf(entity);
  const context = shapeContext(request);
  if (status === 201) context.keepJson = false;
  return { status, headers, body: new JsonText(shapeEntity(context, entity, shape, 0, fragment)) };
}

/** Whether an entity is of the collection's type (the type a cast narrowed it to), or derived from it. */
function belongsTo({ service }: OperationRequest, collection: ResolvedCollection): (entity: StoredEntity) => boolean {
  return (entity) => entity.type === collection.type || isDerivedFrom(service, entity.type, collection.type);
}

/** The members of a collection, in creation order, and which of them belong to it. */
function readMembers(request: OperationRequest, collection: ResolvedCollection, options: CollectionRequest, pageSize?: number): Page {
  const { store, service } = request;
  const nav = collection.navigation;
  if (nav && !nav.property.containsTarget) {
    return readCollection(service, collection.type, store.linked(nav.navigationPath).filter(belongsTo(request, collection)), undefined, options, pageSize);
  }
  const members = collection.includes ? viewMembers(store, collection.collectionPath, collection.includes) : store.members(collection.collectionPath);
  return readCollection(service, collection.type, members, collection.narrowed ? belongsTo(request, collection) : undefined, options, pageSize);
}

/** A view's own members, then each included set's, in creation order within each. */
function* viewMembers(store: MemoryStore, collectionPath: string, includes: string[]): Iterable<StoredEntity> {
  yield* store.members(collectionPath);
  for (const included of includes) yield* store.members(included);
}

function created(request: OperationRequest, collection: ResolvedCollection, entity: StoredEntity, expand: ExpandItem[]): OperationResult {
  const location = entityUrl(request.baseUrl, entity.path);
  if (request.prefer.return === 'minimal') {
    return { status: 204, headers: { Location: location, 'OData-EntityId': location, ETag: etagOf(entity), 'Preference-Applied': 'return=minimal' } };
  }
  const headers: Record<string, string> = { Location: location };
  if (request.prefer.return === 'representation') headers['Preference-Applied'] = 'return=representation';
  const { query } = request;
  const shape: ShapeOptions = expand.length === 0 ? query : { ...query, expand: [...expand, ...(query.expand ?? [])] };
  return entityResult(request, entity, `${collection.contextPath}${selectList(shape, request.format.version)}/$entity`, shape, 201, headers);
}

/** The body's number encoding, and the permission check of the entities it nests (deep insert). */
const createExtras = (request: OperationRequest): CreateExtras => ({ format: request.bodyFormat, authorizeNested: request.authorizeNested });

/**
 * A write with the user's hooks around it, all of it or nothing: a hook that refuses after the
 * store changed undoes the change. Inside a `$batch` change set, the change set's transaction does.
 */
function atomically(store: MemoryStore, write: () => OperationResult): OperationResult {
  if (store.inTransaction) return write();
  const transaction = store.begin();
  try {
    const result = write();
    transaction.commit();
    return result;
  } catch (error) {
    transaction.rollback();
    throw error;
  }
}

/** A create between beforeCreate (which may change the body) and afterCreate (which may change the answer). */
function hookedCreate(request: OperationRequest, collection: ResolvedCollection, hooks: BoundHooks, create: (body: unknown) => Created): OperationResult {
  return atomically(request.store, () => {
    const { entity, expand } = create(hooks.beforeCreate(request, request.body));
    return hooks.afterEntity('Create', request, created(request, collection, entity, expand), entity);
  });
}

export const createOperation: OperationHandler = (request) => {
  const collection = expectTarget(request.resolved, 'collection');
  allowOptions(request.query, SHAPE_OPTIONS, 'a create');
  validateShape(request.service, collection.type, request.query);
  const hooks = request.userHandlers?.hooks(collection.source);
  if (hooks !== undefined) {
    return hookedCreate(request, collection, hooks, (body) => createEntity(request.service, request.store, collection.collectionPath, collection.type, body, undefined, createExtras(request)));
  }
  const { entity, expand } = createEntity(request.service, request.store, collection.collectionPath, collection.type, request.body, undefined, createExtras(request));
  return created(request, collection, entity, expand);
};

/**
 * POST to a non-containment collection creates the entity where the navigation's binding says
 * (or, with no binding naming one collection, under the navigation itself) and links it
 * (OData 4.01 Protocol §11.4.2).
 */
export const createAndLinkOperation: OperationHandler = (request) => {
  const collection = expectTarget(request.resolved, 'collection');
  allowOptions(request.query, SHAPE_OPTIONS, 'a create');
  const navigation = collection.navigation;
  if (!navigation) throw new Error('createAndLink needs a navigation');
  const home = collection.bindingHome ?? collection.collectionPath;
  const links = request.store.getLinks(navigation.navigationPath);
  const createAndLink = (body: unknown): Created => {
    const done = createEntity(request.service, request.store, home, collection.type, body, (key) => {
      if (links.has(key)) throw odataErrors.entityExists(key);
    }, createExtras(request));
    request.store.addLink(navigation.navigationPath, done.entity.key, done.entity.path);
    return done;
  };
  const hooks = request.userHandlers?.hooks(collection.source);
  if (hooks !== undefined) return hookedCreate(request, collection, hooks, createAndLink);
  const { entity, expand } = createAndLink(request.body);
  return created(request, collection, entity, expand);
};

export const listOperation: OperationHandler = (request) => {
  const collection = expectTarget(request.resolved, 'collection');
  const { query, service } = request;
  allowOptions(query, COLLECTION_OPTIONS, 'a collection');
  validateShape(service, collection.type, query);
  const hooks = request.userHandlers?.hooks(collection.source);
  hooks?.beforeList(request);
  // The query as parsed, not a copy with the page size in it: a copy of its every option per request for one number.
  const page = readMembers(request, collection, query, pageSizeOf(request));
  const context = shapeContext(request);
  let items = page.items.map((entity) => shapeEntity(context, entity, query));
  if (hooks !== undefined) items = hooks.afterList(request, items);
  return pageResult(request, page, items, `${collection.contextPath}${selectList(query, request.format.version)}`);
};

/** `/$count` (URL Conventions §4.8): the number of matching entities, as text/plain. */
export const countOperation: OperationHandler = (request) => {
  const target = expectTarget(request.resolved, 'collectionCount');
  allowOptions(request.query, ['filter', 'format'], 'a count');
  const page = readMembers(request, target.collection, { ...request.query, count: true, top: 0 });
  return { status: 200, contentType: 'text/plain;charset=utf-8', body: String(page.count ?? 0) };
};

export const readOperation: OperationHandler = (request) => {
  const resolved = expectTarget(request.resolved, 'entity');
  allowOptions(request.query, SHAPE_OPTIONS, 'a single entity');
  validateShape(request.service, resolved.type, request.query);
  // OData 4.01 Protocol §11.2.6: a single-valued navigation referencing nothing is 204 No Content.
  if (!resolved.entity) return { status: 204 };
  const hooks = request.userHandlers?.hooks(resolved.source);
  hooks?.beforeRead(request, resolved.entity.key);
  if (isNotModified(resolved.entity, request.preconditions)) return { status: 304, headers: { ETag: etagOf(resolved.entity) } };
  const result = entityResult(request, resolved.entity, entityFragment(request, resolved, request.query), request.query, 200, {});
  return hooks === undefined ? result : hooks.afterEntity('Read', request, result, resolved.entity);
};

export const readPropertyOperation: OperationHandler = (request) => {
  const target = expectTarget(request.resolved, 'property');
  allowOptions(request.query, ['format'], 'a property');
  const entity = existing(target.owner);
  if (isNotModified(entity, request.preconditions)) return { status: 304, headers: { ETag: etagOf(entity) } };
  const value = entity.properties[target.property.name];
  // Protocol §11.2.6.1: a null property is 204 No Content.
  if (value === null || value === undefined) return { status: 204 };
  const context = { service: request.service, baseUrl: request.baseUrl, format: request.format };
  return { status: 200, headers: { ETag: etagOf(entity) }, body: writeProperty(context, target.property, value, target.contextPath) };
};

/** `/$value` (URL Conventions §4.6): the raw value of a primitive property, as text/plain. */
export const readPropertyValueOperation: OperationHandler = (request) => {
  const target = expectTarget(request.resolved, 'propertyValue');
  allowOptions(request.query, ['format'], 'a raw value');
  const { property } = target;
  if (property.collection || property.typeKind === 'complex') throw odataErrors.badRequest(`'${property.name}' is not a primitive property; $value needs one.`, '$value');
  const entity = existing(target.owner);
  // A primitive property's raw value ($value addresses nothing else).
  const value = entity.properties[property.name] as string | number | boolean | bigint | null | undefined;
  if (value === null || value === undefined) return { status: 204 };
  if (rawMediaTypeOf(target) === OCTET_STREAM) return { status: 200, contentType: OCTET_STREAM, body: Buffer.from(String(value), 'base64') };
  return { status: 200, headers: { ETag: etagOf(entity) }, contentType: 'text/plain;charset=utf-8', body: String(value) };
};

/**
 * Keys are immutable (OData 4.01 Protocol §11.4.3): a body may repeat a key part, not change it.
 * Parts are compared as the key reads them (a GUID in either case, `1.50` as `1.5`). Key
 * properties of the entity itself are left out of what the update validates, as before.
 */
function withoutKeys(request: OperationRequest, body: unknown, entity: StoredEntity): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const { key } = entityTypeInfo(request.service, entity.type);
  const topLevel = new Set<string>();
  for (const part of key.parts) {
    const sent = valueAtPath(body as Record<string, unknown>, part.path);
    if (part.path.length === 1) topLevel.add(part.path[0] as string);
    if (sent === undefined) continue;
    const stored = valueAtPath(entity.properties, part.path);
    if (sent !== stored && part.literal.fromValue(sent) !== part.literal.fromValue(stored)) {
      throw odataErrors.keyMismatch(part.path.join('/'), entity.key, stringifyJson(sent));
    }
  }
  return Object.fromEntries(Object.entries(body).filter(([name]) => !topLevel.has(name)));
}

/** The key values of the stored entity, put back where an update's properties would drop or reset them. */
function keepKeys(request: OperationRequest, entity: StoredEntity, properties: Record<string, unknown>): Record<string, unknown> {
  for (const part of entityTypeInfo(request.service, entity.type).key.parts) setAtPath(properties, part.path, valueAtPath(entity.properties, part.path));
  return properties;
}

function updated(request: OperationRequest, resolved: ResolvedEntity, entity: StoredEntity): OperationResult {
  if (request.prefer.return === 'representation') {
    return entityResult(request, entity, entityFragment(request, resolved, request.query), request.query, 200, { 'Preference-Applied': 'return=representation' });
  }
  const headers: Record<string, string> = { ETag: etagOf(entity) };
  if (request.prefer.return === 'minimal') {
    headers['Preference-Applied'] = 'return=minimal';
    headers['OData-EntityId'] = entityUrl(request.baseUrl, resolved.path);
  }
  return { status: 204, headers };
}

/** PATCH merges (Protocol §11.4.3): the stored properties in their order, those sent replacing them, new ones (open types) after. */
export function mergedProperties(entity: StoredEntity, sent: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const name of Object.keys(entity.properties)) merged[name] = Object.hasOwn(sent, name) ? sent[name] : entity.properties[name];
  for (const name of Object.keys(sent)) if (!Object.hasOwn(merged, name)) merged[name] = sent[name];
  return merged;
}

/** What PATCH and PUT share: the target exists, its tag fits, the body (once beforeUpdate had it) is valid for its type. */
function beginUpdate(request: OperationRequest, hooks: BoundHooks | undefined, replace: boolean): { resolved: ResolvedEntity; entity: StoredEntity; body: WriteBody } {
  const resolved = expectTarget(request.resolved, 'entity');
  allowOptions(request.query, SHAPE_OPTIONS, replace ? 'a replace' : 'an update');
  validateShape(request.service, resolved.type, request.query);
  const entity = existing(resolved);
  checkWritePreconditions(entity, request.preconditions);
  const sent = hooks === undefined ? request.body : hooks.beforeUpdate(request, request.body, entity, replace);
  const body = prepareWriteBody(request.service, withoutKeys(request, sent, entity), resolved.type, 'update', entity.type, request.bodyFormat);
  return { resolved, entity, body };
}

function update(request: OperationRequest, hooks: BoundHooks | undefined): OperationResult {
  const { resolved, entity, body } = beginUpdate(request, hooks, false);
  request.store.update(entity, keepKeys(request, entity, mergedProperties(entity, body.properties)));
  const result = updated(request, resolved, entity);
  return hooks === undefined ? result : hooks.afterEntity('Update', request, result, entity);
}

export const updateOperation: OperationHandler = (request) => {
  const hooks = request.userHandlers?.hooks(request.resolved.source);
  return hooks === undefined ? update(request, undefined) : atomically(request.store, () => update(request, hooks));
};

/** PUT replaces every property: omitted ones go back to their defaults (Protocol §11.4.3). */
function replace(request: OperationRequest, hooks: BoundHooks | undefined): OperationResult {
  const { resolved, entity, body } = beginUpdate(request, hooks, true);
  keepKeys(request, entity, body.properties);
  request.store.update(entity, completeForCreate(request.service, body).properties);
  const result = updated(request, resolved, entity);
  return hooks === undefined ? result : hooks.afterEntity('Update', request, result, entity);
}

export const replaceOperation: OperationHandler = (request) => {
  const hooks = request.userHandlers?.hooks(request.resolved.source);
  return hooks === undefined ? replace(request, undefined) : atomically(request.store, () => replace(request, hooks));
};

function remove(request: OperationRequest, hooks: BoundHooks | undefined): OperationResult {
  const resolved = expectTarget(request.resolved, 'entity');
  allowOptions(request.query, ['format'], 'a delete');
  const entity = existing(resolved);
  checkWritePreconditions(entity, request.preconditions);
  hooks?.beforeDelete(request, entity);
  request.store.delete(resolved.path);
  hooks?.afterDelete(request, entity);
  return { status: 204 };
}

export const deleteOperation: OperationHandler = (request) => {
  const hooks = request.userHandlers?.hooks(request.resolved.source);
  return hooks === undefined ? remove(request, undefined) : atomically(request.store, () => remove(request, hooks));
};
