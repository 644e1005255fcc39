import fc from 'fast-check';

// Generators of request bodies: valid entities bent a little (one property dropped, retyped or
// given an edge value; an unknown or control member added) and JSON text broken a little
// (cut, spliced, re-encoded), so that inputs reach the validators and not only the JSON reader.

/** A number as written in JSON text, including what a double cannot hold. */
export class RawNumber {
  constructor(readonly text: string) {}
}

/** JSON text for a value that may hold RawNumbers (written as they are) and duplicate-free keys. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const RAW_NUMBERS = ['1e400', '-1e400', '1e39', '3.4028235e38', '9007199254740993', '9223372036854775807', '9223372036854775808',
  '-9223372036854775809', '-0', '0.1', '1E+2', '1e-400', '99999999999999.9999', '9007199254740993.0', '123456789012345678901234567890',
  '2147483648', '-2147483649', '256', '-129', '32768', '1.0', '5e-324', '0.00001'];

/** Values close to what the bundled and typed properties take, and far from it. */
export const edgeValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...RAW_NUMBERS).map((text) => new RawNumber(text)) },
  { weight: 3, arbitrary: fc.constantFrom('', 'installed', 'published', 'red', 'red,blue', '3', 'Red', 'compliant', 'none',
    '2026-12-02', '2026-02-29', '2026-13-01', '2026-12-02T10:00:00Z', '2026-12-02T25:00:00Z', '10:00:00', '24:00:00', 'PT1H', 'P1Y', 'PT',
    '01234567-89ab-cdef-0123-456789abcdef', 'ABCDEF01-0000-4000-8000-000000000001', '{01234567-89ab-cdef-0123-456789abcdef}', 'AAEC', 'AA+/', 'AA-_', 'A', '====',
    '\u0000int:7', '\u0000', '\ud800', 'caf\u00e9', 'x'.repeat(300), '9007199254740993', 'NaN', 'INF', '-INF', '1e400', 'true', 'null') },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null, 0, -1, 1.5, [], {}, [null], { x: 1 }, { '@odata.type': '#microsoft.graph.webApp' }) },
);

const MEMBER_NAMES = ['@odata.type', '@odata.id', '@odata.etag', '@odata.context', 'id', '__proto__', 'constructor', 'prototype',
  'toString', 'hasOwnProperty', '@odata.bind', 'userStatuses@odata.bind', 'categories@odata.bind', 'x@odata.type', '#action', '',
  'userStatuses', 'deviceStatuses', 'categories', 'app', 'largeIcon', 'where', 'points'];

const TYPE_NAMES = ['#microsoft.graph.webApp', '#microsoft.graph.mobileApp', '#microsoft.graph.entity', '#microsoft.graph.iosMobileAppConfiguration',
  '#microsoft.graph.mimeContent', 'microsoft.graph.webApp', '#graph.webApp', '#fuzz.typed.everything', '#f.everything', '#Edm.String', '#', ''];

type Mutation = (entity: Record<string, unknown>) => Record<string, unknown>;

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), edgeValue).map(([i, value]): Mutation => (e) => {
    const names = Object.keys(e);
    return names.length === 0 ? e : { ...e, [names[i % names.length]]: value };
  }),
  fc.nat().map((i): Mutation => (e) => {
    const names = Object.keys(e);
    const copy = { ...e };
    if (names.length > 0) delete copy[names[i % names.length]];
    return copy;
  }),
  fc.tuple(fc.oneof(fc.constantFrom(...MEMBER_NAMES), fc.string({ maxLength: 8 })), edgeValue).map(([name, value]): Mutation => (e) => {
    // `__proto__` as an own member, as JSON.parse would make it (an assignment would set the prototype).
    const copy = { ...e };
    Object.defineProperty(copy, name, { value, enumerable: true, configurable: true, writable: true });
    return copy;
  }),
  fc.constantFrom(...TYPE_NAMES).map((type): Mutation => (e) => ({ ...e, '@odata.type': type })),
);

/** A valid entity with zero to three mutations, as JSON text. */
export const nearValid = (valid: Record<string, unknown>) =>
  fc.array(mutation, { maxLength: 3 }).map((mutations) => toJsonText(mutations.reduce((e, m) => m(e), valid)));

/** JSON text broken at the text level: cut, spliced with a character, wrapped, or nested deep. */
export const brokenText = (valid: Record<string, unknown>) => {
  const text = toJsonText(valid);
  return fc.oneof(
    fc.nat({ max: text.length }).map((n) => text.slice(0, n)),
    fc.tuple(fc.nat({ max: text.length }), fc.string({ minLength: 1, maxLength: 3 })).map(([n, s]) => `${text.slice(0, n)}${s}${text.slice(n)}`),
    fc.constantFrom(`\ufeff${text}`, `${text} x`, `[${text}]`, `${text}${text}`, `{"a":1,"a":2}`, '{"__proto__":{"x":1}}', 'null', '"x"', '1', '[]', '', ' ',
      `${'['.repeat(70)}${']'.repeat(70)}`, `${'{"a":'.repeat(70)}1${'}'.repeat(70)}`, '{"a":"\\ud800"}', '{"a":"\\u0000int:7"}', '{"a":1e400}'),
    fc.json({ maxDepth: 4 }),
    fc.string({ maxLength: 40 }),
  );
};

export const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  { weight: 3, arbitrary: fc.constantFrom('application/json;odata.metadata=minimal', 'application/json; charset=utf-8', 'application/json;charset=UTF-8',
    'application/json;IEEE754Compatible=true', 'application/json;odata.streaming=true', 'application/json;charset=iso-8859-1',
    'Application/JSON', 'application/json;', 'application/json;charset=', 'text/plain', 'application/xml', 'multipart/mixed', 'application/x-www-form-urlencoded',
    'application/merge-patch+json', 'application/*', '*/*', 'application', ';', 'application/json, text/plain') },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz/;=-+.*, '.split('')), maxLength: 30 }) },
);

/** A generated write: a target, its body (near-valid entity or broken text) and a Content-Type. */
export const writeRequest = (targets: [string, string, Record<string, unknown>][]) => fc.constantFrom(...targets).chain(([method, url, valid]) =>
  fc.tuple(fc.constant(method), fc.constant(url), fc.oneof({ weight: 3, arbitrary: nearValid(valid) }, { weight: 1, arbitrary: brokenText(valid) }), contentType));
