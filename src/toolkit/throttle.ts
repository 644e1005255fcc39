import { odataErrors, type ODataError } from '../odata/errors.js';
import { readThrottleConfig } from './throttle-config.js';
import { compileRule, costOf, matches, type CompiledRule, type PathSets, type ThrottleConfig, type ThrottleRuleInput, type ThrottleScope } from './throttle-rules.js';

// Throttling limits the way Microsoft Graph applies them (learn.microsoft.com/graph/throttling,
// /graph/throttling-limits): each limit counts per application (the token's `appid` or `azp`),
// per tenant (`tid`), per application in a tenant, or for everyone, over a family of paths and
// methods; a request over any limit is refused with 429 TooManyRequests and a Retry-After, and
// is not counted. "The first limit to be reached triggers throttling behavior": every limit a
// request falls under is checked. A `$batch` part is a request of its own here (Graph evaluates
// batch requests "individually against throttling limits"), the batch envelope is not counted.
//
// Each counter is a sliding window log: the time and cost of each counted request, so that the
// Retry-After of a refusal is exact, the whole seconds (rounded up) until enough of the oldest
// requests have left the window for this one to fit. Graph's directory describes a token bucket;
// a window log refuses the same requests at a steady rate and says exactly when to come back.
// The counters belong to the server, not to a session: Graph counts an application's requests
// wherever they come from.

/** Who a request counts for. */
export interface Caller {
  app: string;
  tenant: string;
}

/** The application and tenant of a request without a readable token. */
export const ANONYMOUS = 'anonymous';

/**
 * Units counted in one window of one limit for one caller, oldest first: each request's time,
 * and the running total of units after it, so that how many leave by a given entry is a
 * subtraction and the entry a refusal waits for is found by bisection, not by a walk through
 * thousands of entries while the client is already over its limit.
 */
class WindowLog {
  private times: number[] = [];
  private totals: number[] = [];
  private head = 0;
  /** Units ever counted, and those that have left the window. */
  private total = 0;
  private left = 0;

  get used(): number {
    return this.total - this.left;
  }

  /** Drops what left the window (`now - windowMs` and before). */
  prune(now: number, windowMs: number): void {
    while (this.head < this.times.length && (this.times[this.head] as number) + windowMs <= now) {
      this.left = this.totals[this.head] as number;
      this.head++;
    }
    // Compacted once the dropped half is large: amortised O(1) a request.
    if (this.head > 64 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.totals = this.totals.slice(this.head);
      this.head = 0;
    }
  }

  /** Milliseconds until `cost` more units fit under `limit` (after prune): until the entry whose leaving frees enough. */
  waitFor(now: number, windowMs: number, cost: number, limit: number): number {
    const needed = this.left + this.used + cost - limit;
    let low = this.head;
    let high = this.totals.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.totals[middle] as number) >= needed) high = middle;
      else low = middle + 1;
    }
    return (this.times[low] as number) + windowMs - now;
  }

  add(now: number, cost: number): void {
    this.total += cost;
    this.times.push(now);
    this.totals.push(this.total);
  }

  get empty(): boolean {
    return this.used === 0;
  }
}

const SCOPE_WORDS: Record<ThrottleScope, string> = {
  'app+tenant': 'per application per tenant', tenant: 'per tenant for all applications', app: 'per application across all tenants', global: 'for all requests',
};

/** Graph's x-ms-throttle-scope names (documented for its directory): `<Scope>/<Limit>/<ApplicationId>/<TenantId>`. */
const SCOPE_HEADER: Record<ThrottleScope, string | undefined> = { 'app+tenant': 'Tenant_Application', tenant: 'Tenant', app: 'Application', global: undefined };

function keyOf(scope: ThrottleScope, caller: Caller): string {
  switch (scope) {
    case 'app+tenant': return `${caller.app}\u0000${caller.tenant}`;
    case 'tenant': return caller.tenant;
    case 'app': return caller.app;
    default: return '';
  }
}

