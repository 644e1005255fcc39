import type { EdmModel, EdmAnnotations, TypeKind } from '../edm/model.js';

// Type-valid values made up from a model, for generated data (`--generate`) and for the results of
// actions and functions no handler answers. Deterministic: the same random source gives the same
// values, so a seed gives the same bytes.

/** What a value must fit: a property's, a parameter's or a return type's declaration. */
export interface ValueShape {
  type: string;
  typeKind: TypeKind;
  collection: boolean;
  nullable: boolean;
  maxLength?: number;
  precision?: number;
  scale?: number | 'variable' | 'floating';
  annotations?: EdmAnnotations;
}

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

const integer = (random: () => number, min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** One value of a primitive type, in the JSON form a request body would carry it. */
function samplePrimitive(type: string, random: () => number): unknown {
  switch (type) {
    case 'Edm.Boolean': return random() < 0.5;
    case 'Edm.Byte': return integer(random, 0, 255);
    case 'Edm.SByte': return integer(random, -128, 127);
    case 'Edm.Int16': return integer(random, -32768, 32767);
    case 'Edm.Int32': case 'Edm.Int64': return integer(random, 0, 1_000_000);
    case 'Edm.Decimal': return integer(random, 0, 100_000) / 100;
    case 'Edm.Double': case 'Edm.Single': return integer(random, 0, 1_000_000) / 8;
    case 'Edm.Guid': return Array.from({ length: 32 }, () => integer(random, 0, 15).toString(16)).join('').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
    case 'Edm.Date': return `${integer(random, 2000, 2030)}-${pad(integer(random, 1, 12))}-${pad(integer(random, 1, 28))}`;
    case 'Edm.DateTimeOffset': return `${samplePrimitive('Edm.Date', random) as string}T${samplePrimitive('Edm.TimeOfDay', random) as string}Z`;
    case 'Edm.TimeOfDay': return `${pad(integer(random, 0, 23))}:${pad(integer(random, 0, 59))}:${pad(integer(random, 0, 59))}`;
    case 'Edm.Duration': return `PT${integer(random, 1, 3600)}S`;
    case 'Edm.Binary': return Buffer.from(Array.from({ length: 6 }, () => integer(random, 0, 255))).toString('base64url');
    case 'Edm.String': return `text-${integer(random, 0, 999_999)}`;
    default: return null;
  }
}

/** A value that fits `shape` (a collection gets a few items); null only where nothing else fits. */
export function sampleValue(model: EdmModel, shape: ValueShape, random: () => number, depth = 0): unknown {
  if (shape.collection) {
    const items = depth > 3 ? 0 : integer(random, 1, 3);
    return Array.from({ length: items }, () => sampleValue(model, { ...shape, collection: false }, random, depth + 1));
  }
  switch (shape.typeKind) {
    case 'enum': {
      const members = model.enumTypes[shape.type]?.members ?? [];
      return members.length === 0 ? null : (members[integer(random, 0, members.length - 1)]?.name ?? null);
    }
    case 'complex': {
      const complex = model.complexTypes[shape.type];
      if (!complex || depth > 3) return shape.nullable ? null : {};
      const value: Record<string, unknown> = {};
      for (const property of complex.properties) value[property.name] = sampleValue(model, property, random, depth + 1);
      return value;
    }
    case 'entity': return null;
    default: return samplePrimitive(shape.type, random);
  }
}
