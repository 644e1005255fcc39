import type { KeyChange, MemoryStore, StoredEntity } from '../../store/memory-store.js';

// The two kinds of page a delta round answers (Graph, "Use delta query to track changes"):
//   - the first round: "the resources that currently exist in the collection", each tracked
//     collection's members in creation order, the page resuming after the last one served;
//   - a round from a deltaLink: what changed after its stamp, up to the stamp the round started
//     at, in change order, each entity once with its latest state (the change tracking keeps the
//     last change per key). An entity changed again while the round is paged has moved past the
//     round's end: the next round reports it, so no change is lost (at worst one is replayed,
//     which Graph's clients must expect: "Replays").

export type DeltaItem = { entity: StoredEntity; key: string; changed?: string[] } | { removed: string };

export interface DeltaPage {
  items: DeltaItem[];
  /** Where the next page starts, when there is one. */
  next?: number[];
}

/** Which members the round reports: the type a cast narrowed the set to, the keys `$filter` names. */
export type Keep = (entity: StoredEntity) => boolean;

/** A page of the current state, after `at` ([path index, seq of the last member served]). */
export function statePage(store: MemoryStore, paths: string[], at: number[], size: number, keep: Keep): DeltaPage {
  const [startPath = 0, afterSeq = 0] = at;
  const items: DeltaItem[] = [];
  let last: number[] | undefined;
  for (let index = startPath; index < paths.length; index++) {
    for (const entity of store.members(paths[index] as string)) {
      if ((index === startPath && entity.seq <= afterSeq) || !keep(entity)) continue;
      // The page is full and one more follows (a page size is at least 1, so `last` is set).
      if (items.length === size && last !== undefined) return { items, next: last };
      items.push({ entity, key: entity.key });
      last = [index, entity.seq];
    }
  }
  return { items };
}

/**
 * The stamp at which a key's change matters to a round from `from`, or undefined when it does not:
 * a delete of what the client never saw is nothing to it; with `$select`, only the selected
 * properties' changes count ("If a change occurs to a property that is not selected, the resource
 * ... does not appear in the delta response").
 */
function relevantStamp(change: KeyChange, from: number, select: string[] | undefined): number | undefined {
  if (change.created > from) return change.deleted ? undefined : change.stamp;
  if (change.deleted) return change.stamp;
  let stamp = 0;
  if (select === undefined) {
    for (const name in change.props) stamp = Math.max(stamp, change.props[name] as number);
  } else {
    for (const name of select) stamp = Math.max(stamp, change.props[name] ?? 0);
  }
  return stamp > from ? stamp : undefined;
}

interface Found {
  stamp: number;
  path: string;
  key: string;
  change: KeyChange;
}

export interface ChangeRound {
  from: number;
  to: number;
  /** The stamp of the last change served (the round's `from` before its first page). */
  after: number;
  select?: string[];
  keys?: string[];
}

/** A page of what changed in (round.after, round.to], in change order. */
export function changePage(store: MemoryStore, paths: string[], round: ChangeRound, size: number, keep: Keep): DeltaPage {
  const found: Found[] = [];
  const keys = round.keys === undefined ? undefined : new Set(round.keys);
  for (const path of paths) {
    for (const [key, change] of store.tracking(path)?.changes ?? []) {
      if (keys !== undefined && !keys.has(key)) continue;
      const stamp = relevantStamp(change, round.from, round.select);
      if (stamp !== undefined && stamp > round.after && stamp <= round.to) found.push({ stamp, path, key, change });
    }
  }
  found.sort((a, b) => a.stamp - b.stamp);
  const served = found.slice(0, size);
  const items: DeltaItem[] = [];
  for (const { path, key, change } of served) {
    if (change.deleted) {
      items.push({ removed: key });
      continue;
    }
    const entity = store.getMember(path, key);
    if (entity === undefined || !keep(entity)) continue;
    // For `Prefer: return=minimal`: what changed in the round (all of it when it is new).
    const changed = change.created > round.from ? undefined : Object.keys(change.props).filter((name) => (change.props[name] as number) > round.from);
    items.push(changed === undefined ? { entity, key } : { entity, key, changed });
  }
  const last = served[served.length - 1];
  return found.length > size && last !== undefined ? { items, next: [last.stamp] } : { items };
}
