import type { EdmAnnotations, EdmAnnotationValue, EdmModel, TypeKind } from '../edm/model.js';
import { samplePattern } from './sample-pattern.js';

// Type-valid values made up from a model, for generated data (`--generate`) and for the results of
// actions and functions no handler answers. Deterministic: the same random source gives the same
// values, so a seed gives the same bytes. Every value fits what the model says of it: its type's
// range, its facets (Nullable, MaxLength, Precision, Scale, SRID) and the annotations of the
// Validation and Core vocabularies (Pattern, Minimum, Maximum, AllowedValues, Computed). Int64 and
// Decimal values are JSON numbers a double holds exactly, the form a request body takes them in.

/** What a value must fit: a property's, a parameter's or a return type's declaration. */
export interface ValueShape {
  type: string;
  typeKind: TypeKind;
  collection: boolean;
  nullable: boolean;
  /** The property's or parameter's name, to make strings a reader can tell apart. */
  name?: string;
  maxLength?: number;
  precision?: number;
  scale?: number | 'variable' | 'floating';
  /** Spatial reference system of a geography or geometry value (CSDL 7.2.6). */
  srid?: number | 'variable';
  annotations?: EdmAnnotations;
}

export const TERMS = {
  computed: 'Org.OData.Core.V1.Computed',
  immutable: 'Org.OData.Core.V1.Immutable',
  pattern: 'Org.OData.Validation.V1.Pattern',
  minimum: 'Org.OData.Validation.V1.Minimum',
  maximum: 'Org.OData.Validation.V1.Maximum',
  allowedValues: 'Org.OData.Validation.V1.AllowedValues',
  /** Annotates a Minimum or Maximum; CSDL JSON writes it `@Validation.Minimum@Validation.Exclusive`. */
  exclusive: 'Org.OData.Validation.V1.Exclusive',
} as const;

/** Numbers in [0, 1) from a 32-bit seed (mulberry32): small, fast and the same on every platform. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const randomInteger = (random: () => number, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A tagging annotation (Core.Computed, Core.Immutable) is on when present and not false. */
export const isTagged = (annotations: EdmAnnotations | undefined, term: string): boolean =>
  annotations !== undefined && Object.hasOwn(annotations, term) && annotations[term] !== false;

/** A Computed property is the service's to set: a create leaves it out (Core vocabulary). */
export const isComputed = (shape: { annotations?: EdmAnnotations }): boolean => isTagged(shape.annotations, TERMS.computed);

// ---- numbers ----

