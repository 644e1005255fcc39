// The request journal: what an SDK under test sent and what it got back, so that a contract
// test can assert on it ("exactly one PATCH with If-Match reached userStatuses"). Bounded: the
// oldest entries give way once `capacity` is reached, so a long run cannot exhaust memory.

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
  /** The request body as sent (text, cut at BODY_LIMIT characters), or undefined without one. */
  body?: string;
  /** Response status; 0 when a fault dropped the connection. */
  status: number;
  /** For error responses: the OData error code and what was wrong (validation details). */
  error?: { code: string; message: string; details: { code: string; message: string; target: string | null }[] };
  /** The fault that answered instead of the service, if one did. */
  fault?: string;
  durationMs: number;
}

export interface JournalFilter {
  /** Glob over the path: `*` matches within a segment, `**` across segments. */
  path?: string;
  method?: string;
  /** A status (`404`) or a class (`4xx`). */
  status?: string | number;
}

const BODY_LIMIT = 64 * 1024;
const REDACTED = new Set(['authorization', 'cookie', 'proxy-authorization']);

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[] | undefined> {
  const copy: Record<string, string | string[] | undefined> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (!REDACTED.has(name)) copy[name] = value;
    // Keep the scheme: a test may assert that a bearer token was sent, never what it was.
    else copy[name] = typeof value === 'string' ? `${value.split(' ')[0] ?? ''} [redacted]`.trim() : '[redacted]';
  }
  return copy;
}

export const bodyForJournal = (text: string | undefined): string | undefined =>
  text === undefined || text === '' ? undefined : text.length > BODY_LIMIT ? `${text.slice(0, BODY_LIMIT)}…` : text;

/** `/beta/**` or `/beta/deviceAppManagement/mobileApps/*\/userStatuses` -> RegExp. */
export function globPattern(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') { source += '.*'; i++; } else if (c === '*') source += '[^/]*';
    else source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function matcher(filter: JournalFilter): (entry: JournalEntry) => boolean {
  const path = filter.path === undefined ? undefined : globPattern(filter.path);
  const method = filter.method?.toUpperCase();
  const status = filter.status === undefined ? undefined : String(filter.status).toLowerCase();
  const statusMatches = (s: number) => status === undefined || (/^\dxx$/.test(status) ? String(s)[0] === status[0] : String(s) === status);
  return (entry) => (path === undefined || path.test(entry.path)) && (method === undefined || entry.method === method) && statusMatches(entry.status);
}

export class Journal {
  private entries: JournalEntry[] = [];
  private next = 1;

  constructor(readonly capacity: number) {}

  record(entry: Omit<JournalEntry, 'seq'>): void {
    if (this.capacity === 0) return;
    this.entries.push({ seq: this.next++, ...entry });
    // Dropping in batches keeps the cost of a full journal at a copy every capacity/10 entries.
    if (this.entries.length > this.capacity) this.entries = this.entries.slice(Math.ceil(this.capacity / 10));
  }

  list(filter: JournalFilter = {}): JournalEntry[] {
    const matches = matcher(filter);
    return this.entries.filter(matches);
  }

  clear(): void {
    this.entries = [];
  }

  /** "Exactly `count` requests matched": the answer, and what did match, for the failure message. */
  verify(filter: JournalFilter, count: number): { ok: boolean; matched: number; expected: number; entries: JournalEntry[] } {
    const entries = this.list(filter);
    return { ok: entries.length === count, matched: entries.length, expected: count, entries };
  }
}
