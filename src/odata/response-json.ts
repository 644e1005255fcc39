import type { EdmProperty } from '../edm/model.js';
import type { StoredEntity } from '../store/memory-store.js';
import { DecimalText } from './exact-number.js';
import { stringifyExactJson } from './lossless-json.js';
import type { ResponseFormat } from './response-format.js';
import { entityTypeInfo, type ODataService } from './service.js';

// Response payloads in OData JSON Format 4.01, written as JSON text (ARCHITECTURE.md, decision 4: serialise per
// type, decorate per request). A stored entity's properties are already in declared order, so
// its JSON is one JSON.stringify of that object; the per-request part is the control information
// in front of it, in the order §4.5 lists it: none has none, minimal has the context, @odata.type
// (which Graph always sends) and @odata.etag, full adds @odata.id, @odata.editLink, navigation
// links and the types of properties JSON cannot show. Pieces are composed as text, never parsed
// and serialised again, so an entity inside a page or an expansion costs what it costs alone.
// Plain objects are safe here: a `__proto__` member never gets past the JSON body parser, and
// the model rejects it as a name.

/** JSON text ready to send. */
export class JsonText {
  constructor(readonly text: string) {}
}

export const contextUrl = (baseUrl: string, fragment: string): string => `${baseUrl}/$metadata#${fragment}`;

/** Absolute URL of a canonical path, as used in Location, OData-EntityId and @odata.id. */
export const entityUrl = (baseUrl: string, canonicalPath: string): string => `${baseUrl}/${canonicalPath}`;

/**
 * JSON.stringify, except that BigInt and DecimalText values are written as the digits they hold
 * (JSON.stringify refuses both). The first attempt is the plain one: such values are rare.
 */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return stringifyExactJson(value) as string;
  }
}

const member = (name: string, value: unknown): string => `${JSON.stringify(name)}:${stringifyJson(value)}`;

/** Characters a JSON string must escape (RFC 8259 §7); URLs rarely hold any. */
// eslint-disable-next-line no-control-regex -- the control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029]/;

/** A JSON string literal, without JSON.stringify's cost when nothing needs escaping. */
const jsonString = (text: string): string => (NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`);

export interface WriteContext {
  service: ODataService;
  baseUrl: string;
  format: ResponseFormat;
  /**
   * False when writing an entity just created: most are not read again soon, and keeping their
   * text would double what a growing store holds.
   */
  keepJson?: boolean;
}

/** The text between the braces of an entity's properties, kept on the entity until it changes. */
function propertiesJson(context: WriteContext, entity: StoredEntity): string {
  if (entity.json !== undefined) return entity.json;
  const json = stringifyJson(entity.properties).slice(1, -1);
  if (context.keepJson !== false) entity.json = json;
  return json;
}

/** An expanded navigation property's value, already written. */
export interface Expanded {
  name: string;
  /** An entity's JSON, a collection's items, or null for a single-valued one referencing nothing. */
  value: string | string[] | null;
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

function withTypeInside(value: unknown, declared: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.hasOwn(value, '@odata.type')) return value;
  return { '@odata.type': `#${declared}`, ...value };
}

/** IEEE754Compatible=true: Int64 and Decimal as strings, so that no digit is lost in JavaScript. */
function wireValue(property: EdmProperty | undefined, value: unknown, format: ResponseFormat): unknown {
  if (!format.ieee754 || !property || (property.type !== 'Edm.Int64' && property.type !== 'Edm.Decimal')) return value;
  const text = (v: unknown) => (typeof v === 'number' || typeof v === 'bigint' || v instanceof DecimalText ? String(v) : v);
  return Array.isArray(value) ? value.map(text) : text(value);
}

/** Control information of an entity, each member followed by a comma. */
function controlInformation(context: WriteContext, entity: StoredEntity, typeMember: string, contextFragment: string | undefined): string {
  const { format, baseUrl } = context;
  if (format.metadata === 'none') return '';
  let json = contextFragment === undefined ? '' : `"@odata.context":${jsonString(contextUrl(baseUrl, contextFragment))},`;
  json += typeMember;
  if (format.metadata === 'full') json += `"@odata.id":${jsonString(entityUrl(baseUrl, entity.path))},`;
  json += `"@odata.etag":"W/\\"${entity.seq}-${entity.version}\\"",`;
  if (format.metadata === 'full') json += `"@odata.editLink":${jsonString(entityUrl(baseUrl, entity.path))},`;
  return json;
}