/** Integer types' ranges, with the default window values are drawn from when no bound is stated. */
const INTEGER_RANGES: Record<string, [number, number]> = {
  'Edm.Byte': [0, 255], 'Edm.SByte': [-128, 127], 'Edm.Int16': [-32768, 32767],
  'Edm.Int32': [-(2 ** 31), 2 ** 31 - 1], 'Edm.Int64': [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};
const DEFAULT_WINDOW = 1_000_000;

const numberOf = (value: EdmAnnotationValue | undefined): number | undefined => {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(number) ? number : undefined;
};

interface Bounds { min: number; max: number; minExclusive: boolean; maxExclusive: boolean }

/** The closed or open interval a number must lie in: the type's range cut by Validation.Minimum/Maximum. */
function boundsOf(shape: ValueShape, typeMin: number, typeMax: number): Bounds {
  const annotations = shape.annotations ?? {};
  const stated = { min: numberOf(annotations[TERMS.minimum]), max: numberOf(annotations[TERMS.maximum]) };
  const exclusive = (term: string) => isTagged(annotations, `${term}@${TERMS.exclusive}`);
  let min = Math.max(typeMin, stated.min ?? -Infinity);
  let max = Math.min(typeMax, stated.max ?? Infinity);
  // With no bound stated, a window from zero up: small numbers read better and never lose digits.
  if (stated.min === undefined) min = Math.max(min, max >= 0 ? 0 : max - DEFAULT_WINDOW);
  if (stated.max === undefined) max = Math.min(max, min + DEFAULT_WINDOW);
  return { min, max, minExclusive: stated.min !== undefined && exclusive(TERMS.minimum), maxExclusive: stated.max !== undefined && exclusive(TERMS.maximum) };
}

/** A multiple of `step` inside the bounds (open ends one step in), or the nearest bound when none fits. */
function steppedNumber(random: () => number, bounds: Bounds, step: number): number {
  // Scaling by the inverse of a power-of-ten step keeps 0.01 * 7 from printing 0.07000000000000001.
  const inverse = step < 1 ? Math.round(1 / step) : 0;
  const inUnits = (x: number) => {
    const units = inverse ? x * inverse : x / step;
    return Math.abs(units - Math.round(units)) < 1e-9 ? Math.round(units) : units;
  };
  const [low, high] = [inUnits(bounds.min), inUnits(bounds.max)];
  const first = Math.ceil(low) + (bounds.minExclusive && Number.isInteger(low) ? 1 : 0);
  const last = Math.floor(high) - (bounds.maxExclusive && Number.isInteger(high) ? 1 : 0);
  const units = last < first ? first : randomInteger(random, first, last);
  return inverse ? units / inverse : units * step;
}

function sampleInteger(shape: ValueShape, random: () => number): number {
  const [typeMin, typeMax] = INTEGER_RANGES[shape.type] as [number, number];
  return steppedNumber(random, boundsOf(shape, typeMin, typeMax), 1);
}

/** A Decimal within Precision and Scale, at most 15 significant digits so that a double holds it exactly. */
function sampleDecimal(shape: ValueShape, random: () => number): number {
  const precision = Math.min(shape.precision ?? 15, 15);
  const scale = typeof shape.scale === 'number' ? Math.min(shape.scale, precision) : Math.min(2, precision);
  const integerDigits = precision - scale;
  const largest = 10 ** integerDigits - 10 ** -scale;
  return steppedNumber(random, boundsOf(shape, -largest, largest), 10 ** -scale);
}

function sampleFloating(shape: ValueShape, random: () => number): number {
  const range = shape.type === 'Edm.Single' ? 3.4e38 : Number.MAX_VALUE;
  return steppedNumber(random, boundsOf(shape, -range, range), 0.125);
}

// ---- text and other primitives ----

function sampleString(shape: ValueShape, random: () => number): string {
  const pattern = shape.annotations?.[TERMS.pattern];
  if (typeof pattern === 'string') {
    const matching = samplePattern(pattern, random, shape.maxLength);
    if (matching !== undefined) return matching;
  }
  const text = `${shape.name ?? 'text'} ${randomInteger(random, 0, 999_999)}`;
  return shape.maxLength === undefined ? text : text.slice(0, shape.maxLength);
}

/** Eight hex digits from one draw: GUIDs are most of the ids made, so one draw per 32 bits. */
const hex8 = (random: () => number) => Math.floor(random() * 0x1_0000_0000).toString(16).padStart(8, '0');

/** A version-4 GUID: what a service would make, and what Graph's ids look like. */
export function sampleGuid(random: () => number): string {
  const [a, b, c, d] = [hex8(random), hex8(random), hex8(random), hex8(random)];
  return `${a}-${b.slice(0, 4)}-4${b.slice(4, 7)}-${'89ab'[randomInteger(random, 0, 3)]}${c.slice(0, 3)}-${c.slice(3, 7)}${d}`;
}

const sampleDate = (random: () => number) => `${randomInteger(random, 2000, 2030)}-${pad(randomInteger(random, 1, 12))}-${pad(randomInteger(random, 1, 28))}`;
const sampleTime = (random: () => number) => `${pad(randomInteger(random, 0, 23))}:${pad(randomInteger(random, 0, 59))}:${pad(randomInteger(random, 0, 59))}`;

function sampleBinary(shape: ValueShape, random: () => number): string {
  const length = Math.min(6, shape.maxLength ?? 6);
  return Buffer.from(Array.from({ length }, () => randomInteger(random, 0, 255))).toString('base64url');
}

const GEO_KINDS = ['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon', 'Collection'];

/**
 * A spatial value in GeoJSON (OData JSON §7.1): longitude and latitude within their ranges, and the
 * reference system named (`crs`) when the property declares one other than the default
 * (4326 for geography, 0 for geometry).
 */
function sampleSpatial(shape: ValueShape, random: () => number): Record<string, unknown> {
  const geography = shape.type.startsWith('Edm.Geography');
  const kind = GEO_KINDS.find((k) => shape.type.endsWith(k)) ?? 'Point';
  const point = () => [randomInteger(random, -1800, 1800) / 10, randomInteger(random, -900, 900) / 10];
  const ring = () => { const start = point(); return [start, point(), point(), start]; };
  const shapes: Record<string, () => Record<string, unknown>> = {
    Point: () => ({ type: 'Point', coordinates: point() }),
    LineString: () => ({ type: 'LineString', coordinates: [point(), point()] }),
    Polygon: () => ({ type: 'Polygon', coordinates: [ring()] }),
    MultiPoint: () => ({ type: 'MultiPoint', coordinates: [point(), point()] }),
    MultiLineString: () => ({ type: 'MultiLineString', coordinates: [[point(), point()]] }),
    MultiPolygon: () => ({ type: 'MultiPolygon', coordinates: [[ring()]] }),
    Collection: () => ({ type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: point() }] }),
  };
  const value = (shapes[kind] as () => Record<string, unknown>)();
  const srid = shape.srid;
  if (typeof srid === 'number' && srid !== (geography ? 4326 : 0)) value.crs = { type: 'name', properties: { name: `EPSG:${srid}` } };
  return value;
}

