import { randomBytes } from 'node:crypto';
import { ChangeTracker, changedProperties, type TrackedCollection, type TrackingSnapshot } from './change-tracking.js';
import { entityPath, parentOf, splitMemberPath } from './store-paths.js';

export type { KeyChange, TrackedCollection } from './change-tracking.js';

export { entityPath, keySegment } from './store-paths.js';

// The in-memory store (ARCHITECTURE.md, decision 2). Entities are kept by canonical path: an entity path is the
// path of its collection plus its key in OData parenthesis form, e.g.
// `deviceAppManagement/mobileApps('a1')/userStatuses('u1')`. A contained entity lives only in its
// parent's collection, so deleting a parent removes everything below it. A non-containment
// navigation holds links (key -> canonical path) to entities that live elsewhere.
//
// Every path knows its parent (the text before its last `/`: keys are percent-encoded, so a `/`
// can only separate segments), and every entity lists the collections, single entities and link
// sets directly below it. A delete walks that tree, so its cost is what it removes, not the size
// of the store.

export interface StoredEntity {
  /** Qualified name of the entity's own (most derived) type. */
  type: string;
  key: string;
  /** Canonical path: where the entity lives (not the URL it was reached by, for a linked one). */
  path: string;
  /**
   * Declared structural properties in declaration order, then dynamic ones. A plain object, so
   * that V8 gives entities of one type one shape (null-prototype objects are dictionaries, several
   * times slower to read in a $filter scan); `__proto__` can never be a key (see odata/request-body.ts).
   */
  properties: Record<string, unknown>;
  /**
   * JSON text of `properties`, made by the first read that needs it and dropped by every write:
   * a collection read over and over (what a test suite does) serialises each entity once.
   */
  json: string | undefined;
  /** Incremented on every write: with seq, the basis of ETags. */
  version: number;
  /** Store-wide creation order: the stable order of collections and the tie-breaker of paging. */
  seq: number;
}

/** An entity as a write hands it to the store, which numbers it. */
export type NewEntity = Pick<StoredEntity, 'type' | 'key' | 'properties'>;

const EMPTY_LINKS: ReadonlyMap<string, string> = new Map();
const NO_STAMP: { stamp?: number } = Object.freeze({});
const INSERTED = Object.freeze({ op: 'insert' as const });
const DELETED = Object.freeze({ op: 'delete' as const });

/** A store as plain data (for `--data` files and dumps): entities in creation order, then links. */
export interface StoreSnapshot {
  sequence: number;
  entities: {
    path: string;
    /** Set for collection members: the collection the entity belongs to. */
    collection?: string;
    type: string;
    key: string;
    properties: Record<string, unknown>;
    version: number;
    seq: number;
  }[];
  links: { navigation: string; key: string; target: string }[];
  /** Change tracking (delta queries), when some collection is tracked: tokens outlive a restart. */
  tracking?: TrackingSnapshot;
}

/**
 * One change to a store, as `--data` logs it (toolkit/data-log.ts) and replays it at startup:
 * what a write did, with the numbers it gave (seq, version), so that a replay rebuilds the same
 * entities and ETags whatever else happened in between (a rolled-back group uses up sequence
 * numbers without being logged). Only the outermost operation is reported: a delete's subtree
 * and a replaced single entity follow from the one change.
 *
 * While some collection is tracked (delta queries), a write carries `stamp`: the first change
 * stamp it may use. A replay starts the counter there, so the changes it records to tracked
 * collections (a delete's subtree included) get the stamps they had, whatever rolled-back groups
 * used up in between; tokens issued before a restart mean the same after it. `track` starts the
 * tracking of a collection (the first delta asked of it).
 */
export type StoreChange =
  | { op: 'insert'; collection: string; path: string; type: string; key: string; properties: Record<string, unknown>; seq: number; stamp?: number }
  | { op: 'single'; path: string; type: string; key: string; properties: Record<string, unknown>; seq: number; stamp?: number }
  | { op: 'update'; path: string; properties: Record<string, unknown>; version: number; stamp?: number }
  | { op: 'delete'; path: string; /** The deleted entity's type, for listeners (a replay does not need it). */ type?: string; stamp?: number }
  | { op: 'link'; navigation: string; key: string; target: string }
  | { op: 'unlink'; navigation: string; key: string }
  | { op: 'clear' }
  | { op: 'track'; collection: string; id: string; stamp: number }
  /** A rolled-back group used stamps up to here: a token issued since may say so, a replay must not give them again. */
  | { op: 'stamp'; stamp: number };

