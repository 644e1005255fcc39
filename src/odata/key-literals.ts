import type { EdmEnumType } from '../edm/model.js';
import { decimalParts, DecimalText } from './exact-number.js';
import { dateTimeParts, durationSeconds, isCalendarDate } from './filter/edm-values.js';

// The literal of each type a key part can have (URL Conventions §4.3.1 and its ABNF): how a key
// predicate writes a value, how one is read back, and the canonical text of a value, which is
// what the store keys entities by. Reading a literal and writing the value read gives the same
// text, so a `Location` the server answers always addresses the entity it names.

/** Why a literal does not fit the key part's type, said to the client in a 400. */
export class KeyLiteralError extends Error {}

export interface KeyLiteral {
  /** A literal as a key predicate holds it (percent-decoded) -> the canonical value text. */
  read(literal: string): string;
  /** The canonical value text -> its literal (not percent-encoded). */
  write(value: string): string;
  /** A property value of an entity -> its canonical text; undefined when it is no value of the type. */
  fromValue(value: unknown): string | undefined;
  /** Key-as-segment (§4.3.6): the segment's text -> the canonical value text. */
  readSegment(text: string): string;
  /** Whether `write` leaves the value as it is: the literal needs no quotes or prefix. */
  bare: boolean;
}

/** Messages are what the resolver says after naming the key: `the key 'x' of 'ints' <message>`. */
const wrong = (type: string) => new KeyLiteralError(`is not an ${type} literal`);

const INTEGER_RANGES: Record<string, [bigint, bigint]> = {
  'Edm.Byte': [0n, 255n],
  'Edm.SByte': [-128n, 127n],
  'Edm.Int16': [-32768n, 32767n],
  'Edm.Int32': [-2147483648n, 2147483647n],
  'Edm.Int64': [-9223372036854775808n, 9223372036854775807n],
};

const INTEGER = /^[-+]?\d{1,40}$/;
const DECIMAL = /^[-+]?\d+(\.\d+)?([eE][-+]?\d{1,3})?$/;
const GUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,12})?)?$/;

/** A value text that reads back by `read`: numbers and booleans from JSON are turned to text first. */
function valueText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' || value instanceof DecimalText) return String(value);
  return undefined;
}

/** Reads the value text of a property value with `read`, undefined where it does not fit. */
function fromValueBy(read: (text: string) => string): (value: unknown) => string | undefined {
  return (value) => {
    const text = valueText(value);
    if (text === undefined) return undefined;
    try {
      return read(text);
    } catch {
      return undefined;
    }
  };
}

/** A literal written bare (`5`, `true`, `2026-01-02`): the same text in parentheses and as a segment. */
function bareLiteral(read: (literal: string) => string): KeyLiteral {
  return { read, write: (value) => value, fromValue: fromValueBy(read), readSegment: read, bare: true };
}

function integerLiteral(type: string): KeyLiteral {
  const [min, max] = INTEGER_RANGES[type] as [bigint, bigint];
  return bareLiteral((literal) => {
    if (!INTEGER.test(literal)) throw wrong(type);
    const value = BigInt(literal); // `007` names the entity `7`
    if (value < min || value > max) throw new KeyLiteralError(`is out of the range of ${type}`);
    return value.toString();
  });
}

/** `1.50`, `15e-1` -> `1.5`: one text per decimal value, without an exponent. */
function canonicalDecimal(literal: string, type: string): string {
  const parts = DECIMAL.test(literal) ? decimalParts(literal.replace(/^\+/, '').replace('E', 'e')) : undefined;
  if (!parts) throw wrong(type);
  const { digits, exponent } = parts;
  const sign = parts.negative ? '-' : '';
  if (exponent >= 0) return `${sign}${digits}${'0'.repeat(exponent)}`;
  const point = digits.length + exponent;
  return point > 0 ? `${sign}${digits.slice(0, point)}.${digits.slice(point)}` : `${sign}0.${'0'.repeat(-point)}${digits}`;
}

/** Edm.Double and Edm.Single: a decimal literal or NaN, INF, -INF; the text JavaScript writes for the number. */
function floatingText(literal: string, type: string): string {
  if (literal === 'NaN' || literal === 'INF' || literal === '-INF') return literal;
  if (!DECIMAL.test(literal)) throw wrong(type);
  const value = Number(literal);
  if (!Number.isFinite(value)) throw new KeyLiteralError(`is out of the range of ${type}`);
  return String(value);
}

/** Floating-point values from JSON bodies: Infinity is written INF, as the literal reads it. */
function floatingLiteral(type: string): KeyLiteral {
  const literal = bareLiteral((text) => floatingText(text, type));
  literal.fromValue = (value) => (value === Infinity ? 'INF' : value === -Infinity ? '-INF' : Number.isNaN(value) ? 'NaN' : fromValueBy((text) => floatingText(text, type))(value));
  return literal;
}

/** `'it''s'` -> `it's`; undefined unless the whole text is one quoted string with its quotes doubled. */
export function unquote(literal: string): string | undefined {
  if (literal.length < 2 || literal.charCodeAt(0) !== 0x27 || literal.charCodeAt(literal.length - 1) !== 0x27) return undefined;
  const body = literal.slice(1, -1);
  if (!body.includes("'")) return body;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === "'") {
      if (body[i + 1] !== "'") return undefined;
      i++;
    }
  }
  return body.replace(/''/g, "'");
}

