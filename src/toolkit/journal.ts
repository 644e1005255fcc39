import type { ExchangeRecord, OutboundAttempt } from '../odata/exchange.js';
import { compileGlob } from './glob.js';
import { DEFAULT_JOURNAL_BODY_LIMIT, JournalBudget, type BudgetOwner, type KeptRecord } from './journal-budget.js';

// The request journal: what an SDK under test sent and what it got back, so that a contract
// test can assert on it ("exactly one PATCH with If-Match reached userStatuses"). Bounded: the
// oldest entries give way once `capacity` is reached, or once the journals of every session
// together keep more than their budget (journal-budget.ts), so a long run cannot exhaust memory.

export interface JournalEntry {
  /** Position in the journal since the server started (or since the session began). */
  seq: number;
  /** ISO time the response was sent. */
  time: string;
  method: string;
  /** The request target as sent: path and query string. */
  url: string;
  /** Path without the query string, for matching. */
  path: string;
  /** Request headers; `authorization` (and cookies) redacted. */
  headers: Record<string, string | string[] | undefined>;
  /** The request body as sent, or its first bytes when it was longer than the journal keeps (64 KiB by default). */
  body?: string;
  /** Set when `body` is only the start of what was sent. */
  bodyTruncated?: true;
  /** With `bodyTruncated`: the size of the body as sent, in bytes. */
  bodySize?: number;
  /** Response status; 0 when a fault dropped the connection. */
  status: number;
  /** For error responses: the OData error code and what was wrong (validation details). */
  error?: { code: string; message: string; details: { code: string; message: string; target: string | null }[] };
  /** The fault that answered instead of the service, if one did. */
  fault?: string;
  durationMs: number;
  /** The `request-id` of the response (Graph's), to find an exchange a client logged. */
  requestId: string;
  /** For a part of a `$batch`: the batch's request-id and the part's id. */
  batch?: { requestId: string; id: string };
  /**
   * Set for a request edmock sent (docs/notifications.md: a validation request, a notification, a
   * lifecycle notification): `url` is the receiver's, `path` its path, `status` its answer (0: none).
   */
  outbound?: OutboundAttempt;
}

export interface JournalFilter {
  /** Glob over the path: `*` matches within a segment, `**` across segments. */
  path?: string;
  method?: string;
  /** A status (`404`) or a class (`4xx`). */
  status?: string | number;
  /** `inbound` (requests the mock answered) or `outbound` (requests it sent); both without it. */
  direction?: 'inbound' | 'outbound';
}

const REDACTED = new Set(['authorization', 'proxy-authorization', 'cookie']);
/** RFC 9110 §11 schemes (and Graph's PoP): kept, so a test can check which one an SDK sent. */
const SCHEMES = /^(Bearer|Basic|Digest|Negotiate|NTLM|PoP|HOBA|Mutual|AWS4-HMAC-SHA256)$/i;

function redacted(name: string, value: string | string[] | undefined): string {
  if (name === 'cookie' || typeof value !== 'string') return '[redacted]';
  const [scheme = ''] = value.trim().split(/\s+/, 1);
  // Anything else before a space may be the credential itself (a token sent without its scheme).
  return SCHEMES.test(scheme) && value.trim().length > scheme.length ? `${scheme} [redacted]` : '[redacted]';
}

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[] | undefined> {
  const copy: Record<string, string | string[] | undefined> = {};
  for (const name of Object.keys(headers)) copy[name] = REDACTED.has(name) ? redacted(name, headers[name]) : headers[name];
  return copy;
}

export function matcher(filter: JournalFilter): (entry: JournalEntry) => boolean {
  const path = filter.path === undefined ? undefined : compileGlob(filter.path);
  const method = filter.method?.toUpperCase();
  const status = filter.status === undefined ? undefined : String(filter.status).toLowerCase();
  const statusMatches = (s: number) => status === undefined || (/^\dxx$/.test(status) ? String(s)[0] === status[0] : String(s) === status);
  const directionMatches = (entry: JournalEntry) => filter.direction === undefined || (entry.outbound === undefined) === (filter.direction === 'inbound');
  return (entry) => (path === undefined || path.test(entry.path)) && (method === undefined || entry.method === method) && statusMatches(entry.status) && directionMatches(entry);
}

