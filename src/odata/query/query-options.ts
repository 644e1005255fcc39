import { odataErrors } from '../errors.js';
import type { Expression } from '../filter/ast.js';
import { parseExpression, parseOrderBy } from '../filter/parse-expression.js';

// System query options (OData 4.01 URL Conventions §5): parsed once per request, with names
// case-insensitive and the `$` optional (§5, "OData 4.01 services support them without $").
// Unknown `$` options and malformed values are a 400 naming the option. Options that do not
// start with `$` or `@` and are not system options are custom options, kept for function
// parameters (OData 4.01 lets them be query options) and otherwise ignored as OData allows;
// `@name` options are parameter aliases (URL Conventions §5.5), kept for function calls.

export interface OrderItem {
  expression: Expression;
  descending: boolean;
}

export interface CollectionOptions {
  filter?: Expression;
  orderby?: OrderItem[];
  top?: number;
  skip?: number;
  count?: boolean;
}

export interface ShapeOptions {
  /** Selected property names; undefined or containing `*` selects all. */
  select?: string[];
  expand?: ExpandItem[];
}

export interface ExpandItem extends CollectionOptions, ShapeOptions {
  /** A navigation property name, or `*` for all of them. */
  navigation: string;
  levels?: number | 'max';
}

export interface QueryOptions extends CollectionOptions, ShapeOptions {
  skiptoken?: string;
  /** A delta query's state token (odata/delta/); only a delta function takes it. */
  deltatoken?: string;
  format?: string;
  /** `$id` (or Graph's `@id`): the entity reference a DELETE of `.../$ref` removes. */
  id?: string;
  /** Names of the system options present, for "not applicable here" checks. */
  present: Set<string>;
  /** Parameter aliases (`@p=1`): name with its `@` -> value, decoded. */
  aliases?: Map<string, string>;
  /** Custom query options (no `$`, not a system option): name -> value, decoded. */
  custom?: Map<string, string>;
}

const TOP_LEVEL = new Set(['filter', 'select', 'expand', 'orderby', 'top', 'skip', 'count', 'skiptoken', 'format', 'search', 'apply', 'compute', 'index', 'deltatoken', 'schemaversion', 'levels', 'id']);
const NOT_SUPPORTED = new Set(['search', 'apply', 'compute', 'index', 'schemaversion']);

/**
 * Longest value of one system query option. Expressions are parsed with budgets of depth and
 * terms; a value this long is refused before any parsing (a 100 KB `$filter` is a fast 400).
 */
export const MAX_OPTION_LENGTH = 32 * 1024;
const EXPAND_OPTIONS = new Set(['filter', 'select', 'expand', 'orderby', 'top', 'skip', 'count', 'levels', 'search', 'apply', 'compute']);

const bad = (option: string, message: string) => odataErrors.badRequest(`Invalid value for the query option '$${option}': ${message}`, `$${option}`);

function decode(text: string, what: string): string {
  // Most names and values (`$top`, `10`) have nothing encoded: decoding would only copy them.
  if (!text.includes('%') && !text.includes('+')) return text;
  try {
    // A `+` is a space, as form encoding writes it and as Graph reads it (`$filter=a+eq+1`);
    // a literal plus travels as %2B.
    return decodeURIComponent(text.includes('+') ? text.replace(/\+/g, ' ') : text);
  } catch {
    throw odataErrors.invalidUrl(`the query ${what} '${text}' is not valid percent-encoding`);
  }
}

function nonNegativeInteger(option: string, value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw bad(option, `'${value}' is not a non-negative integer.`);
  return Number(value);
}

function booleanValue(option: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw bad(option, `'${value}' is not true or false.`);
}

