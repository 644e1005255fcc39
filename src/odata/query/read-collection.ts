import type { StoredEntity } from '../../store/memory-store.js';
import { odataErrors } from '../errors.js';
import { compileFilter, compileOrderKey } from '../filter/compile-expression.js';
import type { ODataService } from '../service.js';
import type { CollectionOptions } from './query-options.js';

// $filter, $orderby, $count, $skip, $top and server-driven paging over one collection.
// Paging is keyset-based: the opaque $skiptoken carries the sort keys and creation sequence of
// the last entity served, so following nextLinks yields every entity exactly once in a stable
// order even while others are added or removed. Without $orderby (and without $count), the scan
// stops as soon as the page is full.

export interface Located {
  entity: StoredEntity;
  path: string;
}

export interface Page {
  items: Located[];
  count?: number;
  /** Present when more entities follow: the $skiptoken of the next page. */
  nextToken?: string;
}

interface Token {
  /** Sort keys of the last entity served. */
  k: unknown[];
  /** Its creation sequence. */
  s: number;
  /** How many entities were served before the next page (for $top across pages). */
  n: number;
}

function encodeToken(token: Token): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(text: string, keyCount: number): Token {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Token;
    if (Array.isArray(token.k) && token.k.length === keyCount && Number.isSafeInteger(token.s) && Number.isSafeInteger(token.n) && token.n >= 0) return token;
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
  /** Server page size; undefined serves everything (expanded collections). */
  pageSize?: number;
}

export function readCollection(service: ODataService, declaredType: string, members: Located[], request: CollectionRequest): Page {
  const predicate = request.filter ? compileFilter(service, declaredType, request.filter) : undefined;
  const orderKeys = (request.orderby ?? []).map((item) => ({ ...compileOrderKey(service, declaredType, item.expression), descending: item.descending }));
  const keysOf = (located: Located): unknown[] => orderKeys.map((key) => {
    const value = key.evaluate({ it: located.entity.properties, itType: located.entity.type, vars: {} });
    return value === null || value === undefined ? null : key.key(value);
  });
  const compareRows = (a: { keys: unknown[]; seq: number }, b: { keys: unknown[]; seq: number }): number => {
    for (const [i, key] of orderKeys.entries()) {
      const order = compareValues(a.keys[i], b.keys[i]);
      if (order !== 0) return key.descending ? -order : order;
    }
    return a.seq - b.seq;
  };
  const token = request.skiptoken ? decodeToken(request.skiptoken, orderKeys.length) : undefined;
  const served = token?.n ?? 0;
  const remaining = request.top === undefined ? Infinity : Math.max(0, request.top - served);
  const limit = Math.min(remaining, request.pageSize ?? Infinity);
  const skip = token ? 0 : (request.skip ?? 0);
  const passes = (located: Located) => !predicate || predicate(located.entity.type, located.entity.properties);
  const bySequence = members.every((m, i) => i === 0 || (members[i - 1] as Located).entity.seq < m.entity.seq)
    ? members : [...members].sort((a, b) => a.entity.seq - b.entity.seq);

  if (orderKeys.length === 0 && !request.count) {
    // Streaming: stop once one entity beyond the page is seen.
    const items: Located[] = [];
    let skipped = 0;
    let more = false;
    for (const located of bySequence) {
      if (token && located.entity.seq <= token.s) continue;
      if (!passes(located)) continue;
      if (skipped < skip) { skipped++; continue; }
      if (items.length >= limit) { more = true; break; }
      items.push(located);
    }
    const page: Page = { items };
    const last = items.at(-1);
    if (more && last && served + items.length < (request.top ?? Infinity)) page.nextToken = encodeToken({ k: [], s: last.entity.seq, n: served + items.length });
    return page;
  }

  const rows = bySequence.filter(passes).map((located) => ({ located, keys: keysOf(located), seq: located.entity.seq }));
  if (orderKeys.length > 0) rows.sort(compareRows);
  let start = skip;
  if (token) {
    const after = { keys: token.k, seq: token.s };
    start = rows.findIndex((row) => compareRows(row, after) > 0);
    if (start < 0) start = rows.length;
  }
  const slice = rows.slice(start, start + (Number.isFinite(limit) ? limit : rows.length));
  const page: Page = { items: slice.map((row) => row.located) };
  if (request.count) page.count = rows.length;
  const last = slice.at(-1);
  if (last && start + slice.length < rows.length && served + slice.length < (request.top ?? Infinity)) {
    page.nextToken = encodeToken({ k: last.keys, s: last.seq, n: served + slice.length });
  }
  return page;
}
