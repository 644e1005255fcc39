import { odataErrors, type ODataError } from '../odata/errors.js';
import { seededRandom } from '../odata/sample-values.js';
import type { PlannedFault, RequestHeaders } from '../odata/exchange.js';
import { compileGlob, MAX_GLOB_LENGTH, type Glob } from './glob.js';

// Faults the way Graph fails, so that an SDK's retry and timeout handling can be tested: by rule
// (path glob, method, every Nth matching request or a seeded probability, at most N times), from
// a config file, the admin API or one request's `x-edmock-fault` header. Graph answers throttling
// with 429 and a Retry-After in seconds, and unavailability with 503 and Retry-After
// (learn.microsoft.com/graph/throttling, /graph/errors).

export const FAULT_HEADER = 'x-edmock-fault';
export const FAULT_KINDS = ['throttle', 'unavailable', 'error', 'timeout', 'latency', 'drop'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRuleInput {
  fault: FaultKind;
  /** Glob over the request path (`*` within a segment, `**` across); every path when absent. */
  path?: string;
  method?: string;
  /** Every Nth matching request (1 = each one). */
  every?: number;
  /** Or each matching request with this probability, drawn from a generator seeded by `seed`. */
  probability?: number;
  seed?: number;
  /** At most this many times; the rule then stays listed but applies no more. */
  times?: number;
  /** Seconds, for throttle and unavailable (default 1). */
  retryAfter?: number;
  /** Milliseconds, for latency (default 1000). */
  latencyMs?: number;
}

export interface FaultRule extends FaultRuleInput {
  id: string;
  /** Set for rules added within a session: they apply to its requests only. */
  session?: string;
  /** In the session that asks: how many of its requests matched, and how many the rule answered. */
  matched: number;
  applied: number;
}

/**
 * What a rule has counted, per session: a global rule's every-Nth, times and random draws run
 * on their own in each session, so one suite's traffic never decides another's faults.
 */
interface RuleState {
  matched: number;
  applied: number;
  random?: () => number;
}

interface StoredRule extends FaultRuleInput {
  id: string;
  session?: string;
  test: Glob;
  states: Map<string, RuleState>;
}

export interface Fault {
  kind: FaultKind;
  retryAfter: number;
  latencyMs: number;
  /** What caused it, for the journal: a rule id or `header`. */
  source: string;
}

const invalid = odataErrors.invalidFaultRule;
const invalidHeader = (problem: string) => odataErrors.invalidFaultHeader(FAULT_HEADER, problem);

/** The fault rules' seeded draws: the same sequence for the same seed on every machine (bench/hostile.mjs draws its damage from it too). */
export const seeded = seededRandom;

/** A day: longer is no retry policy a test wants, and keeps Retry-After a plain integer. */
const MAX_RETRY_AFTER = 86_400;
const validRetryAfter = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_RETRY_AFTER;

const positiveInteger = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value > 0;

/** Checks a rule as a client wrote it (config file, admin body); unknown members are refused. */
export function checkRule(input: unknown): FaultRuleInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('a rule is a JSON object.');
  const rule = input as Record<string, unknown>;
  const known = new Set(['fault', 'path', 'method', 'every', 'probability', 'seed', 'times', 'retryAfter', 'latencyMs']);
  for (const name of Object.keys(rule)) if (!known.has(name)) throw invalid(`unknown member '${name}' (known: ${[...known].join(', ')}).`, name);
  if (!FAULT_KINDS.includes(rule.fault as FaultKind)) throw invalid(`'fault' must be one of ${FAULT_KINDS.join(', ')}.`, 'fault');
  if (rule.path !== undefined && (typeof rule.path !== 'string' || !rule.path.startsWith('/'))) throw invalid("'path' is a glob starting with '/'.", 'path');
  if (typeof rule.path === 'string' && rule.path.length > MAX_GLOB_LENGTH) throw invalid(`'path' is a glob of at most ${MAX_GLOB_LENGTH} characters.`, 'path');
  if (rule.method !== undefined && (typeof rule.method !== 'string' || !/^[A-Za-z]+$/.test(rule.method))) throw invalid("'method' is an HTTP method.", 'method');
  if (rule.every !== undefined && !positiveInteger(rule.every)) throw invalid("'every' is a whole number from 1.", 'every');
  if (rule.probability !== undefined && (typeof rule.probability !== 'number' || rule.probability < 0 || rule.probability > 1)) throw invalid("'probability' is between 0 and 1.", 'probability');
  if (rule.every !== undefined && rule.probability !== undefined) throw invalid("give 'every' or 'probability', not both.", 'every');
  if (rule.seed !== undefined && !(typeof rule.seed === 'number' && Number.isInteger(rule.seed))) throw invalid("'seed' is a whole number.", 'seed');
  if (rule.times !== undefined && !positiveInteger(rule.times)) throw invalid("'times' is a whole number from 1.", 'times');
  if (rule.retryAfter !== undefined && !validRetryAfter(rule.retryAfter)) throw invalid(`'retryAfter' is whole seconds, 0 to ${MAX_RETRY_AFTER}.`, 'retryAfter');
  if (rule.latencyMs !== undefined && !(typeof rule.latencyMs === 'number' && rule.latencyMs >= 0 && rule.latencyMs <= 600_000)) throw invalid("'latencyMs' is 0 to 600000.", 'latencyMs');
  return rule as unknown as FaultRuleInput;
}

