import { odataErrors } from '../errors.js';

// URL path -> segments (OData 4.01 URL Conventions §4): each segment percent-decoded once, with an
// optional key predicate in parentheses: `x('k')`, `x(5)`, `x(id='k')`, `x(a=1,b='k')`. What the
// predicate says is read against the key of the addressed type (odata/entity-key.ts).

export interface PathSegment {
  /** Decoded segment text, without any key predicate. */
  name: string;
  /** The text in parentheses, decoded: the key predicate (`'k'`, `a=1,b='k'`) or a function's parameters. */
  key?: string;
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
  const predicate = text.slice(open + 1, -1);
  if (predicate === '') return { name, raw, keyError: odataErrors.invalidUrl(`empty key predicate in '${text}'`) };
  return { name, raw, key: predicate };
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
