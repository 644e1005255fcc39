import type { RequestSession, ServiceMount } from '../../odata/exchange.js';
import { subscriptionSets, watchedResource, type WatchedResource } from '../../odata/subscriptions.js';
import type { MemoryStore, StoreChange } from '../../store/memory-store.js';
import { splitMemberPath } from '../../store/store-paths.js';
import { changeTypesOf, endpointOf } from './subscription-checks.js';

// The subscriptions of one store (a session's store for one service) and the changes they hear.
// A watch exists only while its store holds subscriptions: it listens to the store
// (MemoryStore.listen), so a store without subscriptions pays nothing. The subscriptions are the
// entities of the store's subscriptions sets, followed through the same changes: a create, a
// renewal (PATCH), a DELETE or a reset is heard like any other write, whichever way it came.

export interface ActiveSubscription {
  id: string;
  /** Canonical store path of the subscription entity. */
  path: string;
  resource: string;
  watched: WatchedResource;
  changeTypes: Set<string>;
  notificationUrl: URL;
  lifecycleNotificationUrl: URL | undefined;
  clientState: string | null;
  expiration: number;
  /** expirationDateTime as stored, for subscriptionExpirationDateTime. */
  expirationText: string;
}

/** A change of a watched resource, as notifications report it. */
export interface ResourceChange {
  changeType: 'created' | 'updated' | 'deleted';
  /** Canonical store path of the entity, and the collection it is a member of (if it is one). */
  path: string;
  collection: string | undefined;
  type: string;
  key: string;
}

export class StoreWatch {
  readonly subscriptions = new Map<string, ActiveSubscription>();
  private readonly unlisten: () => void;

  constructor(
    readonly session: RequestSession,
    readonly mount: ServiceMount,
    readonly store: MemoryStore,
    private readonly heardChange: (watch: StoreWatch, change: ResourceChange) => void,
    private readonly emptied: (watch: StoreWatch) => void,
  ) {
    this.unlisten = store.listen((change) => this.heard(change));
    // Subscriptions already there (restored from --data, loaded as fixtures) are watched too.
    for (const set of subscriptionSets(mount.service)) for (const entity of store.members(set)) this.track(entity.key, entity.path, entity.properties);
    this.scheduleExpiry();
  }

  stop(): void {
    this.unlisten();
    clearTimeout(this.expiryTimer);
  }

  /**
   * Graph deletes a subscription that was not renewed in time: a timer (unref'd) at the earliest
   * expiration deletes the expired ones from the store, as a DELETE would, and is set again after
   * each change of the subscriptions. It never fires inside a request: writes run synchronously.
   */
  private expiryTimer: NodeJS.Timeout | undefined;

  private scheduleExpiry(): void {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    let earliest = Infinity;
    for (const subscription of this.subscriptions.values()) earliest = Math.min(earliest, subscription.expiration);
    if (earliest === Infinity) return;
    // setTimeout holds at most 2^31 - 1 ms (24.8 days; Graph allows up to 30): a longer wait is set again when it fires.
    this.expiryTimer = setTimeout(() => this.expire(), Math.min(Math.max(earliest - Date.now(), 0), 2 ** 31 - 1));
    this.expiryTimer.unref();
  }

  private expire(): void {
    const now = Date.now();
    const expired = [...this.subscriptions.values()].filter((subscription) => subscription.expiration <= now);
    for (const subscription of expired) this.store.delete(subscription.path);
    if (expired.length === 0) this.scheduleExpiry();
  }

  private heard(change: StoreChange): void {
    const sets = subscriptionSets(this.mount.service);
    switch (change.op) {
      case 'clear':
        this.subscriptions.clear();
        this.scheduleExpiry();
        break;
      case 'insert':
        if (sets.has(change.collection)) this.tracked(change.key, change.path, change.properties);
        else this.heardChange(this, { changeType: 'created', path: change.path, collection: change.collection, type: change.type, key: change.key });
        break;
      case 'single':
        this.heardChange(this, { changeType: 'created', path: change.path, collection: undefined, type: change.type, key: change.key });
        break;
      case 'update': {
        const member = splitMemberPath(change.path);
        if (member !== undefined && sets.has(member.collectionPath)) this.tracked(member.key, change.path, change.properties);
        else this.changed('updated', change.path, member?.collectionPath, undefined);
        break;
      }
      case 'delete': {
        const member = splitMemberPath(change.path);
        if (member !== undefined && sets.has(member.collectionPath)) this.untracked(member.key);
        else this.changed('deleted', change.path, member?.collectionPath, change.type);
        break;
      }
      default:
        break; // links: Graph's directory notifications for membership changes are not reproduced
    }
    if (this.subscriptions.size === 0) this.emptied(this);
  }

  private changed(changeType: 'updated' | 'deleted', path: string, collection: string | undefined, deletedType: string | undefined): void {
    const entity = deletedType === undefined ? this.store.get(path) : undefined;
    const type = deletedType ?? entity?.type;
    if (type === undefined) return;
    const key = entity?.key ?? splitMemberPath(path)?.key ?? path.slice(path.lastIndexOf('/') + 1);
    this.heardChange(this, { changeType, path, collection, type, key });
  }

  private tracked(id: string, path: string, properties: Record<string, unknown>): void {
    this.track(id, path, properties);
    this.scheduleExpiry();
  }

  private untracked(id: string): void {
    this.subscriptions.delete(id);
    this.scheduleExpiry();
  }

  /** A subscription entity as stored: what it watches and where it notifies; one that cannot be read (loaded as a fixture, say) watches nothing. */
  private track(id: string, path: string, properties: Record<string, unknown>): void {
    try {
      const resource = String(properties.resource);
      const expirationText = String(properties.expirationDateTime);
      this.subscriptions.set(id, {
        id, path, resource,
        watched: watchedResource(this.mount.service, this.store, resource),
        changeTypes: changeTypesOf(String(properties.changeType)),
        notificationUrl: endpointOf(String(properties.notificationUrl), 'notificationUrl'),
        lifecycleNotificationUrl: typeof properties.lifecycleNotificationUrl === 'string' ? endpointOf(properties.lifecycleNotificationUrl, 'lifecycleNotificationUrl') : undefined,
        clientState: typeof properties.clientState === 'string' ? properties.clientState : null,
        expiration: Date.parse(expirationText),
        expirationText,
      });
    } catch {
      this.subscriptions.delete(id);
    }
  }
}

/** Whether a subscription hears a change: the collection it watches holds the entity, or it watches the entity itself. */
export function hears(subscription: ActiveSubscription, change: ResourceChange, now: number): boolean {
  if (!subscription.changeTypes.has(change.changeType) || subscription.expiration <= now) return false;
  const { watched } = subscription;
  return watched.kind === 'collection' ? change.collection === watched.path : change.path === watched.path;
}

/**
 * A canonical path as Graph writes a notification's `resource` and `@odata.id`: keys as segments
 * (`users('a')/messages('m')` -> `users/a/messages/m`). Graph's services differ in case (Outlook
 * writes `Users/{id}/Messages/{id}`); edmock writes the model's names.
 */
export function resourceOf(path: string): string {
  return path.split('/').map((segment) => {
    const open = segment.indexOf('(');
    if (open < 0 || !segment.endsWith(')')) return segment;
    const literal = segment.slice(open + 1, -1);
    if (literal.includes('=')) return segment; // a composite key keeps its parentheses
    const key = literal.startsWith("'") && literal.endsWith("'") ? literal.slice(1, -1).replace(/''/g, "'") : literal;
    return `${segment.slice(0, open)}/${key}`;
  }).join('/');
}
