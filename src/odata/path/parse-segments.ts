import { odataErrors } from '../errors.js';

// URL path -> segments (OData 4.01 URL Conventions §4): each segment percent-decoded once, with an
// optional key predicate in parentheses: `x('k')`, `x(id='k')` or a bare numeric key `x(42)`.

export interface PathSegment {
  /** Decoded segment text, without any key predicate. */
  name: string;
  /** The key in parentheses, decoded from its literal form. */
  key?: string;
  /** The property named in `x(name='k')`. */
  keyName?: string;
  /** Whether the key in parentheses was a quoted (string) literal; undefined for other segments. */
  keyQuoted?: boolean;
  /** The segment as it was in the URL, for messages. */
  raw: string;
  /**
   * Why the parentheses are not a key, when they are not one: a function call such as
   * `delta()` has parentheses too, so this is only an error where a key is needed.
   */
  keyError?: Error;
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw odataErrors.invalidUrl(`the segment '${raw}' is not valid percent-encoding`);
  }
}

const GUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
/** Digits, letters and `-+.:` only, starting with a digit, a sign or a letter: `1.5`, `true`, `2026-01-02T10:00:00Z`. */
const BARE_LITERAL = /^[-+]?[0-9A-Za-z][0-9A-Za-z.:+-]*$/;

/** A key literal: `'it''s'` -> `it's`; a bare number or GUID stays as written. */
function parseKeyLiteral(literal: string, segment: string): string {
  if (literal.startsWith("'")) {
    if (literal.length < 2 || !literal.endsWith("'")) throw odataErrors.invalidUrl(`unterminated key literal in '${segment}'`);
    const body = literal.slice(1, -1);
    // Inside a string literal a single quote must be doubled (URL Conventions §5.1.1.6.1 / ABNF SQUOTE-in-string).
    if (/(^|[^'])'(?!')/.test(body.replace(/''/g, ''))) throw odataErrors.invalidUrl(`unescaped quote in key literal of '${segment}'`);
    return body.replace(/''/g, "'");
  }
  // Bare literals (URL Conventions §4.3.1, ABNF primitiveLiteral): integers and GUIDs, and the
  // decimals, booleans, dates, times and date-times other key types have. Whether one fits the
  // key property's type is the resolver's check (path/resolve-path.ts).
  if (/^-?\d+$/.test(literal) || GUID.test(literal) || BARE_LITERAL.test(literal)) return literal;
  throw odataErrors.invalidUrl(`'${literal}' in '${segment}' is not a key literal`);
}

/** Whether a segment is a plain name or key: nothing percent-encoded, no parentheses. One scan, not three. */
function isPlain(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25 /* % */ || c === 0x28 /* ( */ || c === 0x29 /* ) */) return false;
  }
  return true;
}

function parseSegment(raw: string): PathSegment {
  // Most segments are plain names or keys: nothing to decode, no parentheses.
  if (isPlain(raw)) return { name: raw, raw };
  const text = decode(raw);
  const open = text.indexOf('(');
  if (open < 0 || !text.endsWith(')')) {
    if (text.includes('(') || text.includes(')')) throw odataErrors.invalidUrl(`unbalanced parentheses in '${text}'`);
    return { name: text, raw };
  }
  const name = text.slice(0, open);
  let predicate = text.slice(open + 1, -1);
  if (predicate === '') return { name, raw, keyError: odataErrors.invalidUrl(`empty key predicate in '${text}'`) };
  const named = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(predicate);
  const segment: PathSegment = { name, raw };
  if (named && !predicate.startsWith("'")) {
    segment.keyName = named[1];
    predicate = named[2] as string;
  }
  try {
    segment.key = parseKeyLiteral(predicate, text);
    segment.keyQuoted = predicate.startsWith("'");
  } catch (error) {
    segment.keyError = error as Error;
  }
  return segment;
}

/** `/a/b('k')/c` -> segments. An empty segment in the middle is a 400; a trailing slash is tolerated. */
export function parsePathSegments(path: string): PathSegment[] {
  let start = 0;
  while (path.charCodeAt(start) === 0x2f) start++;
  const end = path.endsWith('/') && path.length > start ? path.length - 1 : path.length;
  if (start >= end) return [];
  const segments: PathSegment[] = [];
  // Each segment sliced straight from the path: no intermediate copy of it, no array from split.
  for (let from = start; from <= end;) {
    let to = path.indexOf('/', from);
    if (to < 0 || to > end) to = end;
    if (to === from) throw odataErrors.invalidUrl('the path has an empty segment');
    segments.push(parseSegment(path.slice(from, to)));
    from = to + 1;
  }
  return segments;
}
