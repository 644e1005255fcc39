import type { MemoryStore } from '../../store/memory-store.js';

// The state tokens of a delta query (Graph, "Use delta query to track changes": the `$skiptoken`
// of an `@odata.nextLink`, the `$deltatoken` of an `@odata.deltaLink`). Opaque to clients, as
// Graph's are: base64url of compact JSON. A token carries everything the round needs, so the
// server keeps no state per client: the collections it tracks and their tracking ids (a token
// of a tracking a reset dropped, or of another server, is no token here), the change stamps it
// spans, where the page stopped, the `$select` and `$filter` of the first request (Graph encodes
// query options into the token: "it's not required to repeat them"), and when it was issued,
// for the retention.

/** Graph: "For directory objects, the limit is seven days" (delta query overview, Token duration). */
export const DEFAULT_DELTA_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export interface DeltaToken {
  /** 's': a page of the current state (the first round); 'c': a page of changes; 'd': a deltaLink's. */
  phase: 's' | 'c' | 'd';
  /** The collection paths tracked (an entity set's own, then those of the sets it also sees). */
  paths: string[];
  /** Their tracking ids, joined by `.`. */
  ids: string;
  /** Changes after this stamp are what the round reports (the state round: its start). */
  from: number;
  /** The stamp the round reaches; its deltaLink continues from here. */
  to: number;
  /** Where the page stopped: [path index, seq] in the state round, [stamp] in a change round. */
  at: number[];
  select?: string[];
  /** Store keys of `$filter=id eq '...' or ...`. */
  keys?: string[];
  /** Issue time, ms since the epoch. */
  issued: number;
}

interface Wire {
  p: DeltaToken['phase'];
  c: string[];
  i: string;
  f: number;
  t: number;
  a: number[];
  s?: string[];
  k?: string[];
  d: number;
}

export function encodeDeltaToken(token: DeltaToken): string {
  const wire: Wire = { p: token.phase, c: token.paths, i: token.ids, f: token.from, t: token.to, a: token.at, d: token.issued };
  if (token.select !== undefined) wire.s = token.select;
  if (token.keys !== undefined) wire.k = token.keys;
  return Buffer.from(JSON.stringify(wire)).toString('base64url');
}

const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');
const isStamps = (value: unknown): value is number[] => Array.isArray(value) && value.every((v) => Number.isSafeInteger(v) && v >= 0);

/** A token's content, or undefined when the text is not a token this service writes. */
export function decodeDeltaToken(text: string): DeltaToken | undefined {
  let wire: Partial<Wire>;
  try {
    wire = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Wire>;
  } catch {
    return undefined;
  }
  if (typeof wire !== 'object' || wire === null) return undefined;
  const { p, c, i, f, t, a, s, k, d } = wire;
  if ((p !== 's' && p !== 'c' && p !== 'd') || !isStrings(c) || c.length === 0 || typeof i !== 'string') return undefined;
  if (!isStamps([f, t, d]) || !isStamps(a) || (s !== undefined && !isStrings(s)) || (k !== undefined && !isStrings(k))) return undefined;
  return { phase: p, paths: c, ids: i, from: f as number, to: t as number, at: a, issued: d as number, ...(s === undefined ? {} : { select: s }), ...(k === undefined ? {} : { keys: k }) };
}

/** The tracking ids of the collections, as a token carries them; undefined when one of them is not tracked. */
export function trackingIds(store: MemoryStore, paths: string[]): string | undefined {
  const ids: string[] = [];
  for (const path of paths) {
    const tracked = store.tracking(path);
    if (tracked === undefined) return undefined;
    ids.push(tracked.id);
  }
  return ids.join('.');
}

/**
 * Why a token cannot go on here, as the rest of a sentence starting "The delta token", or undefined when it can: another collection, a tracking that
 * is gone (a reset) or never was (another server), a stamp this store has not reached, or past
 * the retention.
 */
export function tokenProblem(store: MemoryStore, token: DeltaToken, paths: string[], retentionMs: number, now: number): string | undefined {
  if (token.paths.length !== paths.length || token.paths.some((p, i) => p !== paths[i])) return 'was issued for another collection';
  if (trackingIds(store, paths) !== token.ids) return 'belongs to a change tracking that is gone (a reset)';
  if (token.to > store.changeStamp || token.from > token.to) return 'is not one this service issued';
  if (now - token.issued > retentionMs) return 'has expired';
  return undefined;
}
