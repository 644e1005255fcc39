import type { EdmProperty } from '../edm/model.js';
import type { StoredEntity } from '../store/memory-store.js';
import { etagOf } from './etag.js';
import type { ResponseFormat } from './response-format.js';
import { entityTypeInfo, type ODataService } from './service.js';

// Response payloads in OData JSON Format 4.01. Control information comes first, in the order
// §4.5 lists it, and depends on the metadata level: none has none, minimal has the context,
// @odata.type (which Graph always sends) and @odata.etag, full adds @odata.id, @odata.editLink,
// navigation links and the types of properties JSON cannot show. Plain objects are safe here:
// a `__proto__` member never gets past the JSON body parser, and the model rejects it as a name.

export const contextUrl = (baseUrl: string, fragment: string): string => `${baseUrl}/$metadata#${fragment}`;

/** Absolute URL of a canonical path, as used in Location, OData-EntityId and @odata.id. */
export const entityUrl = (baseUrl: string, canonicalPath: string): string => `${baseUrl}/${canonicalPath}`;

export interface WriteContext {
  service: ODataService;
  baseUrl: string;
  format: ResponseFormat;
}

/** An expanded navigation property's value, already projected. */
export interface Expanded {
  name: string;
  value: unknown;
  count?: number;
}

export interface EntityShape {
  /** The properties to write, in order; undefined for all of them (dynamic ones included). */
  select?: string[];
  expanded?: Expanded[];
}

// JSON Format 4.01 §4.5.3: strings, booleans and doubles (and integers as Int32) need no type
// annotation; everything else does in full metadata.
const SELF_EVIDENT = new Set(['Edm.String', 'Edm.Boolean', 'Edm.Double', 'Edm.Int32']);

function typeAnnotation(property: EdmProperty): string | undefined {
  const name = property.type.startsWith('Edm.') ? property.type.slice(4) : property.type;
  if (property.collection) return `#Collection(${name})`;
  return SELF_EVIDENT.has(property.type) ? undefined : `#${name}`;
}

/** IEEE754Compatible=true: Int64 and Decimal as strings, so that no digit is lost in JavaScript. */
function wireValue(property: EdmProperty | undefined, value: unknown, format: ResponseFormat): unknown {
  if (!format.ieee754 || !property || (property.type !== 'Edm.Int64' && property.type !== 'Edm.Decimal')) return value;
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'number' ? String(v) : v));
  return typeof value === 'number' ? String(value) : value;
}

function writeProperties(payload: Record<string, unknown>, declared: Map<string, EdmProperty>, entity: StoredEntity, names: string[], format: ResponseFormat): void {
  for (const name of names) {
    if (!Object.hasOwn(entity.properties, name)) continue;
    const property = declared.get(name);
    if (format.metadata === 'full' && property) {
      const annotation = typeAnnotation(property);
      if (annotation) payload[`${name}@odata.type`] = annotation;
    }
    payload[name] = wireValue(property, entity.properties[name], format);
  }
}

export function writeEntity(context: WriteContext, entity: StoredEntity, path: string, shape: EntityShape = {}, contextFragment?: string): Record<string, unknown> {
  const { format, service, baseUrl } = context;
  const payload: Record<string, unknown> = {};
  const info = entityTypeInfo(service, entity.type);
  const full = format.metadata === 'full';
  if (format.metadata !== 'none') {
    if (contextFragment !== undefined) payload['@odata.context'] = contextUrl(baseUrl, contextFragment);
    payload['@odata.type'] = `#${entity.type}`;
    if (full) payload['@odata.id'] = entityUrl(baseUrl, path);
    payload['@odata.etag'] = etagOf(entity);
    if (full) payload['@odata.editLink'] = entityUrl(baseUrl, path);
  }
  if (!full && !format.ieee754 && shape.select === undefined) {
    // The common case: every property as stored, nothing to annotate or convert.
    Object.assign(payload, entity.properties);
  } else {
    writeProperties(payload, info.properties, entity, shape.select ?? Object.keys(entity.properties), format);
  }
  if (full) {
    for (const nav of info.type.navigationProperties) {
      payload[`${nav.name}@odata.navigationLink`] = entityUrl(baseUrl, `${path}/${nav.name}`);
      if (!nav.containsTarget) payload[`${nav.name}@odata.associationLink`] = entityUrl(baseUrl, `${path}/${nav.name}/$ref`);
    }
  }
  for (const expanded of shape.expanded ?? []) {
    if (expanded.count !== undefined) payload[`${expanded.name}@odata.count`] = expanded.count;
    payload[expanded.name] = expanded.value;
  }
  return payload;
}

export interface CollectionExtras {
  count?: number;
  nextLink?: string;
}

export function writeCollection(context: WriteContext, items: unknown[], contextFragment: string, extras: CollectionExtras = {}): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  // JSON Format §4.5: with odata.metadata=none, only nextLink and count remain.
  if (context.format.metadata !== 'none') payload['@odata.context'] = contextUrl(context.baseUrl, contextFragment);
  if (extras.count !== undefined) payload['@odata.count'] = extras.count;
  if (extras.nextLink !== undefined) payload['@odata.nextLink'] = extras.nextLink;
  payload.value = items;
  return payload;
}

/** A single property (Protocol §11.2.6.1): `{"@odata.context": ..., "value": ...}`. */
export function writeProperty(context: WriteContext, property: EdmProperty | undefined, value: unknown, contextFragment: string): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  if (context.format.metadata !== 'none') payload['@odata.context'] = contextUrl(context.baseUrl, contextFragment);
  if (context.format.metadata === 'full' && property) {
    const annotation = typeAnnotation(property);
    if (annotation) payload['value@odata.type'] = annotation;
  }
  payload.value = wireValue(property, value, context.format);
  return payload;
}
