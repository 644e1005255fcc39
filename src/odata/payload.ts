import type { StoredEntity } from '../store/memory-store.js';

// Response payloads in OData JSON Format 4.01 with minimal metadata: control information first
// (`@odata.context`, then `@odata.type`, which Graph always sends), then the properties in their
// declared order. Objects are null-prototype so a stored name can never reach Object.prototype.

export const contextUrl = (baseUrl: string, fragment: string): string => `${baseUrl}/$metadata#${fragment}`;

export function entityPayload(entity: StoredEntity, context?: string): Record<string, unknown> {
  const payload: Record<string, unknown> = Object.create(null);
  if (context !== undefined) payload['@odata.context'] = context;
  payload['@odata.type'] = `#${entity.type}`;
  for (const name of Object.keys(entity.properties)) payload[name] = entity.properties[name];
  return payload;
}

export function collectionPayload(entities: StoredEntity[], context: string): Record<string, unknown> {
  return { '@odata.context': context, value: entities.map((e) => entityPayload(e)) };
}

/** Absolute URL of a canonical path, as used in Location, OData-EntityId and @odata.id. */
export const entityUrl = (baseUrl: string, canonicalPath: string): string => `${baseUrl}/${canonicalPath}`;
