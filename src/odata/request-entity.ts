import { randomUUID } from 'node:crypto';
import type { ErrorObject } from 'ajv';
import { validatorExportName, type BodyValidator, type WriteMode } from '../contract/validators.js';
import type { EdmProperty } from '../edm/model.js';
import { odataErrors, type ODataErrorDetail } from './errors.js';
import { DecimalText, normalInteger } from './exact-number.js';
import { resolveWriteType } from './odata-type.js';
import { decodeWideNumbers, needsWideNumberStep } from './int64-decimal.js';
import { stringifyJson } from './response-json.js';
import { entityTypeInfo, type ODataService } from './service.js';
import { setAtPath, valueAtPath, type KeyPart } from './entity-key.js';

// From a parsed JSON request body to the properties a write stores: control information split
// off, the concrete type resolved from @odata.type, the body validated by that type's compiled
// validator, and (on create) omitted properties given their defaults. Nothing here touches the
// store, so a rejected request can never leave a partial write.

export interface WriteBody {
  type: string;
  /** Structural properties as sent (validated). */
  properties: Record<string, unknown>;
  /** Navigation properties in a create body (deep insert), not yet validated: see deep-insert.ts. */
  navigation: Map<string, unknown>;
}

/** A JSON object; a DecimalText is a number, kept as written. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof DecimalText);
}

/** How the request's body is encoded: `IEEE754Compatible=true` lets Int64 and Decimal be strings. */
export interface BodyFormat {
  ieee754?: boolean;
}

export function prepareWriteBody(service: ODataService, body: unknown, declaredType: string, mode: WriteMode, storedType?: string, format: BodyFormat = {}): WriteBody {
  if (body === undefined || body === null || body === '') throw odataErrors.emptyBody();
  if (!isPlainObject(body)) throw odataErrors.bodyNotObject();
  const annotation = body['@odata.type'];
  let type: string;
  if (storedType !== undefined) {
    // An update cannot change the type of an entity (OData 4.01 Protocol §11.4.3).
    type = annotation === undefined ? storedType : resolveWriteType(service, declaredType, annotation);
    if (type !== storedType) throw odataErrors.typeNotAllowed(String(annotation), declaredType, [`#${storedType}`]);
  } else {
    type = resolveWriteType(service, declaredType, annotation);
  }
  const info = entityTypeInfo(service, type);
  const properties: Record<string, unknown> = {};
  const navigation = new Map<string, unknown>();
  // for...in rather than Object.entries: no array of pairs per body (a JSON body has no inherited members).
  for (const name in body) {
    const value = body[name];
    const at = name.indexOf('@');
    if (at >= 0) {
      // Instance and property annotations are control information, not data (OData JSON §4.5),
      // except a navigation binding, which would change links, and a property's declared type.
      if (name.endsWith('@odata.bind')) throw odataErrors.unsupportedFeature('Binding navigation properties with @odata.bind', name);
      if (name.endsWith('@odata.type') && at > 0) checkPropertyTypeAnnotation(service, info.properties.get(name.slice(0, at)), name, value);
      continue;
    }
    if (info.navigation.has(name)) {
      if (mode !== 'create') throw odataErrors.unsupportedFeature(`Deep update of the navigation property '${name}'`, name);
      navigation.set(name, value);
      continue;
    }
    properties[name] = typeof value === 'object' && value !== null ? withCanonicalControl(service, value) : value;
  }
  const validate = validatorFor(service, mode, type);
  const wide = needsWideNumberStep(service, type, body, format.ieee754 === true) ? decodeWideNumbers(service, type, properties, format.ieee754 === true) : undefined;
  const valid = validate(properties);
  if (!valid || (wide && wide.details.length > 0)) {
    const details = valid ? [] : validationDetails(service, type, properties, validate.errors ?? []);
    // The wide-number step saw the value as sent; the schema may only have seen its placeholder.
    for (const detail of wide?.details ?? []) {
      const at = details.findIndex((d) => d.target === detail.target);
      if (at >= 0) details[at] = detail;
      else details.push(detail);
    }
    throw odataErrors.validation(details);
  }
  wide?.restore();
  return { type, properties, navigation };
}

/**
 * Each type's validators, found once per service (a WeakMap: a reloaded service has its own) and
 * as many as the model has types: finding one means making its export name and looking it up
 * among the module's exports (thousands of them for the whole Graph metadata).
 */