/** Changes to a store since begin(), kept or undone as one (a `$batch` atomicity group). */
export interface StoreTransaction {
  commit(): void;
  /** Puts the store back as it was at begin(); ETags are not issued twice (sequence numbers go on). */
  rollback(): void;
}

export class MemoryStore {
  /**
   * Entities that are not collection members (singletons, single-valued contained ones) by
   * canonical path. Members are found through their collection: a second index of every member
   * would cost a Map entry per entity for nothing.
   */
  private readonly entities = new Map<string, StoredEntity>();
  /** Collection path -> key -> entity, in insertion order. */
  private readonly collections = new Map<string, Map<string, StoredEntity>>();
  /** Navigation path -> key -> canonical path of the linked entity. */
  private readonly links = new Map<string, Map<string, string>>();
  /** Canonical entity path -> navigation paths linking to it, to drop dangling links on delete. */
  private readonly inbound = new Map<string, Set<string>>();
  /** Entity path -> the collection, link-set and single-entity paths directly below it. */
  private readonly below = new Map<string, Set<string>>();

  private sequence = 0;
  private memberCount = 0;
  /**
   * Change tracking of the collections someone asked a delta of; undefined while none is, so a
   * write to a store that tracks nothing pays this field check and nothing more.
   */
  private tracker: ChangeTracker | undefined;
  /** The change counter of tracked collections: every change recorded to one takes the next stamp. */
  private stamp = 0;
  /**
   * While a transaction is open: how to undo each change made since it began, oldest first. Each
   * write records the inverse of what it did, so a rollback costs what the transaction changed,
   * not the size of the store (a snapshot of 100,000 entities takes 300 ms).
   */
  private undoLog: (() => void)[] | undefined;
  /**
   * Who hears of every change: the data log (`--data`) and the listeners (delta tracking, change
   * notifications), as one function; nothing is built for it when no one listens.
   */
  private observer: ((change: StoreChange) => void) | undefined;
  /** The data log's observer, the one that must hear every change (restore() refuses to run behind its back). */
  private logObserver: ((change: StoreChange) => void) | undefined;
  private readonly listeners = new Set<(change: StoreChange) => void>();
  /** Changes of the open transaction: reported when it commits, forgotten when it rolls back. */
  private held: StoreChange[] | undefined;
  /** Above 0 inside an operation, whose inner steps are not changes of their own. */
  private depth = 0;

  /** Reports every later change to `observer` (one observer: the data log of the default session). */
  observe(observer: ((change: StoreChange) => void) | undefined): void {
    this.logObserver = observer;
    this.composeObserver();
  }

  /**
   * Reports every later committed change to `listener` too, until the returned function is
   * called. For features that follow changes as they happen (change notifications): a store with
   * no listener and no data log builds nothing for them.
   */
  listen(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    this.composeObserver();
    return () => {
      this.listeners.delete(listener);
      this.composeObserver();
    };
  }

  private composeObserver(): void {
    const log = this.logObserver;
    if (this.listeners.size === 0) {
      this.observer = log;
      return;
    }
    const listeners = [...this.listeners];
    this.observer = (change) => {
      log?.(change);
      for (const listener of listeners) listener(change);
    };
  }

  /** Whether a transaction is open (a `$batch` change set's): a step inside it is undone with it. */
  get inTransaction(): boolean {
    return this.undoLog !== undefined;
  }

  /** Starts recording every change, until the transaction commits or rolls back. One at a time. */
  begin(): StoreTransaction {
    if (this.undoLog !== undefined) throw new Error('a store transaction is already open');
    const log: (() => void)[] = [];
    this.undoLog = log;
    const held: StoreChange[] = [];
    this.held = held;
    const stampAtBegin = this.stamp;
    const close = (): boolean => {
      if (this.undoLog !== log) return false;
      this.undoLog = undefined;
      this.held = undefined;
      return true;
    };
    return {
      commit: () => {
        if (!close()) return;
        for (const change of held) this.observer?.(change);
      },
      rollback: () => {
        if (!close()) return; // committed (or rolled back) already
        // The undo steps call addLink and the like: they are not changes anyone should hear of.
        this.nested(() => {
          for (let i = log.length - 1; i >= 0; i--) (log[i] as () => void)();
        });
        // Stamps are not given twice (a delta token may have been issued meanwhile): the log hears
        // how far they went, or a replay would number the next changes as the undone ones.
        if (this.stamp !== stampAtBegin && this.observer !== undefined) this.report({ op: 'stamp', stamp: this.stamp });
      },
    };
  }

