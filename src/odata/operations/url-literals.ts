import type { EdmModel, EdmParameter } from '../../edm/model.js';

// A function parameter's URL literal (URL Conventions §5.1.1, ABNF primitiveLiteral) in the JSON
// form a request body would carry the same value: `'it''s'` -> "it's", `5` -> 5,
// `Ns.Color'Red'` -> "Red", `duration'PT1H'` -> "PT1H", `[1,2]` and `{"a":1}` as JSON (§4.5.2:
// complex and collection values are written as JSON). Whether the value then fits the type is
// parameter-values.ts's check; this only says what the text means, or why it means nothing.

export type LiteralReading = { value: unknown } | { problem: string };

const NUMBER = /^[-+]?(\d+(\.\d+)?([eE][-+]?\d+)?|INF|NaN)$/;
const INTEGER = /^[-+]?\d+$/;

/** `'...'` with doubled quotes inside -> the text, or undefined when it is not one such literal. */
function quoted(text: string): string | undefined {
  if (text.length < 2 || !text.startsWith("'") || !text.endsWith("'")) return undefined;
  const body = text.slice(1, -1);
  if (/'/.test(body.replace(/''/g, ''))) return undefined;
  return body.replace(/''/g, "'");
}

/** `prefix'...'` (binary, duration, an enum's type name) -> the prefix and the quoted text. */
function prefixed(text: string): { prefix: string; body: string } | undefined {
  const open = text.indexOf("'");
  if (open <= 0) return undefined;
  const body = quoted(text.slice(open));
  return body === undefined ? undefined : { prefix: text.slice(0, open), body };
}

function json(text: string): LiteralReading {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { problem: `is not valid JSON: ${text}` };
  }
}

function enumLiteral(model: EdmModel, type: string, text: string): LiteralReading {
  const plain = quoted(text);
  if (plain !== undefined) return { value: plain }; // 4.01: the member without its type
  const typed = prefixed(text);
  if (typed) {
    const dot = typed.prefix.lastIndexOf('.');
    const namespace = model.aliases[typed.prefix.slice(0, dot)] ?? typed.prefix.slice(0, dot);
    if (`${namespace}.${typed.prefix.slice(dot + 1)}` !== type) return { problem: `names the type '${typed.prefix}', not ${type}` };
    return { value: typed.body };
  }
  if (INTEGER.test(text)) return { value: Number(text) };
  return { problem: `is not a member of ${type} written as ${type}'Member': ${text}` };
}

function primitiveLiteral(type: string, text: string): LiteralReading {
  const plain = quoted(text);
  switch (type) {
    case 'Edm.String': return plain === undefined ? { problem: `is not a string literal in single quotes: ${text}` } : { value: plain };
    case 'Edm.Boolean': return text === 'true' || text === 'false' ? { value: text === 'true' } : { problem: `is not true or false: ${text}` };
    case 'Edm.Byte': case 'Edm.SByte': case 'Edm.Int16': case 'Edm.Int32': case 'Edm.Int64':
      return INTEGER.test(text) ? { value: Number(text) } : { problem: `is not an ${type} literal: ${text}` };
    case 'Edm.Decimal': case 'Edm.Double': case 'Edm.Single': {
      const number = text.replace(/[mMdDfF]$/, '');
      if (!NUMBER.test(number)) return { problem: `is not an ${type} literal: ${text}` };
      if (/INF|NaN/.test(number)) return type === 'Edm.Decimal' ? { problem: `is not an Edm.Decimal literal: ${text}` } : { value: number.replace(/^\+/, '') };
      return { value: Number(number) };
    }
    case 'Edm.Duration': case 'Edm.Binary': {
      const typed = prefixed(text);
      if (typed && typed.prefix.toLowerCase() === type.slice(4).toLowerCase()) return { value: typed.body };
      return { value: plain ?? text };
    }
    case 'Edm.Untyped': return text.startsWith('[') || text.startsWith('{') ? json(text) : { value: plain ?? text };
    default:
      if (type.startsWith('Edm.Geo')) return text.startsWith('{') ? json(text) : { problem: `is not a GeoJSON object: ${text}` };
      return { value: plain ?? text }; // Guid, Date, TimeOfDay, DateTimeOffset: bare
  }
}

/** Reads a literal as a value of `parameter`'s type. */
export function readLiteral(model: EdmModel, parameter: EdmParameter, text: string): LiteralReading {
  if (text === 'null') return { value: null };
  if (parameter.collection || parameter.typeKind === 'complex' || parameter.typeKind === 'entity') {
    if (text.startsWith('[') || text.startsWith('{')) return json(text);
    return { problem: `is not a JSON ${parameter.collection ? 'array' : 'object'}: ${text}` };
  }
  if (parameter.typeKind === 'enum') return enumLiteral(model, parameter.type, text);
  return primitiveLiteral(parameter.type, text);
}