const validatorsByService = new WeakMap<ODataService, Record<WriteMode, Map<string, BodyValidator>>>();

function validatorFor(service: ODataService, mode: WriteMode, type: string): BodyValidator {
  let byMode = validatorsByService.get(service);
  if (byMode === undefined) validatorsByService.set(service, (byMode = { create: new Map(), update: new Map() }));
  let validate = byMode[mode].get(type);
  if (validate === undefined) {
    validate = service.validators[validatorExportName(mode, type)];
    if (!validate) throw new Error(`no ${mode} validator for ${type}`);
    byMode[mode].set(type, validate);
  }
  return validate;
}

/**
 * Control information inside complex values (JSON Format §4.5): `@odata.type` written in its
 * canonical form (`#microsoft.graph.x` for `graph.x` or a mapped foreign namespace), first, so
 * that the schema picks the derived type it names; every other annotation dropped.
 */
function withCanonicalControl(service: ODataService, value: unknown): unknown {
  if (Array.isArray(value)) return value.some((item) => typeof item === 'object' && item !== null) ? value.map((item) => withCanonicalControl(service, item)) : value;
  if (!isPlainObject(value)) return value;
  const result: Record<string, unknown> = {};
  if (Object.hasOwn(value, '@odata.type')) result['@odata.type'] = canonicalTypeName(service, value['@odata.type']);
  for (const name in value) {
    if (name.includes('@')) continue;
    const item = value[name];
    result[name] = typeof item === 'object' && item !== null ? withCanonicalControl(service, item) : item;
  }
  return result;
}

/** `graph.x`, `#microsoft.graph.x` or a mapped namespace -> `#microsoft.graph.x`; anything else as written. */
function canonicalTypeName(service: ODataService, written: unknown): unknown {
  if (typeof written !== 'string') return written;
  const name = written.startsWith('#') ? written.slice(1) : written;
  const dot = name.lastIndexOf('.');
  const namespace = dot > 0 ? service.namespaces.get(name.slice(0, dot)) : undefined;
  return namespace === undefined ? written : `#${namespace}.${name.slice(dot + 1)}`;
}

