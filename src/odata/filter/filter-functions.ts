import { dateTimeParts } from './edm-values.js';
import { BOOLEAN, INT32, STRING, type ValueType } from './value-types.js';

// The built-in functions an expression may call, each overload with its parameter types.

export interface FunctionSignature {
  parameters: string[][];
  result: ValueType;
  apply: (...args: unknown[]) => unknown;
}

const STRING_ARG = ['Edm.String'];
const DATE_PARTS = ['Edm.DateTimeOffset', 'Edm.Date'];
const TIME_PARTS = ['Edm.DateTimeOffset', 'Edm.TimeOfDay'];

function datePart(part: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second') {
  return (value: unknown): unknown => {
    const text = String(value);
    const parts = dateTimeParts(text);
    if (parts) return parts[part];
    const date = /^(-?\d{4,})-(\d{2})-(\d{2})$/.exec(text);
    if (date) return { year: Number(date[1]), month: Number(date[2]), day: Number(date[3]) }[part as 'year'] ?? null;
    const time = /^(\d{2}):(\d{2})(?::(\d{2}))?/.exec(text);
    if (time) return { hour: Number(time[1]), minute: Number(time[2]), second: Number(time[3] ?? 0) }[part as 'hour'] ?? null;
    return null;
  };
}

// URL Conventions §5.1.1.5 (string functions) and §5.1.1.6 (date and time functions).
export const FUNCTIONS: Record<string, FunctionSignature[]> = {
  contains: [{ parameters: [STRING_ARG, STRING_ARG], result: BOOLEAN, apply: (a, b) => String(a).includes(String(b)) }],
  startswith: [{ parameters: [STRING_ARG, STRING_ARG], result: BOOLEAN, apply: (a, b) => String(a).startsWith(String(b)) }],
  endswith: [{ parameters: [STRING_ARG, STRING_ARG], result: BOOLEAN, apply: (a, b) => String(a).endsWith(String(b)) }],
  indexof: [{ parameters: [STRING_ARG, STRING_ARG], result: INT32, apply: (a, b) => String(a).indexOf(String(b)) }],
  length: [{ parameters: [STRING_ARG], result: INT32, apply: (a) => [...String(a)].length }],
  tolower: [{ parameters: [STRING_ARG], result: STRING, apply: (a) => String(a).toLowerCase() }],
  toupper: [{ parameters: [STRING_ARG], result: STRING, apply: (a) => String(a).toUpperCase() }],
  trim: [{ parameters: [STRING_ARG], result: STRING, apply: (a) => String(a).trim() }],
  concat: [{ parameters: [STRING_ARG, STRING_ARG], result: STRING, apply: (a, b) => `${String(a)}${String(b)}` }],
  substring: [
    { parameters: [STRING_ARG, ['Edm.Int32', 'Edm.Int64', 'Edm.Int16', 'Edm.Byte', 'Edm.SByte']], result: STRING, apply: (a, b) => [...String(a)].slice(Math.max(0, Number(b))).join('') },
    { parameters: [STRING_ARG, ['Edm.Int32', 'Edm.Int64', 'Edm.Int16', 'Edm.Byte', 'Edm.SByte'], ['Edm.Int32', 'Edm.Int64', 'Edm.Int16', 'Edm.Byte', 'Edm.SByte']], result: STRING, apply: (a, b, c) => [...String(a)].slice(Math.max(0, Number(b)), Math.max(0, Number(b)) + Math.max(0, Number(c))).join('') },
  ],
  year: [{ parameters: [DATE_PARTS], result: INT32, apply: datePart('year') }],
  month: [{ parameters: [DATE_PARTS], result: INT32, apply: datePart('month') }],
  day: [{ parameters: [DATE_PARTS], result: INT32, apply: datePart('day') }],
  hour: [{ parameters: [TIME_PARTS], result: INT32, apply: datePart('hour') }],
  minute: [{ parameters: [TIME_PARTS], result: INT32, apply: datePart('minute') }],
  second: [{ parameters: [TIME_PARTS], result: INT32, apply: datePart('second') }],
};
