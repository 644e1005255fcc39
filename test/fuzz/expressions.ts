import fc from 'fast-check';
import { urlNoise } from './grammar.js';

// Generators of system query option values from the URL Conventions grammar ($filter
// expressions, $orderby, $select, $expand with nested options), over the properties of one
// entity type, with literals of every kind and a little noise mixed in.

export interface Vocabulary {
  /** Primitive and enum properties (and paths into complex values). */
  properties: string[];
  /** The same by kind, for well-typed expressions: `string`, `number`, `date`, `bool`, or an enum's `Namespace.type`. */
  typed: Record<string, string[]>;
  /** Collection-valued properties or navigations a lambda can range over, with a member path inside. */
  collections: [string, string][];
  /** Navigation properties for $expand. */
  navigations: string[];
}

const LITERALS = ["'alpha'", "''", "'O''Neil'", "'%'", "'\u00e9'", "'a''", '0', '-1', '2147483648', '9007199254740993', '9223372036854775807',
  '-9223372036854775808', '9223372036854775808', '1.5', '1.5e3', '1e400', '-0', '0.1M', '1.5d', '2f', 'INF', '-INF', 'NaN', 'null', 'true', 'false',
  '2026-12-02', '2026-02-29', '2026-13-01', '2026-12-02T10:00:00Z', '2026-12-02T10:00:00+02:00', '2026-12-02T25:00:00Z', '10:00:00', '24:00:00',
  "duration'PT1H'", "duration'P'", 'PT1H', '01234567-89ab-cdef-0123-456789abcdef', 'ABCDEF01-89AB-CDEF-0123-456789ABCDEF', "binary'AAEC'", "binary'AA+/'",
  "microsoft.graph.resultantAppState'failed'", "graph.resultantAppState'nope'", "f.colour'red,blue'", "f.colour'8'", '$it', '$root', '@p1', "geography'POINT(0 0)'"];

const FUNCTIONS1 = ['tolower', 'toupper', 'trim', 'length', 'year', 'month', 'day', 'hour', 'minute', 'second', 'fractionalseconds', 'date', 'time',
  'totaloffsetminutes', 'round', 'floor', 'ceiling', 'totalseconds', 'now', 'maxdatetime', 'mindatetime', 'isof', 'cast', 'not', 'nosuch'];
const FUNCTIONS2 = ['contains', 'startswith', 'endswith', 'indexof', 'concat', 'substring', 'matchesPattern', 'cast', 'isof', 'has', 'geo.distance'];
const COMPARISONS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'has', 'EQ', 'in'];
const ARITHMETIC = ['add', 'sub', 'mul', 'div', 'divby', 'mod'];

const STRING_LITERALS = ["'alpha'", "''", "'O''Neil'", "'a'", "'%25'", "'\u00e9'", "'ADELE-LAPTOP'", "'17.1'"];
const NUMBER_LITERALS = ['0', '1', '-5', '10', '20', '2147483647', '2147483648', '9007199254740993', '9223372036854775807', '1.5', '0.1M', '1e3', '-0', 'INF', 'NaN'];
const DATE_LITERALS = ['2026-01-06T08:00:00Z', '2026-01-15T10:00:00+02:00', '2026-12-02', '2026-02-29', '2026-13-01', '2026-01-06T08:00:00.1234567Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z'];

