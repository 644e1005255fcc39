import type { ExchangeRecord } from '../odata/exchange.js';

// What the journals of every session may keep between them. Each entry keeps at most a prefix of
// its body (and of its error texts, which may quote the body), and the whole of what is kept is
// bounded: past the bound the oldest entries of any session give way. Without it the journal
// held every body whole, up to entries x body limit x sessions (300 rejected 4 MB bodies took
// the server past a gigabyte).

export const DEFAULT_JOURNAL_BODY_LIMIT = 64 * 1024;
export const DEFAULT_JOURNAL_MAX_BYTES = 64 * 1024 * 1024;

/** What an entry costs beyond its texts: the record, its numbers and the list links (an estimate). */
const ENTRY_OVERHEAD = 256;

/** A journal that holds kept records, and lets the budget take its oldest back. */
export interface BudgetOwner {
  /** The budget let this record go (it is unlinked already): forget it. */
  forget(kept: KeptRecord): void;
}

/** A record as the journal keeps it: texts cut, its cost known, linked in the order records came. */
export interface KeptRecord {
  readonly record: ExchangeRecord;
  readonly seq: number;
  readonly bytes: number;
  /** Set when the body was cut: its size in bytes as sent. */
  readonly bodySize: number | undefined;
  readonly owner: BudgetOwner;
  older: KeptRecord | undefined;
  newer: KeptRecord | undefined;
}

/**
 * The first `limit` bytes of a text in UTF-8, cut before a character rather than inside one, as a
 * new string: a slice of a V8 string may keep the whole original alive.
 */
export function textPrefix(text: string, limit: number): string {
  const bytes = Buffer.from(text.slice(0, limit), 'utf8');
  let end = Math.min(limit, bytes.length);
  // Back off continuation bytes (10xxxxxx) so that no character is split.
  if (end < bytes.length) while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.toString('utf8', 0, end);
}

/** The body's UTF-8 size when it is over the limit (undefined: kept whole). A code unit is at most 3 bytes, which spares measuring most bodies. */
function oversize(text: string | undefined, limit: number): number | undefined {
  if (text === undefined || text.length * 3 <= limit) return undefined;
  const size = Buffer.byteLength(text, 'utf8');
  return size > limit ? size : undefined;
}

const cutMessage = (message: string, limit: number) => (message.length > limit ? `${textPrefix(message, limit)}…` : message);

/** Error texts quote what was sent (a rejected literal), so they are cut like bodies. */
function cutError(error: ExchangeRecord['error'], limit: number): ExchangeRecord['error'] {
  if (error === undefined) return undefined;
  const long = error.message.length > limit || error.details.some((d) => d.message.length > limit || (d.target?.length ?? 0) > limit);
  if (!long) return error;
  return {
    code: error.code,
    message: cutMessage(error.message, limit),
    details: error.details.map((d) => ({ code: d.code, message: cutMessage(d.message, limit), target: d.target === null ? null : cutMessage(d.target, limit) })),
  };
}

function headerBytes(headers: ExchangeRecord['headers']): number {
  let bytes = 0;
  for (const name in headers) {
    const value = headers[name];
    bytes += name.length + (typeof value === 'string' ? value.length : Array.isArray(value) ? value.reduce((sum, v) => sum + v.length, 0) : 0);
  }
  return bytes;
}

function errorBytes(error: ExchangeRecord['error']): number {
  if (error === undefined) return 0;
  return error.code.length + error.message.length + error.details.reduce((sum, d) => sum + d.code.length + d.message.length + (d.target?.length ?? 0), 0);
}

/** What a record costs: the characters of what it keeps, and a fixed overhead. */
function recordBytes(record: ExchangeRecord): number {
  return ENTRY_OVERHEAD + record.url.length + record.requestId.length + headerBytes(record.headers) + (record.bodyText?.length ?? 0) + errorBytes(record.error);
}

export class JournalBudget {
  private kept = 0;
  private oldest: KeptRecord | undefined;
  private newest: KeptRecord | undefined;

  /** `bodyLimit`: bytes of each body kept; `maxBytes`: what every journal keeps together. */
  constructor(readonly maxBytes: number, readonly bodyLimit: number) {}

  /** Bytes the journals keep now (the estimate the bound applies to). */
  get bytes(): number {
    return this.kept;
  }

  /** The record with its texts cut, counted in; the oldest records of any journal go while the total is over the bound (this one too, if it alone is). */
  keep(record: ExchangeRecord, seq: number, owner: BudgetOwner): KeptRecord {
    const bodySize = oversize(record.bodyText, this.bodyLimit);
    const error = cutError(record.error, this.bodyLimit);
    const cut = bodySize === undefined && error === record.error ? record
      : { ...record, bodyText: bodySize === undefined ? record.bodyText : textPrefix(record.bodyText as string, this.bodyLimit), error };
    const kept: KeptRecord = { record: cut, seq, bytes: recordBytes(cut), bodySize, owner, older: this.newest, newer: undefined };
    if (this.newest) this.newest.newer = kept;
    else this.oldest = kept;
    this.newest = kept;
    this.kept += kept.bytes;
    return kept;
  }

  /** Lets the oldest records go until the total fits the bound. Called once the newest is in its journal. */
  settle(): void {
    while (this.kept > this.maxBytes && this.oldest) {
      const oldest = this.oldest;
      this.release(oldest);
      oldest.owner.forget(oldest);
    }
  }

  /** A journal let a record go (overwritten, cleared, its session ended). */
  release(kept: KeptRecord): void {
    if (kept.older) kept.older.newer = kept.newer;
    else if (this.oldest === kept) this.oldest = kept.newer;
    else return; // already released
    if (kept.newer) kept.newer.older = kept.older;
    else this.newest = kept.older;
    kept.older = undefined;
    kept.newer = undefined;
    this.kept -= kept.bytes;
  }
}
