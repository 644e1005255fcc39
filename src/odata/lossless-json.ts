// JSON.parse reads every number as a double, so an Int64 such as 9007199254740993 arrives as
// 9007199254740992 and 9223372036854775808 (beyond Int64) as 2^63, which passes a range check.
// OData JSON §7.1 wants the value the client wrote. Bodies whose text has no run of 16 digits
// cannot hold such a number and take JSON.parse as it is; the others have their long integer
// literals read as BigInt: first quoted with a marker, then parsed, then turned back.

const LONG_DIGITS = /\d{16}/;
/**
 * A marked literal becomes the JSON string `"\u0000int:<digits>"`, which parses to MARK + digits.
 * A client may write that escape too, but never next to the digits of a number we marked: the
 * marking happens outside strings only.
 */
const MARK = '\u0000int:';
const MARK_IN_JSON = '\\u0000int:';

/** Parsed objects that hold BigInt values at some depth; any other body can skip the question. */
const withBigInts = new WeakSet<object>();

export const holdsBigInts = (body: unknown): boolean => typeof body === 'object' && body !== null && withBigInts.has(body);

/** Integer literals outside strings with 16 or more digits, quoted with MARK. */
function markLongIntegers(text: string): { text: string; marked: number } {
  let out = '';
  let last = 0;
  let marked = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // a string: skip to its closing quote
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
      continue;
    }
    if (c !== 0x2d && (c < 0x30 || c > 0x39)) continue;
    let end = i + 1;
    while (end < text.length && /[0-9.eE+-]/.test(text[end] as string)) end++;
    const literal = text.slice(i, end);
    if (/^-?\d{16,}$/.test(literal)) {
      out += `${text.slice(last, i)}"${MARK_IN_JSON}${literal}"`;
      last = end;
      marked++;
    }
    i = end - 1;
  }
  return { text: marked === 0 ? text : out + text.slice(last), marked };
}

/** Marked strings back to numbers (BigInt beyond ±2^53); every object above a BigInt is flagged. */
function restore(value: unknown): { value: unknown; big: boolean } {
  if (typeof value === 'string') {
    if (!value.startsWith(MARK)) return { value, big: false };
    const big = BigInt(value.slice(MARK.length));
    // Within ±2^53 a double holds the value exactly.
    const safe = big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER);
    return safe ? { value: Number(big), big: false } : { value: big, big: true };
  }
  if (typeof value !== 'object' || value === null) return { value, big: false };
  let big = false;
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    const restored = restore(object[key]);
    object[key] = restored.value;
    big ||= restored.big;
  }
  if (big) withBigInts.add(object);
  return { value, big };
}

/** JSON.parse, except that integers beyond ±2^53 become BigInt rather than the nearest double. */
export function parseJsonBody(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  const { text: marked, marked: count } = markLongIntegers(text);
  if (count === 0) return JSON.parse(text);
  let parsed: unknown;
  try {
    parsed = restore(JSON.parse(marked)).value;
  } catch {
    return JSON.parse(text); // the error message then points into what the client sent
  }
  return parsed;
}
