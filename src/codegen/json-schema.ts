import { validatorExportName, type WriteMode } from '../contract/validators.js';
import type { EdmModel, EdmProperty, EdmStructuredType } from '../edm/model.js';

// JSON Schemas for request bodies, one per entity type and write mode. They follow OData JSON
// Format 4.01 §7 (primitive values) rather than plain JSON types: integers are range-checked per
// Edm type, DateTimeOffset/Date/TimeOfDay/Duration/Guid/Binary are strings of the OData ABNF
// shape, enum values are member names. Control information (`@odata.type`, `prop@odata.*`) is
// removed by the request handler before a body reaches these schemas, except the `@odata.type`
// of a complex value (JSON Format §4.5.3), which the handler writes in its canonical form
// (`#namespace.Name`) and these schemas use to pick the complex type a value is validated as.

export type JsonSchema = { [keyword: string]: unknown };

/**
 * `complex`: a value declared as the type, which may be of a derived type (dispatched on its
 * `@odata.type`); `exact`: a value of exactly that type.
 */
export const schemaId = (mode: WriteMode | 'complex' | 'exact', qualifiedName: string): string => `urn:edmock:${mode}:${qualifiedName}`;

// Calendar dates only (CSDL/ABNF dateValue, proleptic Gregorian): month and day together, so
// that 2026-04-31 fails, and 29 February only in a leap year. A year is a multiple of 4 when its
// last two digits are; a century year (ending 00) is a leap year when what precedes the 00 is a
// multiple of 4. Years have at least four digits, so both tests read the year's own digits.
const MONTH_DAY = '((0[13578]|1[02])-(0[1-9]|[12]\\d|3[01])|(0[469]|11)-(0[1-9]|[12]\\d|30)|02-(0[1-9]|1\\d|2[0-8]))';
const MULTIPLE_OF_4 = '(0[48]|[2468][048]|[13579][26])';
const LEAP_YEAR = `(?=\\d{4})\\d*(${MULTIPLE_OF_4}|([02468][048]|[13579][26])00)`;
const DATE = `-?(\\d{4,}-${MONTH_DAY}|${LEAP_YEAR}-02-29)`;
const TIME = `([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,12})?)?`;
const OFFSET = `(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)`;

/** Edm primitive type -> schema of a non-null value (OData ABNF, ODataJSON §7.1). */
const PRIMITIVE_SCHEMAS: Record<string, JsonSchema> = {
  'Edm.String': { type: 'string' },
  'Edm.Boolean': { type: 'boolean' },
  'Edm.Byte': { type: 'integer', minimum: 0, maximum: 255 },
  'Edm.SByte': { type: 'integer', minimum: -128, maximum: 127 },
  'Edm.Int16': { type: 'integer', minimum: -32768, maximum: 32767 },
  'Edm.Int32': { type: 'integer', minimum: -2147483648, maximum: 2147483647 },
  // A double holds ±2^63 but not 2^63 - 1: this bound is approximate, and values a double cannot
  // hold are range-checked exactly as BigInts before validation (odata/int64-decimal.ts).
  'Edm.Int64': { type: 'integer', minimum: -(2 ** 63), maximum: 2 ** 63 },
  'Edm.Decimal': { type: 'number' },
  // ODataJSON §7.1: the special values of floating-point types travel as strings.
  'Edm.Double': { type: ['number', 'string'], pattern: '^(NaN|-?INF)$' },
  // A number that rounds to a finite float32: below 2^128 - 2^103, the midpoint past its largest.
  'Edm.Single': { type: ['number', 'string'], pattern: '^(NaN|-?INF)$', exclusiveMinimum: -3.4028235677973366e38, exclusiveMaximum: 3.4028235677973366e38 },
  'Edm.Guid': { type: 'string', pattern: '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$' },
  'Edm.DateTimeOffset': { type: 'string', pattern: `^${DATE}T${TIME}${OFFSET}$` },
  'Edm.Date': { type: 'string', pattern: `^${DATE}$` },
  'Edm.TimeOfDay': { type: 'string', pattern: `^${TIME}$` },
  'Edm.Duration': { type: 'string', pattern: '^-?P(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?)?$' },
  // ODataJSON §7.1: base64url (RFC 4648 §5), padding optional; the last group's unused bits are zero (ABNF binaryValue).
  'Edm.Binary': { type: 'string', pattern: '^([A-Za-z0-9_-]{4})*([A-Za-z0-9_-]{2}[AEIMQUYcgkosw048]=?|[A-Za-z0-9_-][AQgw](==)?)?$' },
};

function primitiveSchema(type: string): JsonSchema {
  const known = PRIMITIVE_SCHEMAS[type];
  if (known) return { ...known };
  if (type.startsWith('Edm.Geography') || type.startsWith('Edm.Geometry')) return { type: 'object' };
  return {}; // Edm.Untyped, Edm.PrimitiveType, Edm.Stream: any JSON value
}