/** The entity's JSON object (with its $select and expansions), as text. */
export function writeEntity(context: WriteContext, entity: StoredEntity, shape: EntityShape = {}, contextFragment?: string): string {
  const { format } = context;
  const info = entityTypeInfo(context.service, entity.type);
  const control = controlInformation(context, entity, info.typeMember, contextFragment);
  const full = format.metadata === 'full';
  if (!full && !format.ieee754 && shape.select === undefined && shape.expanded === undefined) {
    // The common case: every property as stored, nothing to annotate, convert or expand.
    const all = propertiesJson(context, entity);
    // controlInformation ends with a comma; drop it when nothing follows.
    return all === '' ? `{${control.slice(0, -1)}}` : `{${control}${all}}`;
  }
  const parts: string[] = [];
  if (!full && !format.ieee754 && shape.select === undefined) {
    const all = propertiesJson(context, entity);
    if (all !== '') parts.push(all);
  } else {
    for (const name of shape.select ?? Object.keys(entity.properties)) {
      if (!Object.hasOwn(entity.properties, name)) continue;
      const property = info.properties.get(name);
      let value = wireValue(property, entity.properties[name], format);
      if (full && property && value !== null) {
        // JSON Format §4.5.3: a complex value names its type inside itself; other values beside.
        if (property.typeKind === 'complex' && !property.collection) value = withTypeInside(value, property.type);
        else {
          const annotation = typeAnnotation(property);
          if (annotation) parts.push(member(`${name}@odata.type`, annotation));
        }
      }
      parts.push(member(name, value));
    }
  }
  if (full) {
    for (const nav of info.type.navigationProperties) {
      parts.push(member(`${nav.name}@odata.navigationLink`, entityUrl(context.baseUrl, `${entity.path}/${nav.name}`)));
      if (!nav.containsTarget) parts.push(member(`${nav.name}@odata.associationLink`, entityUrl(context.baseUrl, `${entity.path}/${nav.name}/$ref`)));
    }
  }
  for (const expanded of shape.expanded ?? []) {
    if (expanded.count !== undefined) parts.push(`${JSON.stringify(`${expanded.name}@odata.count`)}:${expanded.count}`);
    const value = expanded.value === null ? 'null' : typeof expanded.value === 'string' ? expanded.value : `[${expanded.value.join(',')}]`;
    parts.push(`${JSON.stringify(expanded.name)}:${value}`);
  }
  if (parts.length === 0) return `{${control.slice(0, -1)}}`;
  return `{${control}${parts.join(',')}}`;
}

export interface CollectionExtras {
  count?: number;
  nextLink?: string;
}

/** A collection of already written items (entities or references; the array is consumed). */
export function writeCollection(context: WriteContext, items: string[], contextFragment: string, extras: CollectionExtras = {}): JsonText {
  let json = '{';
  // JSON Format §4.5: with odata.metadata=none, only nextLink and count remain.
  if (context.format.metadata !== 'none') json += `"@odata.context":${jsonString(contextUrl(context.baseUrl, contextFragment))},`;
  if (extras.count !== undefined) json += `"@odata.count":${extras.count},`;
  if (extras.nextLink !== undefined) json += `"@odata.nextLink":${jsonString(extras.nextLink)},`;
  json += '"value":[';
  if (items.length === 0) return new JsonText(`${json}]}`);
  // One join makes the whole text flat in one pass; joining the items first and adding the
  // rest around them would copy the items a second time when the response is written.
  const parts = items;
  parts[0] = json + (parts[0] as string);
  parts[parts.length - 1] = `${parts[parts.length - 1] as string}]}`;
  return new JsonText(parts.join(','));
}

/** A single property (Protocol §11.2.6.1): `{"@odata.context": ..., "value": ...}`. */
export function writeProperty(context: WriteContext, property: EdmProperty | undefined, value: unknown, contextFragment: string): JsonText {
  const parts: string[] = [];
  if (context.format.metadata !== 'none') parts.push(member('@odata.context', contextUrl(context.baseUrl, contextFragment)));
  if (context.format.metadata === 'full' && property) {
    const annotation = typeAnnotation(property);
    if (annotation) parts.push(member('value@odata.type', annotation));
  }
  parts.push(member('value', wireValue(property, value, context.format)));
  return new JsonText(`{${parts.join(',')}}`);
}
