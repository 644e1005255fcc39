import { odataErrors } from '../odata/errors.js';
import { compileGlob, MAX_GLOB_LENGTH, type Glob } from './glob.js';

// Throttling rules as a client writes them (`--throttle FILE`, `PUT /_edmock/throttle`), checked
// and compiled. A rule counts the requests of one family (path globs, methods) per application,
// per tenant, per application in a tenant, or for everyone, and allows `limit` units of cost in
// any `windowSeconds` (docs/throttling.md). Anything a client could misspell is refused, never
// ignored: a rule that silently matched nothing would test nothing.

export const THROTTLE_SCOPES = ['app+tenant', 'tenant', 'app', 'global'] as const;
export type ThrottleScope = (typeof THROTTLE_SCOPES)[number];

/** A cost other than the rule's own for some of its requests (Graph's directory charges `GET /users` 2 units, say). */
export interface ThrottleCostInput {
  methods?: string[];
  paths?: string[];
  /** Units the request takes from the rule's budget; 0: the rule does not count it. */
  cost: number;
}

export interface ThrottleRuleInput {
  /** Names the limit in answers (`target`, the message) and in `GET /_edmock/throttle`. */
  name: string;
  /** Globs over the path below the service root (`/deviceManagement/managedDevices**`), case-insensitive; every path when absent. */
  paths?: string[];
  /** The methods counted (HEAD counts as GET); every method when absent. */
  methods?: string[];
  scope: ThrottleScope;
  /** Units allowed in any window. */
  limit: number;
  windowSeconds: number;
  /** Units each counted request takes, unless `costs` says otherwise (default 1). */
  cost?: number;
  /** The first entry that matches a request gives its cost. */
  costs?: ThrottleCostInput[];
}

export interface ThrottleConfig {
  /** Where the rules come from: a file, the preset's name and its source, or `PUT /_edmock/throttle`. */
  source: string;
  rules: ThrottleRuleInput[];
}

/** A path's first segment, up to `/` or a key's `(` (`/users('a')/memberOf` -> `users`); undefined when `text` ends inside it. */
function firstSegment(text: string, whole: boolean): string | undefined {
  for (let i = 1; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x2f || char === 0x28) return text.slice(1, i);
  }
  return whole ? text.slice(1) : undefined;
}

interface PathGlob {
  /** The glob's text before its first `*`: a path that does not start with it cannot match. */
  prefix: string;
  /** `<prefix>**`: every path that starts with the prefix matches, no automaton to run. */
  prefixOnly: boolean;
  glob: Glob;
}

/**
 * The globs of a `paths` list, compiled once however many rules share the list (the preset's
 * families give four or five rules the same one), and tested once per request. The preset
 * matches a request against hundreds of globs; filed by their first segment, and tried by their
 * literal prefix before their automaton, only the few that could match are run.
 */
export class PathSet {
  private readonly byFirst = new Map<string, PathGlob[]>();
  /** Globs with a wildcard in their first segment: tried on every path. */
  private readonly anyFirst: PathGlob[] = [];
  private testedFor = -1;
  private result = false;

  constructor(globs: PathGlob[]) {
    for (const entry of globs) {
      const first = firstSegment(entry.prefix, entry.prefix === entry.glob.source);
      if (first === undefined) this.anyFirst.push(entry);
      else this.byFirst.set(first, [...(this.byFirst.get(first) ?? []), entry]);
    }
  }

  /** `path` lower case; `request` numbers the request, so that the set answers it once. */
  test(path: string, request: number): boolean {
    if (this.testedFor === request) return this.result;
    this.testedFor = request;
    const hit = ({ prefix, prefixOnly, glob }: PathGlob) => path.startsWith(prefix) && (prefixOnly || glob.test(path));
    this.result = (this.byFirst.get(firstSegment(path, true) as string)?.some(hit) ?? false) || this.anyFirst.some(hit);
    return this.result;
  }
}

interface RequestMatcher {
  /** Upper case; undefined for every method. */
  methods: Set<string> | undefined;
  /** Undefined for every path. */
  paths: PathSet | undefined;
}

export interface CompiledCost extends RequestMatcher {
  cost: number;
}

export interface CompiledRule extends RequestMatcher {
  input: ThrottleRuleInput;
  windowMs: number;
  cost: number;
  costs: CompiledCost[];
}

const MAX_WINDOW_SECONDS = 86_400;
export const MAX_RULES = 1000;

const invalid = odataErrors.invalidThrottleRule;
export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const wholeNumber = (value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

export function refuseUnknown(value: Record<string, unknown>, known: string[], at: string): void {
  for (const name of Object.keys(value)) if (!known.includes(name)) throw invalid(`${at}: unknown member '${name}' (known: ${known.join(', ')}).`, `${at}/${name}`);
}

function checkMethods(value: unknown, at: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length === 0 || !value.every((m) => typeof m === 'string' && /^[A-Za-z]+$/.test(m))) {
    throw invalid(`${at}: 'methods' is a list of HTTP methods.`, `${at}/methods`);
  }
}

