// A JSON number kept as the client wrote it, because a double cannot hold it: a Decimal with
// more digits than a double keeps (99999999999999.9999), or one beyond its range (1e400). OData
// JSON §7.1 wants the value that was sent, and Edm.Decimal has no size limit but its facets.
// Integers beyond ±2^53 are BigInts instead: JavaScript compares and prints those natively.

export class DecimalText {
  constructor(readonly text: string) {}

  /**
   * JSON.stringify would write `{"text":...}`; throwing sends the value to the exact writer
   * (stringifyJson), the way a BigInt does, so the plain path never has to look for these.
   */
  toJSON(): never {
    throw new TypeError('a DecimalText is written by stringifyJson');
  }

  toString(): string {
    return this.text;
  }
}

/** A number as digits without leading or trailing zeros and a power of ten: 12.50 -> 125, -1. */
export interface DecimalParts {
  negative: boolean;
  digits: string;
  exponent: number;
}

const NUMBER_TEXT = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** The parts of a JSON number literal (or of String(aNumber)); undefined for anything else. */
export function decimalParts(text: string): DecimalParts | undefined {
  const m = NUMBER_TEXT.exec(text);
  if (!m) return undefined;
  const fraction = m[3] ?? '';
  const all = `${m[2]}${fraction}`;
  let start = 0;
  while (start < all.length - 1 && all[start] === '0') start++;
  let end = all.length;
  while (end > start + 1 && all[end - 1] === '0') end--;
  const digits = all.slice(start, end);
  if (digits === '0') return { negative: false, digits, exponent: 0 };
  return { negative: m[1] === '-', digits, exponent: Number(m[4] ?? 0) - fraction.length + (all.length - end) };
}

/** Digits before and after the decimal point that a value needs (12.5 -> 2 and 1). */
export function digitCounts(parts: DecimalParts): { integer: number; fraction: number } {
  if (parts.digits === '0') return { integer: 0, fraction: 0 };
  return { integer: Math.max(0, parts.digits.length + parts.exponent), fraction: Math.max(0, -parts.exponent) };
}

/** True when the double nearest to a literal is the literal's value, so reading it as a number loses nothing. */
export function doubleHoldsExactly(text: string, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  const written = decimalParts(text);
  const held = decimalParts(String(value));
  return written !== undefined && held !== undefined && written.negative === held.negative
    && written.digits === held.digits && written.exponent === held.exponent;
}

/** A number literal's integer value, when it has one (9007199254740993.0 -> 9007199254740993n). */
export function integerValue(text: string): bigint | undefined {
  const parts = decimalParts(text);
  if (parts === undefined || parts.exponent < 0 || parts.exponent > 400) return undefined;
  const magnitude = BigInt(parts.digits) * 10n ** BigInt(parts.exponent);
  return parts.negative ? -magnitude : magnitude;
}

/** A BigInt within ±2^53 as the number it equals: stored integers have one form per value. */
export const normalInteger = (value: bigint): number | bigint =>
  value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