  /** Called by an operation once it is done (its callers build `change` only when someone listens). */
  private report(change: StoreChange): void {
    if (this.observer === undefined || this.depth > 0) return; // an inner step of another operation
    if (this.held !== undefined) this.held.push(change);
    else this.observer(change);
  }

  /** Empties the store. Sequence numbers go on from where they were, so no ETag is issued twice. */
  clear(): void {
    if (this.observer !== undefined) this.report({ op: 'clear' });
    // Tokens issued before are of a store that is gone: their deltas answer a resync (410).
    this.tracker = undefined;
    this.entities.clear();
    this.collections.clear();
    this.links.clear();
    this.inbound.clear();
    this.below.clear();
    this.memberCount = 0;
  }

  snapshot(): StoreSnapshot {
    const entities: StoreSnapshot['entities'] = [];
    for (const entity of this.entities.values()) entities.push({ path: entity.path, type: entity.type, key: entity.key, properties: entity.properties, version: entity.version, seq: entity.seq });
    for (const [collection, members] of this.collections) {
      for (const entity of members.values()) entities.push({ path: entity.path, collection, type: entity.type, key: entity.key, properties: entity.properties, version: entity.version, seq: entity.seq });
    }
    entities.sort((a, b) => a.seq - b.seq);
    const links: StoreSnapshot['links'] = [];
    for (const [navigation, set] of this.links) for (const [key, target] of set) links.push({ navigation, key, target });
    if (this.tracker === undefined) return { sequence: this.sequence, entities, links };
    return { sequence: this.sequence, entities, links, tracking: this.tracker.snapshot(this.stamp) };
  }

  /** Replaces the whole content with a snapshot's (as snapshot() made it, or a file holding one). */
  restore(snapshot: StoreSnapshot): void {
    if (this.logObserver !== undefined) throw new Error('restore() is for a store no one observes: its changes would not be logged');
    this.clear();
    for (const e of snapshot.entities) this.place(e);
    for (const link of snapshot.links) this.addLink(link.navigation, link.key, link.target);
    this.sequence = Math.max(this.sequence, snapshot.sequence);
    if (snapshot.tracking !== undefined) {
      this.tracker = ChangeTracker.restored(snapshot.tracking);
      this.stamp = Math.max(this.stamp, snapshot.tracking.stamp);
    }
  }

  /**
   * Replays a change as an observer heard it (a `--data` log read at startup), giving the entity
   * the numbers it had. An update of an entity that is not there means the log does not belong
   * to this store: that throws. A delete of what is gone already is nothing to do.
   */
  apply(change: StoreChange): void {
    if (change.op !== 'track' && change.op !== 'stamp' && 'stamp' in change && change.stamp !== undefined) this.stamp = change.stamp - 1;
    switch (change.op) {
      case 'insert':
        this.place({ ...change, version: 1 });
        if (this.tracker !== undefined) this.trackChange(change.collection, change.key, INSERTED);
        break;
      case 'single':
        if (this.entities.has(change.path)) this.delete(change.path);
        this.place({ ...change, version: 1 });
        break;
      case 'update': {
        const entity = this.get(change.path);
        if (entity === undefined) throw new Error(`an update of ${change.path}, which is not there`);
        if (this.tracker !== undefined) this.trackUpdate(entity, change.properties);
        entity.properties = change.properties;
        entity.json = undefined;
        entity.version = change.version;
        break;
      }
      case 'delete': this.delete(change.path); break;
      case 'link': this.addLink(change.navigation, change.key, change.target); break;
      case 'unlink': this.removeLink(change.navigation, change.key); break;
      case 'clear': this.clear(); break;
      case 'track': this.startTracking(change.collection, change.id, change.stamp); break;
      case 'stamp': this.stamp = Math.max(this.stamp, change.stamp); break;
    }
  }