const quote = (value: string): string => `'${value.replace(/'/g, "''")}'`;

const STRING: KeyLiteral = {
  read(literal) {
    if (literal.charCodeAt(0) !== 0x27) throw new KeyLiteralError("is a string, so it must be quoted: ('...')");
    const value = unquote(literal);
    if (value === undefined) throw new KeyLiteralError("is not a string literal: a quote inside one is doubled ('')");
    return value;
  },
  write: quote,
  fromValue: (value) => (typeof value === 'string' ? value : undefined),
  readSegment: (text) => text,
  bare: false,
};

/** A literal with a type prefix (`duration'P1D'`, `Ns.Color'Red'`), whose prefix 4.01 lets a URL leave out. */
function prefixed(literal: string, prefixes: string[]): string | undefined {
  const open = literal.indexOf("'");
  if (open < 0) return undefined;
  const prefix = literal.slice(0, open);
  if (prefix !== '' && !prefixes.includes(prefix.toLowerCase())) return undefined;
  return unquote(literal.slice(open));
}

const DURATION: KeyLiteral = (() => {
  const check = (value: string): string => {
    if (durationSeconds(value) === undefined) throw wrong('Edm.Duration');
    return value;
  };
  // 4.0 writes `duration'P1D'`; 4.01 also reads the bare `P1D`.
  const read = (literal: string): string => check(literal.includes("'") ? prefixed(literal, ['duration']) ?? '' : literal);
  return { read, write: (value) => `duration'${value}'`, fromValue: fromValueBy(check), readSegment: read, bare: false };
})();

function enumLiteral(type: EdmEnumType, prefixes: string[]): KeyLiteral {
  const byName = new Map(type.members.map((m) => [m.name, m.name]));
  const byValue = new Map(type.members.map((m) => [String(m.value), m.name]));
  const order = new Map(type.members.map((m, index) => [m.name, index]));
  /** Member names or values -> names, flags in declared order: one text per value. */
  const canonical = (text: string): string => {
    const names = text.split(',').map((part) => byName.get(part.trim()) ?? byValue.get(part.trim()));
    if (names.length === 0 || names.some((n) => n === undefined) || (names.length > 1 && !type.isFlags)) {
      throw new KeyLiteralError(`is not a member of the enum type '${type.qualifiedName}'`);
    }
    return names.length === 1 ? names[0] as string : [...new Set(names as string[])].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)).join(',');
  };
  const read = (literal: string): string => {
    const inner = prefixed(literal, prefixes);
    if (inner === undefined) throw new KeyLiteralError(`is not a literal of the enum type '${type.qualifiedName}': write ${type.qualifiedName}'<member>'`);
    return canonical(inner);
  };
  return {
    read,
    write: (value) => `${type.qualifiedName}'${value}'`,
    fromValue: fromValueBy(canonical),
    // As a segment the member may be written alone (`Colors/Red`).
    readSegment: (text) => (text.includes("'") ? read(text) : canonical(text)),
    bare: false,
  };
}

function checked(type: string, fits: (literal: string) => boolean, canonical: (literal: string) => string = (l) => l): KeyLiteral {
  return bareLiteral((literal) => {
    if (!fits(literal)) throw wrong(type);
    return canonical(literal);
  });
}

const PRIMITIVE_LITERALS: Record<string, () => KeyLiteral> = {
  'Edm.String': () => STRING,
  'Edm.Boolean': () => checked('Edm.Boolean', (l) => /^(true|false)$/i.test(l), (l) => l.toLowerCase()),
  'Edm.Byte': () => integerLiteral('Edm.Byte'),
  'Edm.SByte': () => integerLiteral('Edm.SByte'),
  'Edm.Int16': () => integerLiteral('Edm.Int16'),
  'Edm.Int32': () => integerLiteral('Edm.Int32'),
  'Edm.Int64': () => integerLiteral('Edm.Int64'),
  'Edm.Decimal': () => bareLiteral((literal) => canonicalDecimal(literal, 'Edm.Decimal')),
  'Edm.Double': () => floatingLiteral('Edm.Double'),
  'Edm.Single': () => floatingLiteral('Edm.Single'),
  // GUIDs name the same value in either case (RFC 9562 §4): the store keys them in lower case.
  'Edm.Guid': () => checked('Edm.Guid', (l) => GUID.test(l), (l) => l.toLowerCase()),
  'Edm.Date': () => checked('Edm.Date', isCalendarDate),
  'Edm.TimeOfDay': () => checked('Edm.TimeOfDay', (l) => TIME_OF_DAY.test(l)),
  'Edm.DateTimeOffset': () => checked('Edm.DateTimeOffset', (l) => dateTimeParts(l) !== undefined),
  'Edm.Duration': () => DURATION,
};

/**
 * The literal form of a key part's type; `enumType` for an enum, with the names its namespace
 * goes by (alias included) to read the qualified form. Types no key may have are read as strings.
 */
export function keyLiteral(type: string, enumType?: EdmEnumType, enumPrefixes: string[] = []): KeyLiteral {
  if (enumType) return enumLiteral(enumType, [enumType.qualifiedName.toLowerCase(), ...enumPrefixes.map((p) => p.toLowerCase())]);
  const make = Object.hasOwn(PRIMITIVE_LITERALS, type) ? PRIMITIVE_LITERALS[type] : undefined;
  return make ? make() : STRING;
}