function checkPaths(value: unknown, at: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length === 0) throw invalid(`${at}: 'paths' is a list of globs starting with '/'.`, `${at}/paths`);
  for (const path of value) {
    if (typeof path !== 'string' || !path.startsWith('/')) throw invalid(`${at}: 'paths' is a list of globs starting with '/'.`, `${at}/paths`);
    if (path.length > MAX_GLOB_LENGTH) throw invalid(`${at}: a path glob has at most ${MAX_GLOB_LENGTH} characters.`, `${at}/paths`);
  }
}

function checkCosts(value: unknown, limit: number, at: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) throw invalid(`${at}: 'costs' is a list of {"methods", "paths", "cost"}.`, `${at}/costs`);
  value.forEach((entry, index) => {
    const where = `${at}/costs/${index}`;
    if (!isObject(entry)) throw invalid(`${where}: a cost is a JSON object.`, where);
    refuseUnknown(entry, ['methods', 'paths', 'cost'], where);
    checkMethods(entry.methods, where);
    checkPaths(entry.paths, where);
    if (!wholeNumber(entry.cost, 0, limit)) throw invalid(`${where}: 'cost' is a whole number from 0 to the rule's limit (${limit}).`, `${where}/cost`);
  });
}

/** Checks one rule as a client wrote it; `at` locates it in messages (`rules/3`). */
export function checkThrottleRule(input: unknown, at: string): ThrottleRuleInput {
  if (!isObject(input)) throw invalid(`${at}: a rule is a JSON object.`, at);
  refuseUnknown(input, ['name', 'paths', 'methods', 'scope', 'limit', 'windowSeconds', 'cost', 'costs'], at);
  if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 100) throw invalid(`${at}: 'name' is a text of 1 to 100 characters.`, `${at}/name`);
  if (!THROTTLE_SCOPES.includes(input.scope as ThrottleScope)) throw invalid(`${at}: 'scope' is one of ${THROTTLE_SCOPES.join(', ')}.`, `${at}/scope`);
  if (!wholeNumber(input.limit, 1)) throw invalid(`${at}: 'limit' is a whole number from 1.`, `${at}/limit`);
  if (!wholeNumber(input.windowSeconds, 1, MAX_WINDOW_SECONDS)) throw invalid(`${at}: 'windowSeconds' is whole seconds, 1 to ${MAX_WINDOW_SECONDS}.`, `${at}/windowSeconds`);
  // A cost over the limit could never be paid: the request would wait for ever.
  if (input.cost !== undefined && !wholeNumber(input.cost, 1, input.limit)) throw invalid(`${at}: 'cost' is a whole number from 1 to the rule's limit (${input.limit}).`, `${at}/cost`);
  checkMethods(input.methods, at);
  checkPaths(input.paths, at);
  checkCosts(input.costs, input.limit, at);
  return input as unknown as ThrottleRuleInput;
}

/** Path lists already compiled, by their text: rules that share a list share its PathSet. */
export type PathSets = Map<string, PathSet>;

function pathSetOf(paths: string[], sets: PathSets): PathSet {
  const key = paths.join('\n');
  let set = sets.get(key);
  if (set === undefined) {
    const globs = paths.map((path) => {
      const lower = path.toLowerCase();
      const star = lower.indexOf('*');
      return { prefix: star < 0 ? lower : lower.slice(0, star), prefixOnly: star >= 0 && star === lower.length - 2 && lower.endsWith('**'), glob: compileGlob(lower) };
    });
    sets.set(key, (set = new PathSet(globs)));
  }
  return set;
}

function matcherOf(methods: string[] | undefined, paths: string[] | undefined, sets: PathSets): RequestMatcher {
  return {
    methods: methods === undefined ? undefined : new Set(methods.map((m) => m.toUpperCase())),
    paths: paths === undefined ? undefined : pathSetOf(paths, sets),
  };
}

export function compileRule(input: ThrottleRuleInput, sets: PathSets): CompiledRule {
  return {
    ...matcherOf(input.methods, input.paths, sets),
    input,
    windowMs: input.windowSeconds * 1000,
    cost: input.cost ?? 1,
    costs: (input.costs ?? []).map((c) => ({ ...matcherOf(c.methods, c.paths, sets), cost: c.cost })),
  };
}

/** `method` upper case (HEAD already GET), `path` lower case, `request` the request's number (PathSet.test). */
export function matches(matcher: RequestMatcher, method: string, path: string, request: number): boolean {
  if (matcher.methods !== undefined && !matcher.methods.has(method)) return false;
  return matcher.paths === undefined || matcher.paths.test(path, request);
}

/** What a request costs under a rule: the first matching `costs` entry, else the rule's cost. */
export function costOf(rule: CompiledRule, method: string, path: string, request: number): number {
  for (const entry of rule.costs) if (matches(entry, method, path, request)) return entry.cost;
  return rule.cost;
}