  /**
   * Starts tracking the changes of a collection (the first delta asked of it), or returns its
   * tracking when it has one already. Logged, so that a restart with `--data` tracks it too.
   */
  track(collectionPath: string): TrackedCollection {
    const tracked = this.tracker?.collections.get(collectionPath);
    if (tracked !== undefined) return tracked;
    const started = this.startTracking(collectionPath, randomBytes(6).toString('base64url'), this.stamp + 1);
    if (this.observer !== undefined) this.report({ op: 'track', collection: collectionPath, id: started.id, stamp: started.since });
    return started;
  }

  /** The tracking of a collection, or undefined when no delta was asked of it (or a reset dropped it). */
  tracking(collectionPath: string): TrackedCollection | undefined {
    return this.tracker?.collections.get(collectionPath);
  }

  /** The stamp of the latest change recorded: a delta token issued now is "up to here". */
  get changeStamp(): number {
    return this.stamp;
  }

  private startTracking(collectionPath: string, id: string, since: number): TrackedCollection {
    const tracker = (this.tracker ??= new ChangeTracker());
    const tracked: TrackedCollection = { id, since, changes: new Map() };
    tracker.collections.set(collectionPath, tracked);
    this.stamp = Math.max(this.stamp, since);
    this.undoLog?.push(() => tracker.collections.delete(collectionPath));
    return tracked;
  }

  /** Before a write, when something is tracked: the first stamp it may use (its change carries it, for a replay). */
  private firstStamp(): { stamp?: number } {
    return this.tracker === undefined ? NO_STAMP : { stamp: this.stamp + 1 };
  }

  /** Records a change of a member to its collection's tracking, if the collection is tracked. */
  private trackChange(collectionPath: string, key: string, change: Parameters<ChangeTracker['record']>[3]): void {
    const tracker = this.tracker as ChangeTracker;
    const tracked = tracker.collections.get(collectionPath);
    if (tracked === undefined) return;
    const undo = tracker.record(tracked, key, ++this.stamp, change);
    this.undoLog?.push(undo);
  }

  /** An update of a tracked member: which properties it changed (what `$select` tracks). */
  private trackUpdate(entity: StoredEntity, properties: Record<string, unknown>): void {
    const member = splitMemberPath(entity.path);
    if (member === undefined || !this.tracker?.collections.has(member.collectionPath)) return;
    this.trackChange(member.collectionPath, entity.key, { op: 'update', props: changedProperties(entity.properties, properties) });
  }

  /** An entity as a snapshot or a log gives it, numbers included, in its collection or among the singles. */
  private place(e: StoreSnapshot['entities'][number]): void {
    const entity: StoredEntity = { type: e.type, key: e.key, path: e.path, properties: e.properties, json: undefined, version: e.version, seq: e.seq };
    this.sequence = Math.max(this.sequence, e.seq);
    if (e.collection === undefined) {
      this.entities.set(e.path, entity);
      this.attach(e.path);
      return;
    }
    let members = this.collections.get(e.collection);
    if (!members) {
      this.collections.set(e.collection, (members = new Map<string, StoredEntity>()));
      this.attach(e.collection);
    }
    if (!members.has(e.key)) this.memberCount++;
    members.set(e.key, entity);
  }

  /** Runs the inner steps of an operation, which are not changes of their own. */
  private nested(step: () => void): void {
    this.depth++;
    try {
      step();
    } finally {
      this.depth--;
    }
  }

  get size(): number {
    return this.entities.size + this.memberCount;
  }

  /** Every stored entity with its canonical path (a snapshot: safe to change the store meanwhile). */
  entries(): [string, StoredEntity][] {
    const all: [string, StoredEntity][] = [...this.entities];
    for (const members of this.collections.values()) for (const entity of members.values()) all.push([entity.path, entity]);
    return all;
  }

  get(path: string): StoredEntity | undefined {
    const single = this.entities.get(path);
    if (single !== undefined) return single;
    const member = splitMemberPath(path);
    if (member === undefined) return undefined;
    const entity = this.collections.get(member.collectionPath)?.get(member.key);
    // The same key can be written two ways (`('a')`, `('%61')`): only the canonical one names it.
    return entity?.path === path ? entity : undefined;
  }