/** `throttle; retry-after=3`, `latency=250`, `drop`: one request's fault from its header. */
export function parseFaultHeader(header: string): Fault {
  const [head = '', ...params] = header.split(';').map((part) => part.trim());
  const [kindText, inline] = head.split('=').map((part) => part.trim());
  const kind = kindText?.toLowerCase() as FaultKind;
  if (!FAULT_KINDS.includes(kind)) throw invalidHeader(`'${head}' is not a fault (${FAULT_KINDS.join(', ')}).`);
  const fault: Fault = { kind, retryAfter: 1, latencyMs: 1000, source: 'header' };
  if (kind === 'latency' && inline !== undefined) fault.latencyMs = Number(inline);
  for (const param of params) {
    const [name = '', value = ''] = param.split('=').map((part) => part.trim());
    if (value === '' || !/^\d+$/.test(value)) throw invalidHeader(`'${param}' needs a whole number.`);
    if (name.toLowerCase() === 'retry-after') fault.retryAfter = Number(value);
    else if (name.toLowerCase() === 'ms') fault.latencyMs = Number(value);
    else throw invalidHeader(`unknown parameter '${name}' (retry-after, ms).`);
  }
  if (kind === 'latency' && inline !== undefined && !/^\d+$/.test(inline)) throw invalidHeader('latency is whole milliseconds.');
  if (!validRetryAfter(fault.retryAfter)) throw invalidHeader(`retry-after is whole seconds, 0 to ${MAX_RETRY_AFTER}.`);
  if (!(fault.latencyMs >= 0 && fault.latencyMs <= 600_000)) throw invalidHeader('latency is 0 to 600000 ms.');
  return fault;
}

export class FaultRules {
  private rules: StoredRule[] = [];
  private nextId = 1;

  constructor(private readonly defaultSeed = 1) {}

  get size(): number {
    return this.rules.length;
  }

  add(input: unknown, session?: string): FaultRule {
    const rule = checkRule(input);
    const stored: StoredRule = { ...rule, id: `f${this.nextId++}`, test: compileGlob(rule.path ?? '/**'), states: new Map(), ...(session ? { session } : {}) };
    this.rules.push(stored);
    return this.describe(stored, session ?? '');
  }

  /** The rules that apply to a session's requests (no session: the default one's, the global rules). */
  list(session?: string): FaultRule[] {
    return this.rules.filter((r) => r.session === undefined || r.session === session).map((r) => this.describe(r, session ?? ''));
  }

  /**
   * Removes rules a session may remove: its own (from a named session) or the global ones (from
   * the default session); one by id, or all of them. Returns how many went.
   */
  remove(scope: { session?: string; id?: string }): number {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => !(r.session === scope.session && (scope.id === undefined || r.id === scope.id)));
    return before - this.rules.length;
  }

  /** A session ended: its own rules go, and what global rules counted for it. */
  forgetSession(session: string): void {
    this.remove({ session });
    for (const rule of this.rules) rule.states.delete(session);
  }

  /** The first rule that fires for this request, counting every rule that matches. */
  decide(method: string, path: string, session: string): Fault | undefined {
    for (const rule of this.rules) {
      if (rule.session !== undefined && rule.session !== session) continue;
      if (rule.method !== undefined && rule.method.toUpperCase() !== method) continue;
      if (!rule.test.test(path)) continue;
      const state = this.stateOf(rule, session);
      state.matched++;
      if (rule.times !== undefined && state.applied >= rule.times) continue;
      const fires = rule.every !== undefined ? state.matched % rule.every === 0 : state.random ? state.random() < (rule.probability as number) : true;
      if (!fires) continue;
      state.applied++;
      return { kind: rule.fault, retryAfter: rule.retryAfter ?? 1, latencyMs: rule.latencyMs ?? 1000, source: rule.id };
    }
    return undefined;
  }

  private stateOf(rule: StoredRule, session: string): RuleState {
    let state = rule.states.get(session);
    if (!state) {
      state = { matched: 0, applied: 0 };
      if (rule.probability !== undefined) state.random = seeded(rule.seed ?? this.defaultSeed);
      rule.states.set(session, state);
    }
    return state;
  }

  private describe(rule: StoredRule, session: string): FaultRule {
    const { test: _test, states, ...plain } = rule;
    const state = states.get(session);
    return { ...plain, matched: state?.matched ?? 0, applied: state?.applied ?? 0 };
  }
}

/** The error a fault answers with, as Graph's services word it. */
export function faultError(fault: Fault): ODataError {
  switch (fault.kind) {
    case 'throttle': return odataErrors.throttled(fault.retryAfter);
    case 'unavailable': return odataErrors.faultUnavailable(fault.retryAfter);
    case 'timeout': return odataErrors.faultTimeout();
    default: return odataErrors.faultError();
  }
}

/**
 * What faults decide for one request: its `x-edmock-fault` header first, then the rules that
 * apply to its session. Nothing to decide (and no work) when neither is there.
 */
export function planFault(rules: FaultRules, headers: RequestHeaders, method: string, path: string, session: string): PlannedFault | undefined {
  const header = headers[FAULT_HEADER];
  let fault: Fault | undefined;
  if (typeof header === 'string') fault = parseFaultHeader(header);
  else if (rules.size > 0) fault = rules.decide(method, path, session);
  if (fault === undefined) return undefined;
  const source = `${fault.kind} (${fault.source})`;
  if (fault.kind === 'latency') return { source, delayMs: fault.latencyMs };
  if (fault.kind === 'drop') return { source, drop: true };
  return { source, error: faultError(fault) };
}
