import { createHash } from 'node:crypto';
import type { StoredEntity } from '../../store/memory-store.js';
import { odataErrors } from '../errors.js';
import { compileFilter, compileOrderKey } from '../filter/compile-expression.js';
import { parseJsonBody } from '../lossless-json.js';
import { stringifyJson } from '../response-json.js';
import type { ODataService } from '../service.js';
import type { CollectionOptions } from './query-options.js';

// $filter, $orderby, $count, $skip, $top and server-driven paging over one collection.
// Paging is keyset-based: the opaque $skiptoken carries the sort keys and creation sequence of
// the last entity served, so following nextLinks yields every entity exactly once in a stable
// order even while others are added or removed. Members arrive in creation order; without
// $orderby or $count the scan stops as soon as the page is full, and with $orderby only the
// entities that can still make the page are kept (a bounded, sorted buffer), not all of them.

export interface Page {
  items: StoredEntity[];
  count?: number;
  /** Present when more entities follow: the $skiptoken of the next page. */
  nextToken?: string;
}

/**
 * What a token's order and filter were: a token only continues the query that issued it (a
 * different $filter or $orderby would make its keys meaningless and its pages wrong).
 */
function queryFingerprint(request: CollectionRequest): string {
  const text = JSON.stringify([request.filter ?? null, request.orderby ?? null]);
  return createHash('sha256').update(text).digest('base64url').slice(0, 10);
}

interface Token {
  /** queryFingerprint of the query that issued it. */
  q: string;
  /** Sort keys of the last entity served. */
  k: unknown[];
  /** Its creation sequence. */
  s: number;
  /** How many entities were served before the next page (for $top across pages). */
  n: number;
}

/** Sort keys may be Int64 values beyond 2^53 (BigInt): written and read back with every digit. */
function encodeToken(token: Token): string {
  return Buffer.from(stringifyJson(token)).toString('base64url');
}

function decodeToken(text: string, keyCount: number, fingerprint: string): Token {
  try {
    const token = parseJsonBody(Buffer.from(text, 'base64url').toString('utf8')) as Token;
    if (token.q === fingerprint && Array.isArray(token.k) && token.k.length === keyCount && Number.isSafeInteger(token.s) && Number.isSafeInteger(token.n) && token.n >= 0) return token;
  } catch {
    // fall through
  }
  throw odataErrors.badRequest(`The $skiptoken '${text}' is not one this service issued for this query.`, '$skiptoken');
}

/** Ascending comparison with null first (Protocol §11.2.6.2: nulls sort before all values). */
function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return (a as number | string) < (b as number | string) ? -1 : (a as number | string) > (b as number | string) ? 1 : 0;
}

export interface CollectionRequest extends CollectionOptions {
  skiptoken?: string;
}

interface Row {
  member: StoredEntity;
  keys: unknown[];
  seq: number;
}

type OrderKey = ReturnType<typeof compileOrderKey> & { descending: boolean };

/** Where the page starts and how many it may hold, from $skiptoken, $skip, $top and the page size. */
interface PageWindow {
  token: Token | undefined;
  /** Entities served by the pages before this one. */
  served: number;
  top: number;
  limit: number;
  skip: number;
}

type Predicate = ReturnType<typeof compileFilter>;

/** The members to scan, and which of them the type cast and $filter (when given) let through. */
interface Scan {
  members: Iterable<StoredEntity>;
  belongs: ((entity: StoredEntity) => boolean) | undefined;
  predicate: Predicate | undefined;
}

const passes = (predicate: Predicate | undefined, entity: StoredEntity): boolean => predicate === undefined || predicate(entity.type, entity.properties);

/** No $orderby: shared, so that a plain page builds no keys. */
const NO_ORDER: readonly OrderKey[] = [];

/** Above this many kept rows a full sort is cheaper than keeping a sorted buffer. */
const BUFFER_LIMIT = 2000;

/**
 * Reads one page of at most `pageSize` (the server's page size; undefined serves everything, as
 * expanded collections are). `members` must come in creation order (ascending `seq`), as the store
 * keeps collections; `belongs`, when given, leaves out members of another type than a type cast asks for.
 */
export function readCollection(
  service: ODataService, declaredType: string, members: Iterable<StoredEntity>, belongs: ((entity: StoredEntity) => boolean) | undefined,
  request: CollectionRequest, pageSize?: number,
): Page {
  const predicate = request.filter ? compileFilter(service, declaredType, request.filter) : undefined;
  const orderKeys = request.orderby === undefined ? NO_ORDER : request.orderby.map((item) => ({ ...compileOrderKey(service, declaredType, item.expression), descending: item.descending }));
  const window = pageWindow(request, orderKeys.length, pageSize);
  const scan: Scan = { members, belongs, predicate };
  return orderKeys.length === 0 && !request.count ? readInCreationOrder(scan, window, request) : readSorted(scan, orderKeys, window, request);
}