function allowNull(schema: JsonSchema): JsonSchema {
  const type = schema.type;
  if (type === undefined) return schema;
  const types: unknown[] = Array.isArray(type) ? type : [type];
  const result: JsonSchema = { ...schema, type: [...types, 'null'] };
  if (Array.isArray(schema.enum)) result.enum = [...(schema.enum as unknown[]), null];
  return result;
}

function valueSchema(model: EdmModel, property: EdmProperty, nullable: boolean): JsonSchema {
  let schema: JsonSchema;
  switch (property.typeKind) {
    case 'primitive':
      schema = primitiveSchema(property.type);
      if (property.maxLength !== undefined && schema.type === 'string') schema.maxLength = property.maxLength;
      break;
    case 'enum': {
      const enumType = model.enumTypes[property.type];
      const names = enumType?.members.map((m) => m.name) ?? [];
      schema = enumType?.isFlags
        // ODataJSON §7.1: a flags value is a comma-separated list of member names.
        ? { type: 'string', pattern: `^(${names.join('|')})(,(${names.join('|')}))*$` }
        : { type: 'string', enum: names };
      break;
    }
    case 'complex':
      // A nullable complex value: null, or an object matching the complex type.
      return nullable ? { if: { type: 'null' }, else: { $ref: schemaId('complex', property.type) } } : { $ref: schemaId('complex', property.type) };
    default:
      throw new Error(`unexpected property kind ${property.typeKind}`);
  }
  return nullable ? allowNull(schema) : schema;
}

function propertySchema(model: EdmModel, property: EdmProperty): JsonSchema {
  // CSDL 7.2.1: for a collection, Nullable applies to its items; the collection itself is never null.
  if (property.collection) return { type: 'array', items: valueSchema(model, property, property.nullable) };
  return valueSchema(model, property, property.nullable);
}

function objectSchema(model: EdmModel, type: EdmStructuredType, id: string, omit: ReadonlySet<string>): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  // A complex value may name its own type; the handler has made the name canonical.
  if (type.kind === 'complex') properties['@odata.type'] = { const: `#${type.qualifiedName}` };
  for (const property of type.properties) {
    if (!omit.has(property.name)) properties[property.name] = propertySchema(model, property);
  }
  // Open types (CSDL 6.3) accept dynamic properties; closed ones reject unknown names.
  return { $id: id, type: 'object', properties, additionalProperties: type.open };
}

/**
 * A value declared as `type`: of a concrete derived type when its `@odata.type` says so, else of
 * the type itself, which then must not be abstract (JSON Format §4.5.3: the type must be named
 * when it is not the declared one).
 */
function complexDispatchSchema(model: EdmModel, type: EdmStructuredType): JsonSchema {
  const concrete = [type.qualifiedName, ...type.derivedTypes].filter((name) => !model.complexTypes[name]?.abstract);
  const fallback: JsonSchema = type.abstract
    ? { type: 'object', required: ['@odata.type'], properties: { '@odata.type': { enum: concrete.map((name) => `#${name}`) } } }
    : { $ref: schemaId('exact', type.qualifiedName) };
  const dispatch = type.derivedTypes
    .filter((name) => !model.complexTypes[name]?.abstract)
    .reduceRight<JsonSchema>((otherwise, name) => ({
      if: { type: 'object', required: ['@odata.type'], properties: { '@odata.type': { const: `#${name}` } } },
      then: { $ref: schemaId('exact', name) },
      else: otherwise,
    }), fallback);
  return { $id: schemaId('complex', type.qualifiedName), ...dispatch };
}

/**
 * Every schema of a model: per concrete entity type a `create` schema (all declared structural
 * properties, keys included) and an `update` schema (keys left out: the handler checks a key in an
 * update body against the URL, OData 4.01 Protocol §11.4.3), plus one schema per complex type.
 */
export function buildJsonSchemas(model: EdmModel): JsonSchema[] {
  const schemas: JsonSchema[] = [];
  for (const type of Object.values(model.complexTypes)) {
    schemas.push(objectSchema(model, type, schemaId('exact', type.qualifiedName), new Set()));
    schemas.push(complexDispatchSchema(model, type));
  }
  for (const type of Object.values(model.entityTypes)) {
    if (type.abstract) continue; // abstract bases never validate a body: @odata.type picks a concrete type
    schemas.push(objectSchema(model, type, schemaId('create', type.qualifiedName), new Set()));
    schemas.push(objectSchema(model, type, schemaId('update', type.qualifiedName), new Set(type.key)));
  }
  return schemas;
}

/** Export name -> schema id of every entity validator, sorted for byte-stable output. */
export function validatorExports(model: EdmModel): Record<string, string> {
  const exports: Record<string, string> = {};
  for (const type of Object.values(model.entityTypes)) {
    if (type.abstract) continue;
    for (const mode of ['create', 'update'] as const) exports[validatorExportName(mode, type.qualifiedName)] = schemaId(mode, type.qualifiedName);
  }
  return exports;
}