/** Expressions that are well typed over the vocabulary's kinds: they get past type checking to evaluation. */
function wellTyped(vocabulary: Vocabulary): fc.Arbitrary<string> {
  const of = (kind: string, literals: string[]) => fc.oneof(...[...(vocabulary.typed[kind] ?? []), ...literals].map((v) => fc.constant(v)));
  const { str, num } = fc.letrec<{ str: string; num: string }>((tie) => ({
    str: fc.oneof({ depthSize: 'small' }, of('string', STRING_LITERALS),
      fc.tuple(fc.constantFrom('tolower', 'toupper', 'trim'), tie('str')).map(([f, a]) => `${f}(${a})`),
      fc.tuple(tie('str'), tie('str')).map(([a, b]) => `concat(${a},${b})`),
      fc.tuple(tie('str'), tie('num')).map(([a, n]) => `substring(${a},${n})`),
      fc.tuple(tie('str'), tie('num'), tie('num')).map(([a, n, m]) => `substring(${a},${n},${m})`)),
    num: fc.oneof({ depthSize: 'small' }, of('number', NUMBER_LITERALS),
      tie('str').map((a) => `length(${a})`),
      fc.tuple(tie('str'), tie('str')).map(([a, b]) => `indexof(${a},${b})`),
      fc.tuple(tie('num'), fc.constantFrom(...ARITHMETIC), tie('num')).map(([a, op, b]) => `${a} ${op} ${b}`),
      fc.tuple(fc.constantFrom('year', 'month', 'day', 'hour', 'minute', 'second', 'fractionalseconds', 'totaloffsetminutes'), of('date', DATE_LITERALS)).map(([f, d]) => `${f}(${d})`),
      fc.tuple(fc.constantFrom('round', 'floor', 'ceiling', '-'), tie('num')).map(([f, a]) => (f === '-' ? `-${a}` : `${f}(${a})`))),
  }));
  const date = fc.oneof(of('date', DATE_LITERALS), fc.constant('now()'), of('date', []).map((d) => `date(${d})`));
  const comparison = fc.constantFrom('eq', 'ne', 'gt', 'ge', 'lt', 'le');
  const enums = Object.entries(vocabulary.typed).filter(([kind]) => kind.includes('.'));
  const atoms: fc.Arbitrary<string>[] = [
    fc.tuple(str, comparison, str).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(num, comparison, num).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(date, comparison, date).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(fc.constantFrom('contains', 'startswith', 'endswith'), str, str).map(([f, a, b]) => `${f}(${a},${b})`),
    fc.tuple(of('string', []), fc.array(of('string', STRING_LITERALS), { minLength: 1, maxLength: 3 })).map(([p, list]) => `${p} in (${list.join(',')})`),
    fc.tuple(fc.constantFrom(...vocabulary.properties), fc.constantFrom('eq', 'ne')).map(([p, op]) => `${p} ${op} null`),
    ...(vocabulary.typed.bool ?? []).map((p) => fc.constantFrom(p, `${p} eq true`, `not ${p}`)),
    ...enums.map(([type, props]) => fc.tuple(fc.constantFrom(...props), comparison, fc.constantFrom("'failed'", "'installed'", "'published'", "'red'", "'red,blue'", "'1'", `${type}'failed'`, `${type}'nope'`))
      .map(([p, op, v]) => `${p} ${op} ${v}`)),
    ...enums.map(([type, props]) => fc.constantFrom(...props).map((p) => `${p} has ${type}'red'`)),
    ...vocabulary.collections.map(([collection, inner]) => fc.tuple(fc.constantFrom('any', 'all'), comparison, fc.constantFrom(...STRING_LITERALS, ...NUMBER_LITERALS))
      .map(([lambda, op, lit]) => `${collection}/${lambda}(x:x${inner} ${op} ${lit})`)),
  ];
  const atom = fc.oneof(...atoms);
  const { bool } = fc.letrec<{ bool: string }>((tie) => ({
    bool: fc.oneof({ depthSize: 'small', withCrossShrink: true }, atom,
      fc.tuple(tie('bool'), fc.constantFrom('and', 'or'), tie('bool')).map(([a, op, b]) => `${a} ${op} ${b}`),
      tie('bool').map((a) => `not (${a})`), tie('bool').map((a) => `(${a})`)),
  }));
  return bool;
}

export function filterExpression(vocabulary: Vocabulary): fc.Arbitrary<string> {
  return fc.oneof({ weight: 3, arbitrary: wellTyped(vocabulary) }, { weight: 1, arbitrary: wildExpression(vocabulary) });
}

function wildExpression(vocabulary: Vocabulary): fc.Arbitrary<string> {
  const property = fc.constantFrom(...vocabulary.properties);
  const literal = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...LITERALS) }, { weight: 1, arbitrary: fc.integer().map(String) },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }).map((s) => `'${s.replaceAll("'", "''")}'`) });
  const { value } = fc.letrec<{ value: string }>((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true },
      property, literal,
      fc.tuple(tie('value'), fc.constantFrom(...ARITHMETIC), tie('value')).map(([a, op, b]) => `${a} ${op} ${b}`),
      fc.tuple(fc.constantFrom(...FUNCTIONS1), tie('value')).map(([f, a]) => `${f}(${a})`),
      fc.tuple(fc.constantFrom(...FUNCTIONS2), tie('value'), tie('value')).map(([f, a, b]) => `${f}(${a},${b})`),
      fc.tuple(fc.constant('substring'), tie('value'), tie('value'), tie('value')).map(([f, a, b, c]) => `${f}(${a},${b},${c})`),
      tie('value').map((a) => `-${a}`),
      tie('value').map((a) => `(${a})`),
    ),
  }));
  const { expr } = fc.letrec<{ expr: string }>((tie) => ({
    expr: fc.oneof({ depthSize: 'small', withCrossShrink: true },
      fc.tuple(value, fc.constantFrom(...COMPARISONS), value).map(([a, op, b]) => `${a} ${op} ${b}`),
      fc.tuple(property, fc.array(literal, { maxLength: 4 })).map(([p, list]) => `${p} in (${list.join(',')})`),
      fc.tuple(tie('expr'), fc.constantFrom('and', 'or', 'AND'), tie('expr')).map(([a, op, b]) => `${a} ${op} ${b}`),
      tie('expr').map((a) => `not ${a}`),
      tie('expr').map((a) => `(${a})`),
      value,
      ...(vocabulary.collections.length === 0 ? [] : [fc.tuple(fc.constantFrom(...vocabulary.collections), fc.constantFrom('any', 'all'), fc.constantFrom(...COMPARISONS), literal)
        .map(([[collection, inner], lambda, op, lit]) => `${collection}/${lambda}(x:x${inner} ${op} ${lit})`)]),
    ),
  }));
  return expr;
}