/** One value of a primitive type, in the JSON form a request body would carry it. */
function samplePrimitive(shape: ValueShape, random: () => number): unknown {
  const type = shape.type;
  if (type in INTEGER_RANGES) return sampleInteger(shape, random);
  if (type.startsWith('Edm.Geography') || type.startsWith('Edm.Geometry')) return sampleSpatial(shape, random);
  switch (type) {
    case 'Edm.Boolean': return random() < 0.5;
    case 'Edm.Decimal': return sampleDecimal(shape, random);
    case 'Edm.Double': case 'Edm.Single': return sampleFloating(shape, random);
    case 'Edm.Guid': return sampleGuid(random);
    case 'Edm.Date': return sampleDate(random);
    case 'Edm.DateTimeOffset': return `${sampleDate(random)}T${sampleTime(random)}Z`;
    case 'Edm.TimeOfDay': return sampleTime(random);
    case 'Edm.Duration': return `PT${randomInteger(random, 1, 3600)}S`;
    case 'Edm.Binary': return sampleBinary(shape, random);
    case 'Edm.Stream': return undefined; // a stream is sent on its own, never inside a body
    default: return sampleString(shape, random); // Edm.String, Edm.Untyped, Edm.PrimitiveType
  }
}

// ---- enums, complex values, the entry point ----

/** A member name; for a flags type, one to three distinct non-zero members joined by commas (OData JSON §7.1). */
function sampleEnum(model: EdmModel, shape: ValueShape, random: () => number): string | null {
  const enumType = model.enumTypes[shape.type];
  const members = enumType?.members ?? [];
  if (members.length === 0) return null;
  const pick = (from: typeof members) => (from[randomInteger(random, 0, from.length - 1)] as (typeof members)[number]).name;
  const nonZero = members.filter((m) => m.value !== 0);
  if (!enumType?.isFlags || nonZero.length < 2) return pick(members);
  const chosen = new Set<string>();
  const wanted = randomInteger(random, 1, Math.min(3, nonZero.length));
  while (chosen.size < wanted) chosen.add(pick(nonZero));
  return nonZero.filter((m) => chosen.has(m.name)).map((m) => m.name).join(',');
}

/** A complex value of the declared type or, when that is abstract, of a concrete type derived from it. */
function sampleComplex(model: EdmModel, shape: ValueShape, random: () => number, depth: number): unknown {
  const declared = model.complexTypes[shape.type];
  if (!declared || depth > 3) return shape.nullable ? null : {};
  const concrete = declared.abstract ? declared.derivedTypes.filter((name) => model.complexTypes[name]?.abstract === false) : [];
  if (declared.abstract && concrete.length === 0) return shape.nullable ? null : {};
  const type = declared.abstract ? model.complexTypes[concrete[randomInteger(random, 0, concrete.length - 1)] as string]! : declared;
  const value: Record<string, unknown> = declared.abstract ? { '@odata.type': `#${type.qualifiedName}` } : {};
  for (const property of type.properties) {
    if (isComputed(property)) continue;
    const member = sampleValue(model, property, random, depth + 1);
    if (member !== undefined) value[property.name] = member;
  }
  return value;
}

/** Validation.AllowedValues: a collection of records whose `Value` members are the only values allowed. */
function allowedValues(shape: ValueShape): EdmAnnotationValue[] | undefined {
  const records = shape.annotations?.[TERMS.allowedValues];
  if (!Array.isArray(records)) return undefined;
  const values = records.map((r) => (r !== null && typeof r === 'object' && !Array.isArray(r) ? r.Value : undefined)).filter((v) => v !== undefined);
  return values.length > 0 ? values : undefined;
}

