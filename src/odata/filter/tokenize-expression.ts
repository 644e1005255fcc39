import { odataErrors } from '../errors.js';
import type { LiteralKind } from './ast.js';

// The tokens of an OData common expression (URL Conventions §5.1.1): words, string and number
// literals, literals recognised by their shape, and punctuation, each with its 1-based position.

export interface Token {
  type: 'word' | 'string' | 'number' | 'literal' | 'punct' | 'end';
  text: string;
  position: number;
  /** For `literal` tokens: the kind recognised by shape (dates, GUIDs, typed literals). */
  literal?: LiteralKind;
  enumType?: string;
}

const DATE = '-?\\d{4,}-\\d{2}-\\d{2}';
const TIME = '\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,12})?)?';
const SHAPED_LITERALS: [RegExp, LiteralKind][] = [
  [new RegExp(`^${DATE}T${TIME}(Z|[+-]\\d{2}:\\d{2})`, 'i'), 'dateTimeOffset'],
  [/^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![\w-])/, 'guid'],
  [new RegExp(`^${DATE}(?![\\w:])`), 'date'],
  [new RegExp(`^${TIME}(?![\\w:])`), 'timeOfDay'],
];

/** A syntax error in a query option, pointing at the 1-based position it was found at. */
export function fail(message: string, position: number, optionName = '$filter'): never {
  throw odataErrors.badRequest(`${message} at position ${position}.`, optionName);
}

/** The string literal starting at the quote at `start`, doubled quotes unescaped, and the index after it. */
function readStringLiteral(text: string, start: number, optionName: string): { value: string; end: number } {
  let j = start + 1;
  let value = '';
  for (;;) {
    const k = text.indexOf("'", j);
    if (k < 0) fail(`Unterminated string literal in ${optionName}`, start + 1, optionName);
    value += text.slice(j, k);
    if (text[k + 1] === "'") { value += "'"; j = k + 2; continue; }
    return { value, end: k + 1 };
  }
}

/** Splits an expression into tokens; literals whose shape says their type (dates, GUIDs, typed literals) are told apart here. */
export function tokenize(text: string, optionName: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t') { i++; continue; }
    const position = i + 1;
    const rest = text.slice(i);
    if (c === "'") {
      const { value, end } = readStringLiteral(text, i, optionName);
      tokens.push({ type: 'string', text: value, position });
      i = end;
      continue;
    }
    const shaped = SHAPED_LITERALS.find(([pattern]) => pattern.test(rest));
    if (shaped) {
      const match = (shaped[0].exec(rest) as RegExpExecArray)[0];
      tokens.push({ type: 'literal', text: match, position, literal: shaped[1] });
      i += match.length;
      continue;
    }
    const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?(?![\w.])/.exec(rest);
    if (number && (c !== '-' || tokens.length === 0 || isOperandEnd(tokens.at(-1) as Token) === false)) {
      tokens.push({ type: 'number', text: number[0], position });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_$][\w.]*/.exec(rest);
    if (word) {
      // A typed literal: duration'P1D', namespace.enumType'member' (URL Conventions §5.1.1.6).
      if (text[i + word[0].length] === "'") {
        const quoted = tokenize(text.slice(i + word[0].length), optionName)[0] as Token;
        const end = i + word[0].length + literalLength(text.slice(i + word[0].length));
        if (word[0].toLowerCase() === 'duration') tokens.push({ type: 'literal', text: quoted.text, position, literal: 'duration' });
        else tokens.push({ type: 'literal', text: quoted.text, position, literal: 'enum', enumType: word[0] });
        i = end;
        continue;
      }
      tokens.push({ type: 'word', text: word[0], position });
      i += word[0].length;
      continue;
    }
    if ('(),/:'.includes(c) || c === '-') {
      tokens.push({ type: 'punct', text: c, position });
      i++;
      continue;
    }
    fail(`Unexpected character '${c}' in ${optionName}`, position, optionName);
  }
  tokens.push({ type: 'end', text: '', position: text.length + 1 });
  return tokens;
}

/** Length of a leading `'...'` literal, quotes and doubled quotes included. */
function literalLength(text: string): number {
  let j = 1;
  for (;;) {
    const k = text.indexOf("'", j);
    if (k < 0) return text.length;
    if (text[k + 1] === "'") { j = k + 2; continue; }
    return k + 1;
  }
}

function isOperandEnd(token: Token): boolean {
  return token.type === 'string' || token.type === 'number' || token.type === 'literal' || (token.type === 'punct' && token.text === ')')
    || (token.type === 'word' && !KEYWORD_OPERATORS.has(token.text));
}

/** Words that are operators, never property names. */
export const KEYWORD_OPERATORS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'has', 'in', 'and', 'or', 'not', 'add', 'sub', 'mul', 'div', 'divby', 'mod']);
