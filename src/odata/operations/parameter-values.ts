import type { EdmModel } from '../../edm/model.js';
import { DecimalText } from '../exact-number.js';
import type { ValueShape } from '../sample-values.js';

// Whether a value fits a parameter's (or a return type's) declaration: its type, facets, enum
// members and nullability. Values are in the JSON form a request body carries them; a URL literal
// is turned into that form first (url-literals.ts). Returns what is wrong, or undefined.

const INTEGER_RANGES: Record<string, [number, number]> = {
  'Edm.Byte': [0, 255], 'Edm.SByte': [-128, 127], 'Edm.Int16': [-32768, 32767],
  'Edm.Int32': [-2147483648, 2147483647], 'Edm.Int64': [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

const TEXT_FORMS: Record<string, RegExp> = {
  'Edm.Guid': /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/,
  'Edm.Date': /^-?\d{4,}-\d{2}-\d{2}$/,
  'Edm.TimeOfDay': /^\d{2}:\d{2}(:\d{2}(\.\d{1,12})?)?$/,
  'Edm.DateTimeOffset': /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,12})?)?(Z|[+-]\d{2}:\d{2})$/i,
  'Edm.Duration': /^-?P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/,
  'Edm.Binary': /^[A-Za-z0-9_=+/-]*$/,
};

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function checkNumber(shape: ValueShape, value: unknown): string | undefined {
  const range = INTEGER_RANGES[shape.type];
  // A body's numbers beyond a double's exactness arrive as BigInt or DecimalText (lossless-json.ts).
  if (typeof value === 'bigint') return shape.type === 'Edm.Int64' || shape.type === 'Edm.Decimal' ? undefined : `is out of the range of ${shape.type}: ${value}`;
  if (value instanceof DecimalText) return range ? `is not an ${shape.type} value: ${String(value)}` : undefined;
  if (range) {
    if (typeof value !== 'number' || !Number.isInteger(value)) return `is not an ${shape.type} value: ${describe(value)}`;
    return value < range[0] || value > range[1] ? `is out of the range of ${shape.type}: ${value}` : undefined;
  }
  if (shape.type === 'Edm.Decimal') {
    if (typeof value !== 'number' && !(typeof value === 'string' && /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(value))) return `is not an Edm.Decimal value: ${describe(value)}`;
    const [, fraction = ''] = String(value).replace(/^-/, '').split('.');
    if (typeof shape.scale === 'number' && fraction.length > shape.scale) return `has more than ${shape.scale} digits after the decimal point`;
    return undefined;
  }
  // Edm.Double, Edm.Single: JSON numbers, or the three special values as strings (JSON Format §7.1).
  if (typeof value === 'number' || value === 'INF' || value === '-INF' || value === 'NaN') return undefined;
  return `is not an ${shape.type} value: ${describe(value)}`;
}

function checkPrimitive(shape: ValueShape, value: unknown): string | undefined {
  switch (shape.type) {
    case 'Edm.String':
      if (typeof value !== 'string') return `is not a string: ${describe(value)}`;
      return shape.maxLength !== undefined && value.length > shape.maxLength ? `is longer than its MaxLength of ${shape.maxLength}` : undefined;
    case 'Edm.Boolean': return typeof value === 'boolean' ? undefined : `is not true or false: ${describe(value)}`;
    case 'Edm.Byte': case 'Edm.SByte': case 'Edm.Int16': case 'Edm.Int32': case 'Edm.Int64':
    case 'Edm.Decimal': case 'Edm.Double': case 'Edm.Single':
      return checkNumber(shape, value);
    case 'Edm.Untyped': case 'Edm.PrimitiveType': return undefined;
    default: break;
  }
  const form = TEXT_FORMS[shape.type];
  if (form) return typeof value === 'string' && form.test(value) ? undefined : `is not an ${shape.type} value: ${describe(value)}`;
  // Geography and geometry values are GeoJSON objects (JSON Format §7.1).
  if (shape.type.startsWith('Edm.Geo')) return isPlainObject(value) ? undefined : `is not a GeoJSON object: ${describe(value)}`;
  return undefined;
}

function checkEnum(model: EdmModel, shape: ValueShape, value: unknown): string | undefined {
  const enumType = model.enumTypes[shape.type];
  if (!enumType) return undefined;
  const names = new Set(enumType.members.map((m) => m.name));
  const values = new Set(enumType.members.map((m) => String(m.value)));
  if (typeof value === 'number' && values.has(String(value))) return undefined;
  const words = typeof value === 'string' ? (enumType.isFlags ? value.split(',').map((w) => w.trim()) : [value]) : [];
  if (words.length > 0 && words.every((word) => names.has(word) || values.has(word))) return undefined;
  return `is not a member of ${shape.type} (${enumType.members.map((m) => m.name).join(', ')}): ${describe(value)}`;
}

/** The complex type a value says it is (`@odata.type`), if it names the declared type or one derived from it. */
function complexTypeOf(model: EdmModel, declared: string, value: Record<string, unknown>): { type: string } | { problem: string } {
  const annotation = value['@odata.type'];
  if (typeof annotation !== 'string') return { type: declared };
  let name = annotation.replace(/^#/, '');
  const dot = name.lastIndexOf('.');
  const namespace = model.aliases[name.slice(0, dot)];
  if (namespace !== undefined) name = `${namespace}.${name.slice(dot + 1)}`;
  if (name === declared || model.complexTypes[declared]?.derivedTypes.includes(name)) return { type: name };
  return { problem: `names the type '${annotation}', which is not ${declared} or derived from it` };
}

function checkComplex(model: EdmModel, shape: ValueShape, value: unknown, depth: number): string | undefined {
  if (!isPlainObject(value)) return `is not an object of ${shape.type}: ${describe(value)}`;
  const typed = complexTypeOf(model, shape.type, value);
  if ('problem' in typed) return typed.problem;
  const typeName = typed.type;
  const complex = model.complexTypes[typeName];
  if (!complex) return undefined;
  const properties = new Map(complex.properties.map((p) => [p.name, p]));
  for (const [name, member] of Object.entries(value)) {
    if (name.includes('@')) continue; // control information
    const property = properties.get(name);
    if (!property) {
      if (complex.open) continue;
      return `has a member '${name}' that ${typeName} does not declare`;
    }
    const problem = checkValue(model, property, member, depth + 1);
    if (problem !== undefined) return `has a member '${name}' that ${problem}`;
  }
  return undefined;
}

/** What is wrong with `value` as a value of `shape`, or undefined when it fits. */
export function checkValue(model: EdmModel, shape: ValueShape, value: unknown, depth = 0): string | undefined {
  if (value === null || value === undefined) return shape.nullable || shape.collection ? undefined : 'is null, and it is not nullable';
  if (depth > 32) return 'nests too deep';
  if (shape.collection) {
    if (!Array.isArray(value)) return `is not a collection (a JSON array): ${describe(value)}`;
    const item = { ...shape, collection: false };
    for (const [index, member] of value.entries()) {
      const problem = checkValue(model, item, member, depth + 1);
      if (problem !== undefined) return `has an item ${index} that ${problem}`;
    }
    return undefined;
  }
  switch (shape.typeKind) {
    case 'primitive': return checkPrimitive(shape, value);
    case 'enum': return checkEnum(model, shape, value);
    case 'complex': return checkComplex(model, shape, value, depth);
    default: return isPlainObject(value) ? undefined : `is not an object of ${shape.type}: ${describe(value)}`;
  }
}
