import { DecimalText, doubleHoldsExactly } from './exact-number.js';

// JSON.parse reads every number as a double, so an Int64 such as 9007199254740993 arrives as
// 9007199254740992, a Decimal such as 99999999999999.9999 as 100000000000000 and 1e400 as
// Infinity. OData JSON §7.1 wants the value the client wrote. A body with no run of 16 digits
// and dots and no three-digit exponent cannot hold such a number and takes JSON.parse as it
// is. The others go through the reader below, which tags numbers where it meets them: integers
// beyond ±2^53 become BigInt, other numbers a double misrepresents become DecimalText, the rest
// plain numbers. Nothing is ever encoded into strings, so no string a client sends can be
// mistaken for a number.
//
// Why a reader of our own rather than a library such as lossless-json: that one refuses
// duplicate member names, where JSON.parse keeps the last; with it the same body would be
// accepted or refused depending on whether it holds a long number. This reader keeps
// JSON.parse's rules (and its error messages: on a syntax error JSON.parse is asked for one).

/** 16 digits (dots between them allowed) or a three-digit exponent; a character class, not a nested group, to stay near the old \d{16} scan's speed. */
const MAY_NEED_EXACT = /\d[\d.]{15}|[eE][+-]?\d\d\d/;

/** Deeper than this is refused anyway (request-body.ts); stopping here keeps the stack small. */
const MAX_NESTING = 1000;

/** Parsed objects that hold a BigInt or DecimalText at some depth; any other body can skip the question. */
const withExactNumbers = new WeakSet<object>();

export const holdsExactNumbers = (body: unknown): boolean => typeof body === 'object' && body !== null && withExactNumbers.has(body);

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const INTEGER = /^-?\d+$/;

class SyntaxProblem extends Error {}

function numberValue(literal: string): number | bigint | DecimalText {
  const value = Number(literal);
  if (INTEGER.test(literal)) return Number.isSafeInteger(value) ? value : BigInt(literal);
  return doubleHoldsExactly(literal, value) ? value : new DecimalText(literal);
}

/** A recursive-descent reader of one JSON text; `exact` is set on each container holding a tagged number. */
class Reader {
  private i = 0;
  private exact = false;

  constructor(private readonly text: string) {}

  read(): unknown {
    const value = this.value(0);
    this.space();
    if (this.i < this.text.length) throw new SyntaxProblem('content after the JSON value');
    return value;
  }

  private space(): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.i++;
    }
  }

  private value(depth: number): unknown {
    if (depth > MAX_NESTING) throw new SyntaxProblem('nested too deeply');
    this.space();
    const c = this.text[this.i];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    for (const [word, value] of WORDS) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = this.i;
    const match = NUMBER.exec(this.text);
    if (!match) throw new SyntaxProblem('a value expected');
    this.i += match[0].length;
    const number = numberValue(match[0]);
    if (typeof number !== 'number') this.exact = true;
    return number;
  }

  private string(): string {
    const text = this.text;
    const start = this.i;
    let plain = true;
    let j = start + 1;
    for (; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === 0x22) break;
      if (c === 0x5c) { plain = false; j++; } else if (c < 0x20) throw new SyntaxProblem('control character in a string');
    }
    if (j >= text.length) throw new SyntaxProblem('unterminated string');
    this.i = j + 1;
    return plain ? text.slice(start + 1, j) : (JSON.parse(text.slice(start, j + 1)) as string);
  }

  /** Exact numbers below mark this container and every one above it. */
  private closing<T extends object>(container: T, outerExact: boolean): T {
    if (this.exact) withExactNumbers.add(container);
    this.exact ||= outerExact;
    return container;
  }

  private object(depth: number): Record<string, unknown> {
    const outerExact = this.exact;
    this.exact = false;
    const object: Record<string, unknown> = {};
    this.i++;
    this.space();
    if (this.text[this.i] === '}') { this.i++; return this.closing(object, outerExact); }
    for (;;) {
      this.space();
      if (this.text[this.i] !== '"') throw new SyntaxProblem('a member name expected');
      const name = this.string();
      this.space();
      if (this.text[this.i++] !== ':') throw new SyntaxProblem('":" expected');
      const value = this.value(depth + 1);
      // As JSON.parse does: `__proto__` becomes an own member, never the object's prototype.
      if (name === '__proto__') Object.defineProperty(object, name, { value, writable: true, enumerable: true, configurable: true });
      else object[name] = value;
      this.space();
      const next = this.text[this.i++];
      if (next === '}') return this.closing(object, outerExact);
      if (next !== ',') throw new SyntaxProblem('"," or "}" expected');
    }
  }

  private array(depth: number): unknown[] {
    const outerExact = this.exact;
    this.exact = false;
    const array: unknown[] = [];
    this.i++;
    this.space();
    if (this.text[this.i] === ']') { this.i++; return this.closing(array, outerExact); }
    for (;;) {
      array.push(this.value(depth + 1));
      this.space();
      const next = this.text[this.i++];
      if (next === ']') return this.closing(array, outerExact);
      if (next !== ',') throw new SyntaxProblem('"," or "]" expected');
    }
  }
}

const WORDS: [string, unknown][] = [['true', true], ['false', false], ['null', null]];

/** JSON.parse, except that numbers a double cannot hold keep their value (BigInt or DecimalText). */
export function parseJsonBody(text: string): unknown {
  if (!MAY_NEED_EXACT.test(text)) return JSON.parse(text);
  try {
    return new Reader(text).read();
  } catch (error) {
    if (!(error instanceof SyntaxProblem || error instanceof SyntaxError)) throw error;
    // JSON.parse's message points into what the client sent, as on the plain path; a text it
    // takes (nesting beyond ours) is refused by the depth check that follows parsing.
    return JSON.parse(text);
  }
}

/**
 * JSON text of a value holding BigInts or DecimalTexts, each written as the digits it holds.
 * Stored values are plain JSON data, so members are written as JSON.stringify would (undefined
 * ones left out, toJSON honoured).
 */
export function stringifyExactJson(value: unknown): string | undefined {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof DecimalText) return value.text;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => stringifyExactJson(item) ?? 'null').join(',')}]`;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return stringifyExactJson((toJSON as () => unknown).call(value));
  const members: string[] = [];
  for (const name of Object.keys(value)) {
    const text = stringifyExactJson((value as Record<string, unknown>)[name]);
    if (text !== undefined) members.push(`${JSON.stringify(name)}:${text}`);
  }
  return `{${members.join(',')}}`;
}