/**
 * What recording keeps of a request: references and numbers only, so that journaling costs
 * little on the request path. Headers are redacted and times formatted when the journal is read;
 * bodies and error texts over the budget's body limit are cut when recorded.
 */
export type JournalRecord = ExchangeRecord;

function entryOf(kept: KeptRecord): JournalEntry {
  const { record, seq } = kept;
  const query = record.url.indexOf('?');
  const entry: JournalEntry = {
    seq, time: new Date(record.time).toISOString(), method: record.method, url: record.url,
    // An outbound request's url is absolute: its path is what the path filter matches.
    path: record.outbound !== undefined ? new URL(record.url).pathname : query < 0 ? record.url : record.url.slice(0, query), headers: redactHeaders(record.headers),
    status: record.status, durationMs: +record.durationMs.toFixed(3), requestId: record.requestId,
  };
  if (record.batch) entry.batch = record.batch;
  if (record.bodyText !== undefined && (record.bodyText !== '' || kept.bodySize !== undefined)) entry.body = record.bodyText;
  if (kept.bodySize !== undefined) {
    entry.bodyTruncated = true;
    entry.bodySize = kept.bodySize;
  }
  if (record.error) entry.error = record.error;
  if (record.fault) entry.fault = record.fault;
  if (record.outbound) entry.outbound = record.outbound;
  return entry;
}

/** A ring of the last `capacity` records, within what the budget shared by every journal allows. */
export class Journal implements BudgetOwner {
  private readonly ring: (KeptRecord | undefined)[];
  /** Records ever made (the seq of the newest). */
  private total = 0;
  /** Records before this seq were cleared. */
  private clearedBefore = 1;
  /** Its session ended: a request still running in it records nothing the budget would hold. */
  private closed = false;

  constructor(readonly capacity: number, private readonly budget = new JournalBudget(Infinity, DEFAULT_JOURNAL_BODY_LIMIT)) {
    this.ring = new Array<KeptRecord | undefined>(capacity);
  }

  record(record: JournalRecord): void {
    if (this.capacity === 0 || this.closed) return;
    const slot = this.total % this.capacity;
    const overwritten = this.ring[slot];
    if (overwritten) this.budget.release(overwritten);
    this.total++;
    this.ring[slot] = this.budget.keep(record, this.total, this);
    this.budget.settle();
  }

  forget(kept: KeptRecord): void {
    const slot = (kept.seq - 1) % this.capacity;
    if (this.ring[slot] === kept) this.ring[slot] = undefined;
  }

  list(filter: JournalFilter = {}): JournalEntry[] {
    const matches = matcher(filter);
    const entries: JournalEntry[] = [];
    const first = Math.max(this.clearedBefore, this.total - this.capacity + 1);
    for (let seq = first; seq <= this.total; seq++) {
      const kept = this.ring[(seq - 1) % this.capacity];
      if (!kept) continue;
      const entry = entryOf(kept);
      if (matches(entry)) entries.push(entry);
    }
    return entries;
  }

  /** Empties the journal for good (its session ended). */
  close(): void {
    this.clear();
    this.closed = true;
  }

  clear(): void {
    this.clearedBefore = this.total + 1;
    for (const kept of this.ring) if (kept) this.budget.release(kept);
    this.ring.fill(undefined);
  }

  /** "Exactly `count` requests matched": the answer, and what did match, for the failure message. */
  verify(filter: JournalFilter, count: number): { ok: boolean; matched: number; expected: number; entries: JournalEntry[] } {
    const entries = this.list(filter);
    return { ok: entries.length === count, matched: entries.length, expected: count, entries };
  }
}