/** How often a nullable value is null: often enough to be met, rarely enough not to empty a dataset. */
const NULL_RATE = 0.1;

/**
 * A value that fits `shape` (a collection gets one to three items); null only for a nullable
 * shape, or where nothing else fits. Undefined for a stream, which a body never holds.
 */
export function sampleValue(model: EdmModel, shape: ValueShape, random: () => number, depth = 0): unknown {
  if (shape.collection) {
    const items = depth > 3 ? 0 : randomInteger(random, 1, 3);
    return Array.from({ length: items }, () => sampleValue(model, { ...shape, collection: false }, random, depth + 1));
  }
  if (shape.nullable && random() < NULL_RATE) return null;
  const allowed = allowedValues(shape);
  if (allowed) return allowed[randomInteger(random, 0, allowed.length - 1)];
  switch (shape.typeKind) {
    case 'enum': return sampleEnum(model, shape, random);
    case 'complex': return sampleComplex(model, shape, random, depth);
    case 'entity': return null;
    default: return samplePrimitive(shape, random);
  }
}

// ---- keys ----

const DAY = 86_400_000;
const EPOCH_2000 = Date.UTC(2000, 0, 1);
const GUID_LENGTH = 36;

/** The `index`-th value of an ordered type (distinct for distinct indexes), undefined past the type's room. */
function nthOrdered(shape: ValueShape, index: number): unknown {
  const type = shape.type;
  if (type in INTEGER_RANGES || type === 'Edm.Decimal' || type === 'Edm.Double' || type === 'Edm.Single') {
    const [typeMin, typeMax] = INTEGER_RANGES[type] ?? [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
    const annotations = shape.annotations ?? {};
    const bounds = boundsOf(shape, typeMin, typeMax);
    const open = (exclusive: boolean, bound: number) => (exclusive && Number.isInteger(bound) ? 1 : 0);
    // Keys count up from 1 unless a Minimum says otherwise: 0 and negatives read as placeholders.
    const first = numberOf(annotations[TERMS.minimum]) === undefined ? Math.max(1, typeMin) : Math.ceil(bounds.min) + open(bounds.minExclusive, bounds.min);
    let last = numberOf(annotations[TERMS.maximum]) === undefined ? typeMax : Math.floor(bounds.max) - open(bounds.maxExclusive, bounds.max);
    if (type === 'Edm.Decimal' && shape.precision !== undefined) last = Math.min(last, 10 ** (shape.precision - (typeof shape.scale === 'number' ? shape.scale : 0)) - 1);
    return first + index <= last ? first + index : undefined;
  }
  switch (type) {
    case 'Edm.Boolean': return index < 2 ? index === 1 : undefined;
    case 'Edm.Date': return new Date(EPOCH_2000 + index * DAY).toISOString().slice(0, 10);
    case 'Edm.DateTimeOffset': return new Date(EPOCH_2000 + index * 60_000).toISOString().replace('.000Z', 'Z');
    case 'Edm.TimeOfDay': return index < 86_400 ? new Date(index * 1000).toISOString().slice(11, 19) : undefined;
    case 'Edm.Duration': return `PT${index + 1}S`;
    default: return undefined;
  }
}

/**
 * A value for a key property: distinct for each `index` where the type allows it (numbers and dates
 * count up, strings and GUIDs are drawn), so that generated keys are unique; undefined once the
 * type has no more distinct values (a Boolean key holds two).
 */
export function sampleKeyValue(model: EdmModel, shape: ValueShape, index: number, random: () => number): unknown {
  const allowed = allowedValues(shape);
  if (allowed) return allowed[index];
  if (shape.typeKind === 'enum') return model.enumTypes[shape.type]?.members[index]?.name;
  if (shape.type === 'Edm.Guid') return sampleGuid(random);
  if (shape.type === 'Edm.String') {
    if (typeof shape.annotations?.[TERMS.pattern] === 'string') return sampleString(shape, random);
    if (shape.maxLength === undefined || shape.maxLength >= GUID_LENGTH) return sampleGuid(random);
    const short = `k${index.toString(36)}`;
    return short.length <= shape.maxLength ? short : undefined;
  }
  return nthOrdered(shape, index);
}
