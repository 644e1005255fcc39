import { odataErrors } from '../errors.js';

// A function call as a URL writes it (URL Conventions §4.5.2, ABNF functionParameters): the
// operation's name and, in parentheses, `name=value` pairs separated by commas, where a value is
// a primitive literal, a JSON array or object (complex and collection values), or a parameter
// alias `@p`. Read from the segment's raw text: the key parser reads the same parentheses as a key.

export interface FunctionCallText {
  /** The segment without its parentheses. */
  name: string;
  /** Parameter name -> literal as written (decoded); undefined when the segment has no parentheses. */
  args?: Map<string, string>;
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw odataErrors.invalidUrl(`the segment '${raw}' is not valid percent-encoding`);
  }
}

/** Splits on top-level commas: not inside a 'string', a "JSON string", brackets or braces. */
export function splitArguments(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: "'" | '"' | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === '"') {
      if (c === '\\') i++;
      else if (c === '"') quote = undefined;
    } else if (quote === "'") {
      if (c === "'") quote = undefined; // a doubled quote closes and reopens: the same scan
    } else if (c === '"' || (c === "'" && depth === 0)) {
      quote = c;
    } else if (c === '[' || c === '{' || c === '(') {
      depth++;
    } else if (c === ']' || c === '}' || c === ')') {
      depth--;
    } else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (quote !== undefined || depth !== 0) throw odataErrors.invalidUrl(`unbalanced quotes or brackets in the parameters '${text}'`);
  parts.push(text.slice(start));
  return parts;
}

/** `Ns.fn(a=1,b='x')` -> its name and its arguments; `Ns.fn` -> its name alone. */
export function parseCallText(raw: string): FunctionCallText {
  const text = raw.includes('%') ? decode(raw) : raw;
  const open = text.indexOf('(');
  if (open < 0) return { name: text };
  if (!text.endsWith(')')) throw odataErrors.invalidUrl(`unbalanced parentheses in '${text}'`);
  const name = text.slice(0, open);
  const inner = text.slice(open + 1, -1).trim();
  const args = new Map<string, string>();
  if (inner === '') return { name, args };
  for (const part of splitArguments(inner)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/s.exec(part);
    if (!match) throw odataErrors.invalidUrl(`'${part}' in '${text}' is not a parameter written as name=value`);
    const [, parameter, value] = match as unknown as [string, string, string];
    if (args.has(parameter)) throw odataErrors.invalidParameter(name, parameter, 'is given more than once');
    args.set(parameter, value.trim());
  }
  return { name, args };
}