function pageWindow(request: CollectionRequest, keyCount: number, pageSize: number | undefined): PageWindow {
  const token = request.skiptoken ? decodeToken(request.skiptoken, keyCount, queryFingerprint(request)) : undefined;
  const served = token?.n ?? 0;
  const top = request.top ?? Infinity;
  const limit = Math.min(Math.max(0, top - served), pageSize ?? Infinity);
  return { token, served, top, limit, skip: token ? 0 : (request.skip ?? 0) };
}

/** Streaming: without $orderby or $count the scan stops once one entity beyond the page is seen. */
function readInCreationOrder({ members, belongs, predicate }: Scan, { token, served, top, limit, skip }: PageWindow, request: CollectionRequest): Page {
  const items: StoredEntity[] = [];
  let skipped = 0;
  let more = false;
  for (const entity of members) {
    if ((belongs && !belongs(entity)) || (token && entity.seq <= token.s)) continue;
    if (!passes(predicate, entity)) continue;
    if (skipped < skip) { skipped++; continue; }
    if (items.length >= limit) { more = true; break; }
    items.push(entity);
  }
  const page: Page = { items };
  const last = items.at(-1);
  if (more && last && served + items.length < top) page.nextToken = encodeToken({ q: queryFingerprint(request), k: [], s: last.seq, n: served + items.length });
  return page;
}

/** $orderby or $count: every member is looked at, but only those that can still make the page are kept. */
function readSorted(scan: Scan, orderKeys: readonly OrderKey[], window: PageWindow, request: CollectionRequest): Page {
  const { served, top, limit, skip } = window;
  const { rows, count } = keepLeadingRows(scan, orderKeys, window);
  const slice = rows.slice(skip, skip + (Number.isFinite(limit) ? limit : rows.length));
  const page: Page = { items: slice.map((row) => row.member) };
  if (request.count) page.count = count;
  const last = slice.at(-1);
  if (last && rows.length > skip + slice.length && served + slice.length < top) {
    page.nextToken = encodeToken({ q: queryFingerprint(request), k: last.keys, s: last.seq, n: served + slice.length });
  }
  return page;
}

/** Rows after the token, sorted: skip + limit of them plus one to know whether more follow; and how many passed. */
function keepLeadingRows({ members, belongs, predicate }: Scan, orderKeys: readonly OrderKey[], { token, limit, skip }: PageWindow): { rows: Row[]; count: number } {
  const compareRows = rowOrder(orderKeys);
  const after = token ? { keys: token.k, seq: token.s } : undefined;
  const keep = skip + limit + 1;
  const bounded = keep <= BUFFER_LIMIT;
  const rows: Row[] = [];
  let count = 0;
  for (const entity of members) {
    if ((belongs && !belongs(entity)) || !passes(predicate, entity)) continue;
    count++;
    const row = { member: entity, keys: sortKeysOf(orderKeys, entity), seq: entity.seq };
    if (after && compareRows(row, after) <= 0) continue;
    if (bounded) insertBounded(rows, row, keep, compareRows);
    else rows.push(row);
  }
  if (!bounded) rows.sort(compareRows);
  return { rows, count };
}

function sortKeysOf(orderKeys: readonly OrderKey[], entity: StoredEntity): unknown[] {
  return orderKeys.map((key) => {
    const value = key.evaluate({ it: entity.properties, itType: entity.type, vars: {} });
    return value === null || value === undefined ? null : key.key(value);
  });
}

/** $orderby's order, then creation order, so that no two rows tie and a token marks one place. */
function rowOrder(orderKeys: readonly OrderKey[]): (a: { keys: unknown[]; seq: number }, b: { keys: unknown[]; seq: number }) => number {
  return (a, b) => {
    for (const [i, key] of orderKeys.entries()) {
      const order = compareValues(a.keys[i], b.keys[i]);
      if (order !== 0) return key.descending ? -order : order;
    }
    return a.seq - b.seq;
  };
}

/** Inserts the row in order into a buffer of at most `keep` rows, dropping the last when it overflows. */
function insertBounded(rows: Row[], row: Row, keep: number, compareRows: (a: Row, b: Row) => number): void {
  if (rows.length === keep && compareRows(row, rows[keep - 1] as Row) >= 0) return;
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (compareRows(rows[mid] as Row, row) <= 0) low = mid + 1; else high = mid;
  }
  rows.splice(low, 0, row);
  if (rows.length > keep) rows.pop();
}
