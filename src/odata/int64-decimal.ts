import type { EdmProperty } from '../edm/model.js';
import type { ODataErrorDetail } from './errors.js';
import { holdsBigInts } from './lossless-json.js';
import { entityTypeInfo, type ODataService } from './service.js';

// Int64 and Decimal values a double cannot hold (OData JSON §7.1, §3.2 IEEE754Compatible).
// Integers beyond ±2^53 arrive as BigInt (lossless-json.ts); with `IEEE754Compatible=true` in the
// request's Content-Type, Int64 and Decimal values may also arrive as strings. This step, run
// only when either can be the case, checks each such value against its declared type (an Int64
// within ±2^63, nothing but Int64 or Decimal beyond 2^53), turns strings into numbers, and hides
// BigInts from the JSON Schema validator (which knows only doubles) until it has run.

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const WIDE = new Set(['Edm.Int64', 'Edm.Decimal']);

export interface WideNumbers {
  details: ODataErrorDetail[];
  /** Puts the BigInt values back after validation. */
  restore(): void;
}

const NONE: WideNumbers = { details: [], restore: () => undefined };

/** True when the body may hold a BigInt: flagged by the parser, or in a copy of such a body's members. */
export function needsWideNumberStep(body: unknown, ieee754: boolean): boolean {
  if (ieee754 || holdsBigInts(body)) return true;
  if (typeof body !== 'object' || body === null) return false;
  for (const value of Object.values(body)) if (typeof value === 'bigint' || holdsBigInts(value)) return true;
  return false;
}

interface Walk {
  service: ODataService;
  ieee754: boolean;
  details: ODataErrorDetail[];
  hidden: { holder: Record<string, unknown> | unknown[]; key: string | number; value: bigint }[];
}

function invalid(walk: Walk, target: string, message: string): void {
  walk.details.push({ code: 'InvalidValue', message, target });
}

/** One primitive value; returns what to store in its place. */
function decode(walk: Walk, property: EdmProperty, value: unknown, target: string): unknown {
  const wide = WIDE.has(property.type);
  if (typeof value === 'string' && walk.ieee754 && wide) {
    const integer = property.type === 'Edm.Int64';
    if (!(integer ? /^-?\d+$/ : /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/).test(value)) {
      invalid(walk, target, `Cannot convert the literal '${value}' to the expected type '${property.type}'.`);
      return value;
    }
    if (!integer) return Number(value);
    const big = BigInt(value);
    if (big < INT64_MIN || big > INT64_MAX) {
      invalid(walk, target, `The value ${value} is out of the range of '${property.type}'.`);
      return value;
    }
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  if (typeof value === 'bigint') {
    if (!wide || (property.type === 'Edm.Int64' && (value < INT64_MIN || value > INT64_MAX))) {
      invalid(walk, target, `The value ${value} is out of the range of '${property.type}'.`);
    }
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
  if (typeof decoded === 'bigint') {
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
