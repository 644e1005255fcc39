import type { EdmEntitySet } from '../../edm/model.js';
import type { StoredEntity } from '../../store/memory-store.js';
import { odataErrors } from '../errors.js';
import { prepareWriteBody } from '../request-entity.js';
import { entityTypeInfo } from '../service.js';
import { createEntity } from './deep-insert.js';
import { mergedProperties } from './entity-handlers.js';
import type { OperationRequest } from './handler.js';
import type { AnyEntity, EntitySetTypes, HandlerStore } from './user-handlers.js';

// The store as a user's handler sees it (HandlerContext.store): the request session's entities
// by entity set name and key, written through the same validation as requests, so a handler
// cannot leave an entity in the store that a GET could not answer. Values are handed out as
// copies: a handler that changes what it read changes nothing stored behind the store's back.

/** A deep copy of plain objects and arrays; other values (numbers kept exact, strings) as they are. */
function copyOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyOf);
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const copy: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(value)) copy[name] = copyOf(member);
  return copy;
}

export const entityCopy = (entity: StoredEntity): AnyEntity => copyOf(entity.properties) as AnyEntity;

/** The store's key of a member, from the key a handler names it by. */
const storeKey = (key: string | number): string => String(key);

export function handlerStore(request: OperationRequest): HandlerStore<EntitySetTypes> {
  const { service, store } = request;
  const entitySet = (name: string): EdmEntitySet => {
    const set = Object.hasOwn(service.model.container.entitySets, name) ? service.model.container.entitySets[name] : undefined;
    if (set === undefined) throw new Error(`store: the service has no entity set '${name}'`);
    return set;
  };
  const existing = (name: string, key: string | number): StoredEntity => {
    const set = entitySet(name);
    const entity = store.getMember(name, storeKey(key));
    if (entity === undefined) throw odataErrors.entityNotFound(set.entityType, storeKey(key));
    return entity;
  };
  return {
    get: (name, key) => {
      entitySet(name);
      const entity = store.getMember(name, storeKey(key));
      return entity === undefined ? undefined : entityCopy(entity);
    },
    list: (name) => {
      entitySet(name);
      return store.list(name).map(entityCopy);
    },
    create: (name, entity) => entityCopy(createEntity(service, store, name, entitySet(name).entityType, copyOf(entity)).entity),
    update: (name, key, changes) => {
      const entity = existing(name, key);
      const keys = entityTypeInfo(service, entity.type).type.key;
      // The key names the entity; a change to a single key is refused as a request's would be.
      for (const keyName of keys.length === 1 ? keys : []) {
        if (Object.hasOwn(changes, keyName) && String((changes as AnyEntity)[keyName]) !== entity.key) throw odataErrors.keyMismatch(keyName, entity.key, JSON.stringify((changes as AnyEntity)[keyName]));
      }
      const sent = Object.fromEntries(Object.entries(copyOf(changes) as AnyEntity).filter(([name]) => !keys.includes(name)));
      const body = prepareWriteBody(service, sent, entitySet(name).entityType, 'update', entity.type);
      store.update(entity, mergedProperties(entity, body.properties));
      return entityCopy(entity);
    },
    delete: (name, key) => {
      entitySet(name);
      const entity = store.getMember(name, storeKey(key));
      if (entity === undefined) return false;
      store.delete(entity.path);
      return true;
    },
  };
}