/** Splits on `separator` outside parentheses and string literals. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") inString = !inString;
    else if (!inString && c === '(') depth++;
    else if (!inString && c === ')') depth--;
    else if (!inString && depth === 0 && c === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function parseSelect(value: string): string[] {
  const items = value.split(',').map((item) => item.trim());
  for (const item of items) {
    if (item === '*') continue;
    if (!/^[A-Za-z_][\w.]*$/.test(item)) throw bad('select', `'${item}' is not a property name (paths into properties are not supported yet).`);
  }
  return items;
}

const MAX_EXPAND_DEPTH = 8;

function parseExpand(value: string, depth: number): ExpandItem[] {
  if (depth > MAX_EXPAND_DEPTH) throw bad('expand', `expansions nest more than ${MAX_EXPAND_DEPTH} levels deep.`);
  return splitTopLevel(value, ',').map((raw) => {
    const text = raw.trim();
    const open = text.indexOf('(');
    const navigation = (open < 0 ? text : text.slice(0, open)).trim();
    if (/\/\$(ref|count)$/.test(navigation)) throw bad('expand', `'${navigation}': expanding references or counts is not supported by this mock yet.`);
    if (!/^([A-Za-z_]\w*|\*)$/.test(navigation)) throw bad('expand', `'${navigation}' is not a navigation property name.`);
    const item: ExpandItem = { navigation };
    if (open < 0) return item;
    if (!text.endsWith(')')) throw bad('expand', `unbalanced parentheses in '${text}'.`);
    const nested = text.slice(open + 1, -1);
    const seen = new Set<string>();
    for (const option of splitTopLevel(nested, ';')) {
      if (option.trim() === '') continue;
      const eq = option.indexOf('=');
      if (eq < 0) throw bad('expand', `'${option}' in '${navigation}(...)' is not name=value.`);
      const name = option.slice(0, eq).trim().replace(/^\$/, '').toLowerCase();
      const optionValue = option.slice(eq + 1).trim();
      if (!EXPAND_OPTIONS.has(name)) throw bad('expand', `'${option.slice(0, eq).trim()}' is not an option of an expanded navigation property.`);
      if (seen.has(name)) throw bad('expand', `'$${name}' is given twice for '${navigation}'.`);
      seen.add(name);
      applyCommonOption(item, name, optionValue, depth);
      if (name === 'levels') item.levels = optionValue === 'max' ? 'max' : Math.max(1, nonNegativeInteger('levels', optionValue));
    }
    return item;
  });
}

/** Options shared by the request and by expanded navigation properties. */
function applyCommonOption(target: CollectionOptions & ShapeOptions, name: string, value: string, depth: number): void {
  switch (name) {
    case 'filter': target.filter = parseExpression(value, '$filter'); break;
    case 'orderby': target.orderby = parseOrderBy(value); break;
    case 'top': target.top = nonNegativeInteger('top', value); break;
    case 'skip': target.skip = nonNegativeInteger('skip', value); break;
    case 'count': target.count = booleanValue('count', value); break;
    case 'select': target.select = parseSelect(value); break;
    case 'expand': target.expand = parseExpand(value, depth + 1); break;
    case 'search': case 'apply': case 'compute': throw bad(name, 'this option is not supported by this mock yet.');
    default: break;
  }
}

/** Parses the raw query string (the part after `?`, still percent-encoded). */
/** What a request without a query string asks for; shared, so never changed. */
const NO_OPTIONS: QueryOptions = Object.freeze({ present: new Set<string>() });

export function parseQueryOptions(rawQuery: string): QueryOptions {
  if (rawQuery === '') return NO_OPTIONS;
  const options: QueryOptions = { present: new Set() };
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = decode(eq < 0 ? pair : pair.slice(0, eq), 'option name');
    const value = decode(eq < 0 ? '' : pair.slice(eq + 1), 'option value');
    // Graph's SDKs write the reference to remove as `@id` (a parameter alias of $id).
    const dollar = rawName.startsWith('$') || rawName === '@id';
    const name = (dollar ? rawName.slice(1) : rawName).toLowerCase();
    if (!TOP_LEVEL.has(name) || name === 'levels') {
      if (dollar) throw odataErrors.badRequest(`The query option '${rawName}' is not supported. System query options are $filter, $select, $expand, $orderby, $top, $skip, $count, $skiptoken and $format.`, rawName);
      if (rawName.startsWith('@')) (options.aliases ??= new Map()).set(rawName, value);
      else (options.custom ??= new Map()).set(rawName, value);
      continue;
    }
    if (options.present.has(name)) throw odataErrors.badRequest(`The query option '$${name}' is given more than once.`, `$${name}`);
    options.present.add(name);
    if (NOT_SUPPORTED.has(name)) throw bad(name, 'this option is not supported by this mock yet.');
    if (value === '' && name !== 'skiptoken') throw bad(name, 'the value is empty.');
    if (value.length > MAX_OPTION_LENGTH) throw bad(name, `the value is ${value.length} characters long; this service takes at most ${MAX_OPTION_LENGTH}.`);
    if (name === 'skiptoken') options.skiptoken = value;
    else if (name === 'deltatoken') options.deltatoken = value;
    else if (name === 'id') options.id = value;
    else if (name === 'format') options.format = value;
    else applyCommonOption(options, name, value, 0);
  }
  return options;
}