/** `prop@odata.type` (JSON Format §4.5.3) must name the property's declared type, or a type derived from it. */
function checkPropertyTypeAnnotation(service: ODataService, property: EdmProperty | undefined, annotation: string, value: unknown): void {
  if (!property) return; // an annotation of a dynamic or unknown property: the property itself is validated
  const written = typeof value === 'string' ? value.replace(/^#/, '') : '';
  const collection = /^Collection\((.*)\)$/.exec(written);
  const inner = collection ? (collection[1] as string) : written;
  const dot = inner.lastIndexOf('.');
  const qualified = dot < 0 ? `Edm.${inner}` : `${service.namespaces.get(inner.slice(0, dot)) ?? inner.slice(0, dot)}.${inner.slice(dot + 1)}`;
  const derived = service.model.complexTypes[property.type]?.derivedTypes ?? [];
  const fits = Boolean(collection) === property.collection && (qualified === property.type || derived.includes(qualified));
  if (!fits) {
    const declared = property.collection ? `Collection(${property.type})` : property.type;
    throw odataErrors.badRequest(`${annotation} says '${String(value)}', but '${property.name}' is declared as '${declared}'.`, annotation);
  }
}

/**
 * The property at a JSON path below an entity type (`largeIcon/value`), following the derived
 * complex type a value names in its `@odata.type`.
 */
function propertyAt(service: ODataService, entityType: string, parts: string[], body: unknown): { property?: EdmProperty; ownerType: string } {
  let ownerType = entityType;
  let properties = entityTypeInfo(service, entityType).properties;
  let property: EdmProperty | undefined;
  for (const [index, part] of parts.entries()) {
    if (property?.collection && /^\d+$/.test(part)) continue; // an item of the collection
    if (property) {
      const named = memberOf(valueAt(body, parts.slice(0, index)), '@odata.type');
      const derived = typeof named === 'string' ? service.model.complexTypes[named.replace(/^#/, '')] : undefined;
      const declared = service.model.complexTypes[property.type];
      const complex = derived && (derived === declared || declared?.derivedTypes.includes(derived.qualifiedName)) ? derived : declared;
      if (!complex) return { ownerType };
      ownerType = complex.qualifiedName;
      properties = new Map(complex.properties.map((p) => [p.name, p]));
    }
    property = properties.get(part);
    if (!property) return { ownerType };
  }
  return property ? { property, ownerType } : { ownerType };
}

/** The concrete types a complex value declared as `declared` may name. */
function allowedComplexTypes(service: ODataService, declared: string): string[] {
  const type = service.model.complexTypes[declared];
  return [declared, ...(type?.derivedTypes ?? [])].filter((name) => !service.model.complexTypes[name]?.abstract).map((name) => `#${name}`);
}

function valueAt(root: unknown, parts: string[]): unknown {
  let value = root;
  for (const part of parts) value = isPlainObject(value) || Array.isArray(value) ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

/** A member of a value that may not be an object. */
const memberOf = (value: unknown, name: string): unknown => (isPlainObject(value) ? (value)[name] : undefined);

/**
 * A value as the client wrote it: a number JSON.stringify would write as `null` (Infinity) keeps its
 * digits, and a value holding integers beyond 2^53 (BigInt), which JSON.stringify refuses, is written exactly.
 */
const literal = (value: unknown): string => (typeof value === 'string' || typeof value === 'bigint' || value instanceof DecimalText ? String(value) : stringifyJson(value));

/** Ajv errors -> one OData error detail per failing property, with the property path as target. */
function validationDetails(service: ODataService, type: string, body: unknown, errors: ErrorObject[]): ODataErrorDetail[] {
  const details = new Map<string, ODataErrorDetail>();
  for (const error of errors) {
    if (error.keyword === 'if') continue; // the nullable-complex wrapper; its branch error follows
    const parts = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (error.keyword === 'additionalProperties') {
      const name = String((error.params as { additionalProperty: string }).additionalProperty);
      const path = [...parts, name];
      const { ownerType } = propertyAt(service, type, parts.length ? [...parts, name] : [name], body);
      details.set(path.join('/'), {
        code: 'UnknownProperty',
        message: `The property '${name}' does not exist on type '${ownerType}'. Use only properties the type declares.`,
        target: path.join('/'),
      });
      continue;
    }
    // A complex value's @odata.type that is not the declared type or derived from it, or that is
    // missing where the declared type is abstract.
    const missingType = error.keyword === 'required' && (error.params as { missingProperty?: string }).missingProperty === '@odata.type';
    if (parts.at(-1) === '@odata.type' || missingType) {
      const owner = missingType ? parts : parts.slice(0, -1);
      const target = [...owner, '@odata.type'].join('/');
      const { property: declared } = propertyAt(service, type, owner, body);
      const declaredType = declared?.type ?? 'the declared type';
      const allowed = allowedComplexTypes(service, declaredType);
      const written = memberOf(valueAt(body, owner), '@odata.type');
      details.set(target, {
        code: 'InvalidType',
        message: missingType
          ? `'${declaredType}' is abstract, so the value of '${owner.join('/')}' must name a concrete type in @odata.type. Allowed types: ${allowed.join(', ')}.`
          : `The type '${literal(written)}' cannot be used for '${owner.join('/')}', declared as '${declaredType}'. Allowed types: ${allowed.join(', ')}.`,
        target,
      });
      continue;
    }
    const target = parts.join('/');
    if (details.has(target)) continue;
    const { property } = propertyAt(service, type, parts, body);
    const value = valueAt(body, parts);
    const expected = property ? property.type : 'the declared type';
    if (value === null) {
      details.set(target, {
        code: 'NullNotAllowed',
        message: `The property '${target}' has type '${expected}', which is not nullable: null is not allowed.`,
        target,
      });
    } else if (property?.typeKind === 'enum' && typeof value === 'string') {
      const members = service.model.enumTypes[property.type]?.members.map((m) => m.name) ?? [];
      details.set(target, {
        code: 'InvalidEnumValue',
        message: `The value '${value}' is not a member of the enum type '${property.type}'. Members: ${members.join(', ')}.`,
        target,
      });
    } else {
      details.set(target, {
        code: 'InvalidValue',
        message: `Cannot convert the literal '${literal(value)}' to the expected type '${expected}'.`,
        target,
      });
    }
  }
  return [...details.values()];
}

/** The value an omitted property takes on create: its DefaultValue, else Graph's zero value. */
export function defaultValue(service: ODataService, property: EdmProperty, depth = 0): unknown {
  if (property.collection) return [];
  if (property.nullable) return null;
  if (property.defaultValue !== undefined) return parseDefault(property, property.defaultValue);
  switch (property.typeKind) {
    case 'enum': {
      const members = service.model.enumTypes[property.type]?.members ?? [];
      return (members.find((m) => m.value === 0) ?? members[0])?.name ?? null;
    }
    case 'complex': {
      const complex = service.model.complexTypes[property.type];
      if (!complex || depth > 8) return null;
      const value: Record<string, unknown> = {};
      for (const p of complex.properties) value[p.name] = defaultValue(service, p, depth + 1);
      return value;
    }
    default:
      return PRIMITIVE_ZERO[property.type] ?? null;
  }
}

const PRIMITIVE_ZERO: Record<string, unknown> = {
  'Edm.String': '', 'Edm.Boolean': false, 'Edm.Byte': 0, 'Edm.SByte': 0, 'Edm.Int16': 0, 'Edm.Int32': 0,
  'Edm.Int64': 0, 'Edm.Decimal': 0, 'Edm.Double': 0, 'Edm.Single': 0,
  'Edm.Guid': '00000000-0000-0000-0000-000000000000', 'Edm.DateTimeOffset': '0001-01-01T00:00:00Z',
  'Edm.Date': '0001-01-01', 'Edm.TimeOfDay': '00:00:00', 'Edm.Duration': 'PT0S', 'Edm.Binary': '',
};

function parseDefault(property: EdmProperty, text: string): unknown {
  switch (property.type) {
    case 'Edm.Boolean': return text === 'true';
    case 'Edm.Byte': case 'Edm.SByte': case 'Edm.Int16': case 'Edm.Int32': case 'Edm.Int64':
    case 'Edm.Decimal': case 'Edm.Double': case 'Edm.Single': return Number(text);
    default: return text;
  }
}

/** The members of the collection a create writes in: where a server-assigned integer key is free. */
export interface KeySpace {
  /** How many members the collection has: the search for a free integer starts above it. */
  size: number;
  taken(storeKey: string): boolean;
}

const INTEGER_KEY_MAX: Record<string, bigint> = {
  'Edm.Byte': 255n, 'Edm.SByte': 127n, 'Edm.Int16': 32767n, 'Edm.Int32': 2147483647n, 'Edm.Int64': 9223372036854775807n,
};

/**
 * A key the server makes up for a single-part key the body leaves out: a GUID for keys that can
 * hold one, the next free integer for integer keys. A part of a composite key must be sent.
 */
function assignedKey(part: KeyPart, composite: boolean, space: KeySpace | undefined): unknown {
  const target = part.path.join('/');
  if (composite) throw odataErrors.badRequest(`The key property '${target}' must be given: it is a part of the key ${part.name === target ? '' : `('${part.name}') `}and this service assigns only single keys.`, target);
  if (part.type === 'Edm.String' || part.type === 'Edm.Guid') return randomUUID();
  const max = INTEGER_KEY_MAX[part.type];
  if (max !== undefined && space !== undefined) {
    let candidate = BigInt(space.size + 1);
    while (candidate <= max && space.taken(candidate.toString())) candidate++;
    if (candidate <= max) return normalInteger(candidate);
  }
  throw odataErrors.badRequest(`The key property '${target}' (${part.type}) must be given: this service assigns only string, GUID and integer keys.`, target);
}

/**
 * A new entity's full property set: every declared property in order, then dynamic ones (open
 * types), with key parts the body leaves out assigned (`space`: where integers are free).
 */
export function completeForCreate(service: ODataService, body: WriteBody, space?: KeySpace): { key: string; properties: Record<string, unknown> } {
  const info = entityTypeInfo(service, body.type);
  const properties: Record<string, unknown> = {};
  for (const property of info.type.properties) {
    properties[property.name] = Object.hasOwn(body.properties, property.name) ? body.properties[property.name] : defaultValue(service, property);
  }
  for (const [name, value] of Object.entries(body.properties)) if (!info.properties.has(name)) properties[name] = value;
  const { key: entityKey } = info;
  for (const part of entityKey.parts) {
    const sent = valueAtPath(body.properties, part.path);
    if (sent === undefined || sent === null) setAtPath(properties, part.path, assignedKey(part, entityKey.composite, space));
  }
  const stored = entityKey.storeKeyOf(properties);
  if ('missing' in stored) {
    const target = stored.missing.path.join('/');
    throw odataErrors.badRequest(`The key property '${target}' has no value of its type ${stored.missing.type}.`, target);
  }
  return { key: stored.key, properties };
}
