import type { EdmProperty } from '../edm/model.js';
import type { ODataErrorDetail } from './errors.js';
import { DecimalText, doubleHoldsExactly, integerValue, normalInteger } from './exact-number.js';
import { checkDecimalFacets, hasDecimalFacets } from './decimal-facets.js';
import { holdsExactNumbers } from './lossless-json.js';
import { entityTypeInfo, type ODataService } from './service.js';

// Numbers a double cannot hold, and the facets of Edm.Decimal (OData JSON §7.1, §3.2
// IEEE754Compatible, CSDL 7.2.3-7.2.4). Integers beyond ±2^53 arrive as BigInt and other numbers
// a double misrepresents as DecimalText (lossless-json.ts); with `IEEE754Compatible=true` in the
// request's Content-Type, Int64 and Decimal values may also arrive as strings. This step, run
// only when one of these can be the case or the type declares Decimal facets, checks each such
// value against its declared type (an Int64 within ±2^63 and an integer, a Decimal within its
// Precision and Scale, a Double or Single finite), turns strings into numbers, and hides BigInt
// and DecimalText values from the JSON Schema validator (which knows only doubles) until it has run.

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGRAL = new Set(['Edm.Byte', 'Edm.SByte', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64']);
const FLOATING = new Set(['Edm.Double', 'Edm.Single']);
const WIDE = new Set(['Edm.Int64', 'Edm.Decimal']);
const DECIMAL_STRING = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

export interface WideNumbers {
  details: ODataErrorDetail[];
  /** Puts the BigInt and DecimalText values back after validation. */
  restore(): void;
}

const NONE: WideNumbers = { details: [], restore: () => undefined };

const isExact = (value: unknown): boolean => typeof value === 'bigint' || value instanceof DecimalText;

/**
 * True when the body may hold a value this step must see: flagged by the parser, in a copy of
 * such a body's members, a string under IEEE754Compatible, or a type with Decimal facets.
 */
export function needsWideNumberStep(service: ODataService, type: string, body: unknown, ieee754: boolean): boolean {
  if (ieee754 || holdsExactNumbers(body) || hasDecimalFacets(service, type)) return true;
  if (typeof body !== 'object' || body === null) return false;
  for (const value of Object.values(body)) if (isExact(value) || holdsExactNumbers(value)) return true;
  return false;
}

interface Walk {
  service: ODataService;
  ieee754: boolean;
  details: ODataErrorDetail[];
  hidden: { holder: Record<string, unknown> | unknown[]; key: string | number; value: bigint | DecimalText }[];
}

function invalid(walk: Walk, target: string, message: string): void {
  walk.details.push({ code: 'InvalidValue', message, target });
}

const cannotConvert = (value: unknown, type: string) => `Cannot convert the literal '${String(value)}' to the expected type '${type}'.`;
const outOfRange = (value: unknown, type: string) => `The value ${String(value)} is out of the range of '${type}'.`;

/** A string under IEEE754Compatible=true as the number it writes; undefined when it is none. */
function fromIeee754String(type: string, value: string): number | bigint | DecimalText | undefined {
  if (type === 'Edm.Int64') return /^-?\d+$/.test(value) ? normalInteger(BigInt(value)) : undefined;
  if (!DECIMAL_STRING.test(value)) return undefined;
  const number = Number(value);
  return doubleHoldsExactly(value, number) ? number : new DecimalText(value);
}

/** One primitive value; returns what to store in its place. */
function decode(walk: Walk, property: EdmProperty, value: unknown, target: string): unknown {
  const type = property.type;
  if (typeof value === 'string' && walk.ieee754 && WIDE.has(type)) {
    const number = fromIeee754String(type, value);
    if (number === undefined) {
      invalid(walk, target, cannotConvert(value, type));
      return value;
    }
    value = number;
  }
  if (value instanceof DecimalText) {
    if (INTEGRAL.has(type)) {
      // 9007199254740993.0 is an integer written with a fraction: kept exact, never rounded.
      const integer = integerValue(value.text);
      if (integer === undefined) {
        invalid(walk, target, cannotConvert(value, type));
        return value;
      }
      const normal = normalInteger(integer);
      if (typeof normal === 'bigint' && (type !== 'Edm.Int64' || normal < INT64_MIN || normal > INT64_MAX)) {
        invalid(walk, target, outOfRange(value, type)); // the literal as written, not its 400 digits
        return value;
      }
      value = normal;
    } else if (FLOATING.has(type)) {
      const number = Number(value.text);
      if (!Number.isFinite(number)) invalid(walk, target, outOfRange(value, type));
      return Number.isFinite(number) ? number : value;
    } else if (type !== 'Edm.Decimal') {
      invalid(walk, target, cannotConvert(value, type));
      return value;
    }
  }
  if (typeof value === 'bigint') {
    if (FLOATING.has(type)) return Number(value); // a double takes any integer, to its own precision
    if (!INTEGRAL.has(type) && type !== 'Edm.Decimal') {
      invalid(walk, target, cannotConvert(value, type));
      return value;
    }
    if (type !== 'Edm.Decimal' && (type !== 'Edm.Int64' || value < INT64_MIN || value > INT64_MAX)) {
      invalid(walk, target, outOfRange(value, type));
      return value;
    }
  }
  if (type === 'Edm.Decimal' && (typeof value === 'number' || isExact(value))) {
    const problem = checkDecimalFacets(property, value as number | bigint | DecimalText);
    if (problem !== undefined) invalid(walk, target, problem);
  }
  return value;
}

function visit(walk: Walk, holder: Record<string, unknown> | unknown[], key: string | number, property: EdmProperty, target: string): void {
  const value = (holder as Record<string | number, unknown>)[key];
  if (property.collection && Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) visit(walk, value, i, { ...property, collection: false }, `${target}/${i}`);
    return;
  }
  if (property.typeKind === 'complex') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    const object = value as Record<string, unknown>;
    const named = typeof object['@odata.type'] === 'string' ? (object['@odata.type']).slice(1) : property.type;
    const complex = walk.service.model.complexTypes[named] ?? walk.service.model.complexTypes[property.type];
    for (const inner of complex?.properties ?? []) if (Object.hasOwn(object, inner.name)) visit(walk, object, inner.name, inner, `${target}/${inner.name}`);
    return;
  }
  if (property.typeKind !== 'primitive') return;
  const decoded = decode(walk, property, value, target);
  (holder as Record<string | number, unknown>)[key] = decoded;
  if (typeof decoded === 'bigint' || decoded instanceof DecimalText) {
    walk.hidden.push({ holder, key, value: decoded });
    // A placeholder the schema accepts; the value itself has been checked above.
    (holder as Record<string | number, unknown>)[key] = 0;
  }
}

/** Checks and converts the wide numbers of an entity's structural properties (in place). */
export function decodeWideNumbers(service: ODataService, type: string, properties: Record<string, unknown>, ieee754: boolean): WideNumbers {
  const walk: Walk = { service, ieee754, details: [], hidden: [] };
  for (const property of entityTypeInfo(service, type).type.properties) {
    if (Object.hasOwn(properties, property.name)) visit(walk, properties, property.name, property, property.name);
  }
  if (walk.details.length === 0 && walk.hidden.length === 0) return NONE;
  return {
    details: walk.details,
    restore: () => { for (const { holder, key, value } of walk.hidden) (holder as Record<string | number, unknown>)[key] = value; },
  };
}