  /** How many members a collection has. */
  memberCountOf(collectionPath: string): number {
    return this.collections.get(collectionPath)?.size ?? 0;
  }

  getMember(collectionPath: string, key: string): StoredEntity | undefined {
    return this.collections.get(collectionPath)?.get(key);
  }

  /** The members of a collection in creation order, without copying them. */
  members(collectionPath: string): Iterable<StoredEntity> {
    return this.collections.get(collectionPath)?.values() ?? [];
  }

  list(collectionPath: string): StoredEntity[] {
    return [...(this.collections.get(collectionPath)?.values() ?? [])];
  }

  private numbered(entity: NewEntity, path: string): StoredEntity {
    // Spelled out rather than spread: every stored entity gets the same V8 shape.
    return { type: entity.type, key: entity.key, path, properties: entity.properties, json: undefined, version: 1, seq: ++this.sequence };
  }

  private attach(path: string): void {
    const parent = parentOf(path);
    if (parent === '') return;
    let children = this.below.get(parent);
    if (!children) this.below.set(parent, (children = new Set()));
    children.add(path);
  }

  /**
   * Inserts a new member; the caller has checked that the key is free. `predicate`: true for a
   * single key that is no string, or the key predicate its codec writes (store-paths.ts, entityPath).
   */
  insertMember(collectionPath: string, newEntity: NewEntity, predicate: boolean | string = false): StoredEntity {
    const first = this.firstStamp();
    const path = entityPath(collectionPath, newEntity.key, predicate);
    const entity = this.numbered(newEntity, path);
    let members = this.collections.get(collectionPath);
    if (!members) {
      this.collections.set(collectionPath, (members = new Map<string, StoredEntity>()));
      this.attach(collectionPath);
    }
    members.set(entity.key, entity);
    this.memberCount++;
    this.undoLog?.push(() => {
      if (members.delete(entity.key)) this.memberCount--;
    });
    if (this.tracker !== undefined) this.trackChange(collectionPath, entity.key, INSERTED);
    if (this.observer !== undefined) this.report({ op: 'insert', collection: collectionPath, path, type: entity.type, key: entity.key, properties: entity.properties, seq: entity.seq, ...first });
    return entity;
  }

  /** Stores an entity that is not a collection member (a singleton, a single-valued contained entity). */
  putSingle(path: string, newEntity: NewEntity): StoredEntity {
    const first = this.firstStamp();
    const entity = this.numbered(newEntity, path);
    if (this.entities.has(path)) this.nested(() => this.delete(path));
    this.entities.set(path, entity);
    this.attach(path);
    this.undoLog?.push(() => {
      this.entities.delete(path);
      this.below.get(parentOf(path))?.delete(path);
    });
    if (this.observer !== undefined) this.report({ op: 'single', path, type: entity.type, key: entity.key, properties: entity.properties, seq: entity.seq, ...first });
    return entity;
  }

  /** Replaces the properties of a stored entity in place, bumping its version. */
  update(entity: StoredEntity, properties: Record<string, unknown>): void {
    const first = this.firstStamp();
    if (this.tracker !== undefined) this.trackUpdate(entity, properties);
    if (this.undoLog !== undefined) {
      const { properties: before, version } = entity;
      this.undoLog.push(() => {
        entity.properties = before;
        entity.version = version;
        entity.json = undefined;
      });
    }
    entity.properties = properties;
    entity.json = undefined;
    entity.version += 1;
    if (this.observer !== undefined) this.report({ op: 'update', path: entity.path, properties, version: entity.version, ...first });
  }

  /** Deletes an entity, everything contained below it, and every link to either. */
  delete(path: string): void {
    const entity = this.get(path);
    if (!entity) return;
    if (this.observer !== undefined) this.report({ op: 'delete', path, type: entity.type, ...this.firstStamp() });
    this.nested(() => this.deleteFound(path, entity));
  }

