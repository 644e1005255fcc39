import type { EdmProperty } from '../../edm/model.js';
import { DecimalText } from '../exact-number.js';
import type { ODataService } from '../service.js';
import { durationSeconds, instant, timeOfDaySeconds } from './edm-values.js';

// The types an expression's values can have, and how values of each compare.

export type ValueType =
  | { kind: 'primitive'; name: string }
  | { kind: 'enum'; name: string }
  | { kind: 'complex'; name: string }
  | { kind: 'entity'; name: string }
  | { kind: 'collection'; item: ValueType }
  | { kind: 'null' };

/** What an expression is evaluated against: the entity ($it) and the lambda variables in scope. */
export interface Scope {
  it: Record<string, unknown>;
  itType: string;
  vars: Record<string, unknown>;
}

export type Evaluator = (scope: Scope) => unknown;

export interface Compiled {
  type: ValueType;
  evaluate: Evaluator;
  /** Comparable form of a non-null value of this type (for ordering and equality). */
  key: (value: unknown) => unknown;
}

export const NUMERIC = new Set(['Edm.Byte', 'Edm.SByte', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64', 'Edm.Decimal', 'Edm.Double', 'Edm.Single']);
export const INTEGRAL = new Set(['Edm.Byte', 'Edm.SByte', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64']);
export const BOOLEAN: ValueType = { kind: 'primitive', name: 'Edm.Boolean' };
export const STRING: ValueType = { kind: 'primitive', name: 'Edm.String' };
export const INT32: ValueType = { kind: 'primitive', name: 'Edm.Int32' };

/** A type as a message names it. */
export const describe = (type: ValueType): string =>
  type.kind === 'collection' ? `Collection(${describe(type.item)})` : type.kind === 'null' ? 'null' : type.name;

const identity = (value: unknown) => value;

/**
 * Numbers compare as they are: JavaScript compares a BigInt (an Int64 beyond 2^53) with a number
 * exactly. A Decimal kept as written (DecimalText) compares as its nearest double.
 */
const numericKey = (value: unknown) => (value instanceof DecimalText ? Number(value.text) : value);

/** Comparable form of a non-null value of the type: enums by member value, instants and durations in seconds, GUIDs in one case. */
export function keyOf(service: ODataService, type: ValueType): (value: unknown) => unknown {
  if (type.kind === 'enum') {
    const members = new Map(service.model.enumTypes[type.name]?.members.map((m) => [m.name, m.value]));
    return (value) => String(value).split(',').reduce((sum, name) => sum | (members.get(name) ?? 0), 0);
  }
  if (type.kind !== 'primitive') return identity;
  if (NUMERIC.has(type.name)) return numericKey;
  switch (type.name) {
    case 'Edm.DateTimeOffset': return (value) => instant(String(value)) ?? NaN;
    case 'Edm.Duration': return (value) => durationSeconds(String(value)) ?? NaN;
    case 'Edm.TimeOfDay': return (value) => timeOfDaySeconds(String(value)) ?? NaN;
    case 'Edm.Guid': return (value) => String(value).toLowerCase();
    case 'Edm.Boolean': return (value) => (value ? 1 : 0);
    default: return identity;
  }
}

/** The family two types must share to be compared (`numeric` covers every number type). */
export function family(type: ValueType): string {
  if (type.kind === 'primitive') return NUMERIC.has(type.name) ? 'numeric' : type.name;
  if (type.kind === 'enum') return `enum:${type.name}`;
  return type.kind;
}

/** The type of a structural property as an expression sees it. */
export function propertyType(property: EdmProperty): ValueType {
  const item: ValueType = property.typeKind === 'primitive' ? { kind: 'primitive', name: property.type }
    : property.typeKind === 'enum' ? { kind: 'enum', name: property.type }
      : { kind: 'complex', name: property.type };
  return property.collection ? { kind: 'collection', item } : item;
}
