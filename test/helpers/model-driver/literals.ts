import type { EdmModel, TypeKind } from '../../../src/edm/model.js';

// How a client writes values into URLs (OData URL conventions §5.1.1 literals, §4.3.1 key
// predicates), and how it compares what a server sends back with what it sent: a server may write
// the same value in another form (a Decimal as a string, a Duration in minutes, Base64 unpadded).

/** The text of a JSON scalar (an object, which no literal holds, as its JSON). */
const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** The URL literal of a primitive or enum value: 'text', 2024-05-01, duration'PT5S', NS.Enum'Member'. */
export function uriLiteral(type: string, typeKind: TypeKind, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeKind === 'enum') return `${type}'${asText(value)}'`;
  switch (type) {
    case 'Edm.String': return `'${asText(value).replaceAll("'", "''")}'`;
    case 'Edm.Duration': return `duration'${asText(value)}'`;
    case 'Edm.Binary': return `binary'${asText(value)}'`;
    default: return asText(value);
  }
}

/** Escapes what a path segment cannot hold as is; keeps what key predicates use (' ( ) = , :). */
export function encodePathLiteral(literal: string): string {
  return literal.replace(/[^A-Za-z0-9\-._~'!$()*,;=:@+]/g, (c) => encodeURIComponent(c));
}

/** One part of a key: its URL name, its path in the entity, and its type. */
export interface KeyPart {
  name: string;
  path: string[];
  type: string;
  typeKind: 'primitive' | 'enum';
}

/** `(<literal>)` for a key of one part, `(a=1,b='x')` for a composite key. */
export function keyPredicate(parts: KeyPart[], values: unknown[]): string {
  const literals = values.map((value, i) => encodePathLiteral(uriLiteral(parts[i].type, parts[i].typeKind, value)));
  if (parts.length === 1) return `(${literals[0]})`;
  return `(${parts.map((part, i) => `${part.name}=${literals[i]}`).join(',')})`;
}

/** `$filter` on every key part (paths, not aliases: an alias names a key part in key predicates only). */
export function keyFilter(parts: KeyPart[], values: unknown[]): string {
  const terms = parts.map((part, i) => `${part.path.join('/')} eq ${uriLiteral(part.type, part.typeKind, values[i])}`);
  return `$filter=${encodeURIComponent(terms.join(' and '))}`;
}

/** The value at `path` in an entity or complex value. */
export function valueAt(value: unknown, path: string[]): unknown {
  let current = value;
  for (const segment of path) current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[segment] : undefined;
  return current;
}

/** Sets the value at `path`, making the complex values on the way where they are missing. */
export function setValueAt(target: Record<string, unknown>, path: string[], value: unknown): void {
  let current = target;
  for (const segment of path.slice(0, -1)) {
    const next = current[segment];
    current = next !== null && typeof next === 'object' ? (next as Record<string, unknown>) : (current[segment] = {});
  }
  current[path[path.length - 1]] = value;
}

function durationSeconds(text: string): number {
  const match = /^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!match) return Number.NaN;
  const [, minus, d = '0', h = '0', m = '0', s = '0'] = match;
  const seconds = Number(d) * 86400 + Number(h) * 3600 + Number(m) * 60 + Number(s);
  return minus ? -seconds : seconds;
}

/** A form of a value two servers must agree on, whatever way each writes it. */
export function canonical(type: string, typeKind: TypeKind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeKind === 'enum') return asText(value).split(',').map((s) => s.trim()).sort().join(',');
  if (typeKind !== 'primitive') return JSON.stringify(value);
  switch (type) {
    case 'Edm.Byte': case 'Edm.SByte': case 'Edm.Int16': case 'Edm.Int32': case 'Edm.Int64':
    case 'Edm.Decimal': case 'Edm.Double': case 'Edm.Single': return Number(value);
    case 'Edm.DateTimeOffset': return Date.parse(asText(value));
    case 'Edm.TimeOfDay': return asText(value).replace(/\.0*$/, '').replace(/^(\d\d:\d\d)$/, '$1:00');
    case 'Edm.Duration': return durationSeconds(asText(value));
    case 'Edm.Guid': return asText(value).toLowerCase();
    case 'Edm.Binary': return Buffer.from(asText(value), 'base64').toString('hex');
    default: return value;
  }
}

/** Whether two values of a type are the same value. */
export function sameValue(type: string, typeKind: TypeKind, a: unknown, b: unknown): boolean {
  return canonical(type, typeKind, a) === canonical(type, typeKind, b);
}

const PATTERNS: Record<string, RegExp> = {
  'Edm.Date': /^-?\d{4,}-\d\d-\d\d$/,
  'Edm.TimeOfDay': /^\d\d:\d\d(:\d\d(\.\d+)?)?$/,
  'Edm.DateTimeOffset': /^-?\d{4,}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/,
  'Edm.Duration': /^-?P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/,
  'Edm.Guid': /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  'Edm.Binary': /^[A-Za-z0-9+/_-]*={0,2}$/,
};

const INTEGERS = new Set(['Edm.Byte', 'Edm.SByte', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64']);
const NUMBERS = new Set(['Edm.Decimal', 'Edm.Double', 'Edm.Single']);

/** Why a JSON value is not of a type (undefined when it is), checked the way a typed client would. */
export function typeMismatch(model: EdmModel, type: string, typeKind: TypeKind, value: unknown): string | undefined {
  if (value === null) return undefined;
  const show = JSON.stringify(value)?.slice(0, 80);
  if (typeKind === 'enum') {
    const members = new Set(model.enumTypes[type]?.members.map((m) => m.name));
    const ok = typeof value === 'string' && value.split(',').every((m) => members.has(m.trim()) || /^-?\d+$/.test(m.trim()));
    return ok ? undefined : `${show} is not a member of ${type}`;
  }
  if (typeKind === 'complex' || typeKind === 'entity') {
    return typeof value === 'object' && !Array.isArray(value) ? undefined : `${show} is not a ${typeKind} value of ${type}`;
  }
  if (type === 'Edm.Boolean') return typeof value === 'boolean' ? undefined : `${show} is not an Edm.Boolean`;
  if (INTEGERS.has(type) || NUMBERS.has(type)) {
    const number = typeof value === 'number' || (typeof value === 'string' && value.trim() !== '') ? Number(value) : Number.NaN;
    const special = NUMBERS.has(type) && typeof value === 'string' && /^(-?INF|NaN)$/.test(value);
    if (special || (!Number.isNaN(number) && (!INTEGERS.has(type) || Number.isInteger(number)))) return undefined;
    return `${show} is not an ${type}`;
  }
  const pattern = PATTERNS[type];
  if (pattern) return typeof value === 'string' && pattern.test(value) ? undefined : `${show} is not an ${type}`;
  if (type === 'Edm.String') return typeof value === 'string' ? undefined : `${show} is not an Edm.String`;
  return undefined;
}