  private deleteFound(path: string, entity: StoredEntity): void {
    if (this.entities.delete(path)) {
      this.undoLog?.push(() => this.entities.set(path, entity));
    } else {
      const member = splitMemberPath(path);
      const members = member && this.collections.get(member.collectionPath);
      if (members?.delete(entity.key)) {
        this.memberCount--;
        this.undoLog?.push(() => this.reinsertMember(members, entity));
        if (this.tracker !== undefined) this.trackChange((member as { collectionPath: string }).collectionPath, entity.key, DELETED);
      }
    }
    const siblings = this.below.get(parentOf(path));
    if (siblings?.delete(path)) this.undoLog?.push(() => siblings.add(path));
    this.removeTree(path);
  }

  /** Undoes a member's delete, in its place: collections list members in creation order. */
  private reinsertMember(members: Map<string, StoredEntity>, entity: StoredEntity): void {
    const all = [...members.values(), entity].sort((a, b) => a.seq - b.seq);
    members.clear();
    for (const member of all) members.set(member.key, member);
    this.memberCount++;
  }

  /** Drops what is below an entity (already removed from its collection or the singles). */
  private removeTree(path: string): void {
    this.dropInbound(path);
    const children = this.below.get(path);
    if (!children) return;
    this.below.delete(path);
    this.undoLog?.push(() => this.below.set(path, children));
    for (const child of children) {
      const members = this.collections.get(child);
      if (members) {
        this.collections.delete(child);
        this.memberCount -= members.size;
        this.undoLog?.push(() => {
          this.collections.set(child, members);
          this.memberCount += members.size;
        });
        // A tracked collection contained in what is deleted: its members are deleted too.
        if (this.tracker?.collections.has(child)) for (const member of members.values()) this.trackChange(child, member.key, DELETED);
        for (const member of members.values()) this.removeTree(member.path);
      }
      if (this.links.has(child)) this.clearLinks(child);
      const single = this.entities.get(child);
      if (single !== undefined && this.entities.delete(child)) {
        this.undoLog?.push(() => this.entities.set(child, single));
        this.removeTree(child);
      }
    }
  }

  getLinks(navigationPath: string): ReadonlyMap<string, string> {
    return this.links.get(navigationPath) ?? EMPTY_LINKS;
  }

  /** The entities a navigation links to, in creation order (links keep the order they were made in). */
  linked(navigationPath: string): StoredEntity[] {
    const entities: StoredEntity[] = [];
    for (const path of this.getLinks(navigationPath).values()) {
      const entity = this.get(path);
      if (entity) entities.push(entity);
    }
    return entities.sort((a, b) => a.seq - b.seq);
  }

  addLink(navigationPath: string, key: string, targetPath: string): void {
    let set = this.links.get(navigationPath);
    if (!set) {
      this.links.set(navigationPath, (set = new Map<string, string>()));
      this.attach(navigationPath);
    }
    if (this.undoLog !== undefined) {
      const before = set.get(key);
      this.undoLog.push(() => {
        this.removeLink(navigationPath, key);
        if (before !== undefined) this.addLink(navigationPath, key, before);
      });
    }
    set.set(key, targetPath);
    let sources = this.inbound.get(targetPath);
    if (!sources) this.inbound.set(targetPath, (sources = new Set()));
    sources.add(navigationPath);
    if (this.observer !== undefined) this.report({ op: 'link', navigation: navigationPath, key, target: targetPath });
  }

  removeLink(navigationPath: string, key: string): boolean {
    const set = this.links.get(navigationPath);
    const target = set?.get(key);
    if (!set || target === undefined) return false;
    set.delete(key);
    this.inbound.get(target)?.delete(navigationPath);
    this.undoLog?.push(() => this.addLink(navigationPath, key, target));
    if (this.observer !== undefined) this.report({ op: 'unlink', navigation: navigationPath, key });
    return true;
  }

  private clearLinks(navigationPath: string): void {
    for (const key of [...this.getLinks(navigationPath).keys()]) this.removeLink(navigationPath, key);
    this.links.delete(navigationPath);
  }

  private dropInbound(targetPath: string): void {
    const sources = this.inbound.get(targetPath);
    if (!sources) return;
    for (const navigationPath of sources) {
      const set = this.links.get(navigationPath);
      if (!set) continue;
      for (const [key, target] of set) {
        if (target !== targetPath) continue;
        set.delete(key);
        this.undoLog?.push(() => this.addLink(navigationPath, key, target));
      }
    }
    this.inbound.delete(targetPath);
  }
}
