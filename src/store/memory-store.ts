// The in-memory store (DESIGN.md §2). Entities are kept by canonical path: an entity path is the
// path of its collection plus its key in OData parenthesis form, e.g.
// `deviceAppManagement/mobileApps('a1')/userStatuses('u1')`. A contained entity lives only in its
// parent's collection, so deleting a parent removes everything below it. A non-containment
// navigation holds links (key -> canonical path) to entities that live elsewhere.

export interface StoredEntity {
  /** Qualified name of the entity's own (most derived) type. */
  type: string;
  key: string;
  /**
   * Declared structural properties in declaration order, then dynamic ones. A plain object, so
   * that V8 gives entities of one type one shape (null-prototype objects are dictionaries, several
   * times slower to read in a $filter scan); `__proto__` can never be a key (see json-body.ts).
   */
  properties: Record<string, unknown>;
  /** Incremented on every write: with seq, the basis of ETags. */
  version: number;
  /** Store-wide creation order: the stable order of collections and the tie-breaker of paging. */
  seq: number;
}

/** An entity as a write hands it to the store, which numbers it. */
export type NewEntity = Pick<StoredEntity, 'type' | 'key' | 'properties'>;

/**
 * OData key literal in parenthesis form, single quotes doubled (URL Conventions §4.3.1) and
 * percent-encoded, so a canonical path is also a valid URL path: a key holding `/` or non-ASCII
 * characters cannot split a segment or break a Location header.
 */
export const keySegment = (key: string): string => `('${encodeURIComponent(key.replace(/'/g, "''"))}')`;

export const entityPath = (collectionPath: string, key: string): string => `${collectionPath}${keySegment(key)}`;

export class MemoryStore {
  /** Every entity (collection members, singletons, single-valued contained ones) by canonical path. */
  private readonly entities = new Map<string, StoredEntity>();
  /** Collection path -> key -> entity, in insertion order. */
  private readonly collections = new Map<string, Map<string, StoredEntity>>();
  /** Navigation path -> key -> canonical path of the linked entity. */
  private readonly links = new Map<string, Map<string, string>>();
  /** Canonical entity path -> navigation paths linking to it, to drop dangling links on delete. */
  private readonly inbound = new Map<string, Set<string>>();

  private sequence = 0;

  get size(): number {
    return this.entities.size;
  }

  /** Every stored entity with its canonical path (a snapshot: safe to change the store meanwhile). */
  entries(): [string, StoredEntity][] {
    return [...this.entities];
  }

  get(path: string): StoredEntity | undefined {
    return this.entities.get(path);
  }

  getMember(collectionPath: string, key: string): StoredEntity | undefined {
    return this.collections.get(collectionPath)?.get(key);
  }

  /** Canonical path of a member of a collection. */
  pathOf(collectionPath: string, entity: StoredEntity): string {
    return entityPath(collectionPath, entity.key);
  }

  /** The members of a collection in creation order, without copying them. */
  members(collectionPath: string): Iterable<StoredEntity> {
    return this.collections.get(collectionPath)?.values() ?? [];
  }

  list(collectionPath: string): StoredEntity[] {
    return [...(this.collections.get(collectionPath)?.values() ?? [])];
  }

  private numbered(entity: NewEntity): StoredEntity {
    // Spelled out rather than spread: every stored entity gets the same V8 shape.
    return { type: entity.type, key: entity.key, properties: entity.properties, version: 1, seq: ++this.sequence };
  }

  /** Inserts a new member; the caller has checked that the key is free. */
  insertMember(collectionPath: string, newEntity: NewEntity): { entity: StoredEntity; path: string } {
    const entity = this.numbered(newEntity);
    let members = this.collections.get(collectionPath);
    if (!members) this.collections.set(collectionPath, (members = new Map()));
    members.set(entity.key, entity);
    const path = entityPath(collectionPath, entity.key);
    this.entities.set(path, entity);
    return { entity, path };
  }

  /** Stores an entity that is not a collection member (a singleton, a single-valued contained entity). */
  putSingle(path: string, newEntity: NewEntity): StoredEntity {
    const entity = this.numbered(newEntity);
    this.entities.set(path, entity);
    return entity;
  }

  /** Replaces the properties of a stored entity in place, bumping its version. */
  update(entity: StoredEntity, properties: Record<string, unknown>): void {
    entity.properties = properties;
    entity.version += 1;
  }

  /** Deletes an entity, everything contained below it, and every link to either. */
  delete(path: string, collectionPath?: string): void {
    const entity = this.entities.get(path);
    if (!entity) return;
    if (collectionPath !== undefined) this.collections.get(collectionPath)?.delete(entity.key);
    const below = `${path}/`;
    for (const candidate of [...this.entities.keys()]) {
      if (candidate === path || candidate.startsWith(below)) {
        this.entities.delete(candidate);
        this.dropInbound(candidate);
      }
    }
    for (const collection of [...this.collections.keys()]) if (collection.startsWith(below)) this.collections.delete(collection);
    for (const navigation of [...this.links.keys()]) if (navigation.startsWith(below)) this.clearLinks(navigation);
  }

  getLinks(navigationPath: string): ReadonlyMap<string, string> {
    return this.links.get(navigationPath) ?? new Map();
  }

  addLink(navigationPath: string, key: string, targetPath: string): void {
    let set = this.links.get(navigationPath);
    if (!set) this.links.set(navigationPath, (set = new Map()));
    set.set(key, targetPath);
    let sources = this.inbound.get(targetPath);
    if (!sources) this.inbound.set(targetPath, (sources = new Set()));
    sources.add(navigationPath);
  }

  removeLink(navigationPath: string, key: string): boolean {
    const set = this.links.get(navigationPath);
    const target = set?.get(key);
    if (!set || target === undefined) return false;
    set.delete(key);
    this.inbound.get(target)?.delete(navigationPath);
    return true;
  }

  private clearLinks(navigationPath: string): void {
    for (const key of [...this.getLinks(navigationPath).keys()]) this.removeLink(navigationPath, key);
    this.links.delete(navigationPath);
  }

  private dropInbound(targetPath: string): void {
    for (const navigationPath of this.inbound.get(targetPath) ?? []) {
      const set = this.links.get(navigationPath);
      if (!set) continue;
      for (const [key, target] of set) if (target === targetPath) set.delete(key);
    }
    this.inbound.delete(targetPath);
  }
}