/** Text with one character inserted, removed or swapped: the near misses a hand writes. */
export const nearMiss = (text: fc.Arbitrary<string>) => fc.tuple(text, fc.nat(), fc.constantFrom('(', ')', "'", ',', ' ', '/', '$', ':', '"', '\\', '', '%')).map(([s, n, c]) => {
  const at = s.length === 0 ? 0 : n % s.length;
  return `${s.slice(0, at)}${c}${s.slice(at + 1)}`;
});

export function orderby(vocabulary: Vocabulary): fc.Arbitrary<string> {
  const item = fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...vocabulary.properties) }, { weight: 1, arbitrary: filterExpression(vocabulary) }),
    fc.constantFrom('', ' asc', ' desc', ' DESC', ' up'))
    .map(([p, d]) => `${p}${d}`);
  return fc.array(item, { minLength: 1, maxLength: 3 }).map((items) => items.join(','));
}

export function select(vocabulary: Vocabulary): fc.Arbitrary<string> {
  const item = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...vocabulary.properties, ...vocabulary.navigations, '*') },
    { weight: 1, arbitrary: fc.constantFrom('id', 'nosuch', '', '@odata.type', 'microsoft.graph.webApp/appUrl', 'microsoft.graph.*', 'largeIcon/type', 'where/x', '$value', 'x/y/z') });
  return fc.array(item, { minLength: 1, maxLength: 4 }).map((items) => items.join(','));
}

export function expand(vocabulary: Vocabulary): fc.Arbitrary<string> {
  const navigation = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...vocabulary.navigations, '*') },
    { weight: 1, arbitrary: fc.constantFrom('nosuch', '$ref', '*/$ref', 'largeIcon', 'displayName', `${vocabulary.navigations[0] ?? 'x'}/$ref`) });
  const { option } = fc.letrec<{ option: string }>((tie) => ({
    option: fc.tuple(navigation, fc.option(fc.array(fc.oneof(
      select(vocabulary).map((s) => `$select=${s}`),
      filterExpression(vocabulary).map((f) => `$filter=${f}`),
      fc.constantFrom('$top=1', '$skip=1', '$count=true', '$levels=2', '$levels=max', '$orderby=id desc', '$search=x', '$top=-1', '$expand=*'),
      tie('option').map((e) => `$expand=${e}`),
    ), { minLength: 1, maxLength: 3 }), { depthSize: 'small' }))
      .map(([nav, nested]) => (nested === null ? nav : `${nav}(${nested.join(';')})`)),
  }));
  return fc.array(option, { minLength: 1, maxLength: 2 }).map((items) => items.join(','));
}

/** Encodes a generated option value as a client would: percent-encoded, or only spaces encoded. */
export const encoded = (value: string, raw: boolean) => (raw ? value.replaceAll(' ', '%20').replaceAll('#', '%23').replaceAll('&', '%26') : encodeURIComponent(value));

/** A query string of generated options for one vocabulary. */
export function queryOptions(vocabulary: Vocabulary): fc.Arbitrary<string> {
  const option = fc.oneof(
    { weight: 4, arbitrary: fc.oneof(filterExpression(vocabulary), nearMiss(filterExpression(vocabulary))).map((v) => ['$filter', v] as const) },
    { weight: 2, arbitrary: fc.oneof(orderby(vocabulary), nearMiss(orderby(vocabulary))).map((v) => ['$orderby', v] as const) },
    { weight: 2, arbitrary: fc.oneof(select(vocabulary), nearMiss(select(vocabulary))).map((v) => ['$select', v] as const) },
    { weight: 2, arbitrary: fc.oneof(expand(vocabulary), nearMiss(expand(vocabulary))).map((v) => ['$expand', v] as const) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('$top', '$skip', '$count', '$skiptoken', '$search', '$format', '$levels'),
      fc.oneof(fc.constantFrom('0', '1', '-1', '2147483648', '1e3', 'true', 'false', 'TRUE', 'json', 'xml', ''), urlNoise)) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('$filter', '$orderby', '$select', '$expand'), urlNoise) },
  );
  return fc.tuple(fc.array(option, { minLength: 1, maxLength: 3 }), fc.boolean())
    .map(([options, raw]) => options.map(([name, value]) => `${name}=${encoded(value, raw)}`).join('&'));
}