/** Read (GET only), Write (no GET) or ReadWrite: what the limit counts, in the header's words. */
function limitKind(rule: CompiledRule): string {
  if (rule.methods === undefined) return 'ReadWrite';
  if (rule.methods.size === 1 && rule.methods.has('GET')) return 'Read';
  return rule.methods.has('GET') ? 'ReadWrite' : 'Write';
}

/**
 * A token's claim as a header may carry it: the claims are read unverified and may hold line
 * breaks or any character, where a header holds visible ASCII (RFC 9110 §5.5); everything else is
 * percent-encoded as UTF-8. Graph's ids (GUIDs) pass unchanged.
 */
function headerText(claim: string): string {
  return claim.replace(/[^\x21-\x24\x26-\x7e]/gu, (char) => [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

function refusal(rule: CompiledRule, caller: Caller, waitMs: number): ODataError {
  const { input } = rule;
  const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
  const unit = rule.costs.length > 0 || rule.cost !== 1 ? 'units' : 'requests';
  const words = `${input.limit} ${unit} per ${input.windowSeconds} seconds ${SCOPE_WORDS[input.scope]}`;
  const scope = SCOPE_HEADER[input.scope];
  const headers: Record<string, string> = scope === undefined ? {} : { 'x-ms-throttle-scope': `${scope}/${limitKind(rule)}/${headerText(caller.app)}/${headerText(caller.tenant)}` };
  return odataErrors.overLimit(input.name, words, retryAfter, headers);
}

/** One segment with its percent-encoding decoded, an encoded `/` kept (it is part of a key); as written when it is no valid encoding. */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment).replace(/\//g, '%2F');
  } catch {
    return segment;
  }
}

/**
 * The path as the resolver reads it (leading slashes as one, each segment's percent-encoding
 * decoded), so that no spelling of a URL escapes a rule its resource falls under. Most paths have
 * neither, and cost two character checks.
 */
function canonicalPath(path: string): string {
  const doubled = path.charCodeAt(1) === 0x2f;
  if (!doubled && !path.includes('%')) return path;
  const trimmed = doubled ? `/${path.replace(/^\/+/, '')}` : path;
  return trimmed.includes('%') ? trimmed.split('/').map(decodedSegment).join('/') : trimmed;
}

/** Counters are swept of empty windows when their number doubles: many callers cost memory only while they call. */
const FIRST_SWEEP = 10_000;

export class Throttle {
  private rules: CompiledRule[] = [];
  /** Per rule: scope key -> its window. */
  private counters: Map<string, WindowLog>[] = [];
  private sweepAt = FIRST_SWEEP;
  private windows = 0;
  private configSource: string | undefined;
  /** Numbers each check, for PathSet to test a request once (a whole number for 2^53 checks). */
  private requests = 0;

  /** `clock`: milliseconds, Date.now unless a test moves time itself. */
  constructor(private readonly clock: () => number = Date.now) {}

  /** Whether any limit is in force: a server without one pays this check and nothing else. */
  get active(): boolean {
    return this.rules.length > 0;
  }

  /** Puts a configuration in force (`{"rules"}` or `{"preset"}`, checked first), every counter back to zero. */
  configure(input: unknown, source: string): ThrottleConfig {
    return this.use(readThrottleConfig(input, source));
  }

  /** A configuration already checked (readThrottleConfig). */
  use(config: ThrottleConfig): ThrottleConfig {
    const sets: PathSets = new Map();
    this.rules = config.rules.map((rule) => compileRule(rule, sets));
    this.configSource = config.source;
    this.resetCounters();
    return config;
  }

  /** No limits any more. */
  clear(): void {
    this.use({ source: '', rules: [] });
    this.configSource = undefined;
  }

  resetCounters(): void {
    this.counters = this.rules.map(() => new Map<string, WindowLog>());
    this.windows = 0;
    this.sweepAt = FIRST_SWEEP;
  }

  /**
   * The refusal of a request over a limit, or undefined after counting it under every limit it
   * falls under. `path` is below the service root; `method` as sent (HEAD counts as GET).
   */
  check(method: string, path: string, caller: Caller): ODataError | undefined {
    if (this.rules.length === 0) return undefined;
    const now = this.clock();
    const verb = method === 'HEAD' ? 'GET' : method.toUpperCase();
    const lower = canonicalPath(path).toLowerCase();
    const request = ++this.requests;
    const counted: { log: WindowLog; cost: number }[] = [];
    let refused: { rule: CompiledRule; waitMs: number } | undefined;
    this.rules.forEach((rule, index) => {
      if (!matches(rule, verb, lower, request)) return;
      const cost = costOf(rule, verb, lower, request);
      if (cost === 0) return;
      const log = this.logOf(index, keyOf(rule.input.scope, caller));
      log.prune(now, rule.windowMs);
      if (log.used + cost <= rule.input.limit) {
        counted.push({ log, cost });
        return;
      }
      // Several limits refusing: the client has to wait for the one that frees last.
      const waitMs = log.waitFor(now, rule.windowMs, cost, rule.input.limit);
      if (refused === undefined || waitMs > refused.waitMs) refused = { rule, waitMs };
    });
    if (refused !== undefined) return refusal(refused.rule, caller, refused.waitMs);
    for (const { log, cost } of counted) log.add(now, cost);
    return undefined;
  }

  /** The rules in force and, per limit and caller, the units counted in its current window. */
  describe(): { source: string | null; rules: ThrottleRuleInput[]; counters: { name: string; key: string; used: number; limit: number }[] } {
    const now = this.clock();
    const counters: { name: string; key: string; used: number; limit: number }[] = [];
    this.rules.forEach((rule, index) => {
      for (const [key, log] of this.counters[index] ?? []) {
        log.prune(now, rule.windowMs);
        if (!log.empty) counters.push({ name: rule.input.name, key: key.replace('\u0000', '/') || '*', used: log.used, limit: rule.input.limit });
      }
    });
    return { source: this.configSource ?? null, rules: this.rules.map((r) => r.input), counters };
  }

  private logOf(index: number, key: string): WindowLog {
    const byKey = this.counters[index] as Map<string, WindowLog>;
    let log = byKey.get(key);
    if (log === undefined) {
      byKey.set(key, (log = new WindowLog()));
      if (++this.windows >= this.sweepAt) this.sweep();
    }
    return log;
  }

  private sweep(): void {
    const now = this.clock();
    this.windows = 0;
    this.rules.forEach((rule, index) => {
      const byKey = this.counters[index] as Map<string, WindowLog>;
      for (const [key, log] of byKey) {
        log.prune(now, rule.windowMs);
        if (log.empty) byKey.delete(key);
      }
      this.windows += byKey.size;
    });
    this.sweepAt = Math.max(FIRST_SWEEP, this.windows * 2);
  }
}

/** A JWT's payload, read without checking anything (`--auth` checks tokens; here one only says who is calling). */
function payloadOf(authorization: string | undefined): Record<string, unknown> | undefined {
  if (authorization === undefined) return undefined;
  const match = /^\s*Bearer\s+([^.\s]*)\.([^.\s]*)\.[^.\s]*\s*$/i.exec(authorization);
  if (!match) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(match[2] as string, 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const claimText = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * Who a request counts for: the application (`appid` of a v1 token, `azp` of a v2 one) and the
 * tenant (`tid`) of its token, the claims `--auth` already read when it is on, else the bearer
 * token's payload unverified. Without a token (or a claim), the anonymous application or tenant.
 */
export function callerOf(authorization: string | undefined, claims: unknown): Caller {
  const payload = typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : payloadOf(authorization);
  return {
    app: claimText(payload?.appid) ?? claimText(payload?.azp) ?? ANONYMOUS,
    tenant: claimText(payload?.tid) ?? ANONYMOUS,
  };
}
