// Change tracking of the collections someone has asked a delta of (Graph's delta query,
// odata/delta/): per tracked collection, the last change of each key, stamped with the store's
// change counter (MemoryStore owns it). A delta since stamp S is every key whose relevant change
// is later than S; keeping only the last change per key (with, per property, the stamp of its
// last change) answers "each entity once, with its latest state" in space bounded by the keys
// that ever changed, not by the number of writes. A collection nobody tracks has no entry here,
// and a store that tracks nothing has no ChangeTracker at all: a write pays a field check.

/** The last change of one key of a tracked collection. */
export interface KeyChange {
  /** Stamp of the key's last change (any property, its creation or its delete). */
  stamp: number;
  /** Stamp of its creation, when it was created while tracked; 0 when it was there before. */
  created: number;
  /** Deleted (a tombstone): it has no entity any more. */
  deleted: boolean;
  /** Property name -> stamp of its last change (updates only: a creation changed all of them). */
  props: Record<string, number>;
}

export interface TrackedCollection {
  /** Random per start of tracking: a token of an earlier tracking (before a reset, another server) is no token of this one. */
  readonly id: string;
  /** The stamp tracking began at: no change before it is known. */
  readonly since: number;
  readonly changes: Map<string, KeyChange>;
}

/** The tracking state as a snapshot holds it (`--data`), so that tokens survive a restart. */
export interface TrackingSnapshot {
  /** The store's change counter. */
  stamp: number;
  collections: { path: string; id: string; since: number; changes: [string, KeyChange][] }[];
}

/** Deep equality of JSON-like values: an update that writes the same value changed nothing. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every((k) => Object.hasOwn(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The names of the properties whose values differ between two states of an entity. */
export function changedProperties(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const names: string[] = [];
  for (const name of Object.keys(after)) if (!sameValue(before[name], after[name])) names.push(name);
  for (const name of Object.keys(before)) if (!Object.hasOwn(after, name)) names.push(name);
  return names;
}

export class ChangeTracker {
  readonly collections = new Map<string, TrackedCollection>();

  /**
   * Records a change of `key` at `stamp`; returns how to undo it (a rolled-back `$batch` change
   * set puts the tracking back as it was, as it does the entities).
   */
  record(tracked: TrackedCollection, key: string, stamp: number, change: { op: 'insert' } | { op: 'delete' } | { op: 'update'; props: string[] }): () => void {
    const before = tracked.changes.get(key);
    const next: KeyChange = before === undefined ? { stamp, created: 0, deleted: false, props: {} } : { ...before, props: { ...before.props }, stamp };
    if (change.op === 'insert') {
      next.created = stamp;
      next.deleted = false;
      next.props = {};
    } else if (change.op === 'delete') {
      next.deleted = true;
    } else {
      for (const name of change.props) next.props[name] = stamp;
    }
    tracked.changes.set(key, next);
    return () => {
      if (before === undefined) tracked.changes.delete(key);
      else tracked.changes.set(key, before);
    };
  }

  snapshot(stamp: number): TrackingSnapshot {
    const collections: TrackingSnapshot['collections'] = [];
    for (const [path, tracked] of this.collections) collections.push({ path, id: tracked.id, since: tracked.since, changes: [...tracked.changes] });
    return { stamp, collections };
  }

  static restored(snapshot: TrackingSnapshot): ChangeTracker {
    const tracker = new ChangeTracker();
    for (const c of snapshot.collections) tracker.collections.set(c.path, { id: c.id, since: c.since, changes: new Map(c.changes) });
    return tracker;
  }
}
