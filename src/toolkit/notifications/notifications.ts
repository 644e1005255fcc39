import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { odataErrors } from '../../odata/errors.js';
import type { ExchangeRecord, RequestSession, ServiceMount, SubscriptionGate, SubscriptionWrite } from '../../odata/exchange.js';
import { GRAPH_SUBSCRIPTION_TYPE, subscriptionSets, watchedResource } from '../../odata/subscriptions.js';
import type { MemoryStore } from '../../store/memory-store.js';
import { Deliveries, outboundRecord, type QueuedNotification } from './deliveries.js';
import { handshakeError, VALIDATION_HEADERS, validationToken, validationUrl } from './handshake.js';
import { OutboundRequests } from './http-post.js';
import { resolveNotificationOptions, type NotificationOptions, type ResolvedNotificationOptions } from './options.js';
import { hears, resourceOf, StoreWatch, type ActiveSubscription, type ResourceChange } from './store-watch.js';
import { termsOf } from './subscription-checks.js';

// Graph's change notifications through webhooks (docs/notifications.md): the pipeline's gate for
// writes to a subscriptions set (the checks, then the validation request of each endpoint), the
// watches of the stores that hold subscriptions, the notifications their changes make, the
// lifecycle notifications the admin API triggers, and the deliveries. One per mock.

export const LIFECYCLE_EVENTS = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

export class Notifications implements SubscriptionGate {
  readonly options: ResolvedNotificationOptions;
  private readonly outbound = new OutboundRequests();
  private readonly deliveries: Deliveries;
  private readonly watches = new Map<MemoryStore, StoreWatch>();

  constructor(options: NotificationOptions | undefined, private readonly record: (session: RequestSession, record: ExchangeRecord) => void) {
    this.options = resolveNotificationOptions(options);
    this.deliveries = new Deliveries(this.options, this.outbound, record, (session, items) => this.missed(session, items));
  }

  admit(write: SubscriptionWrite): unknown {
    if (write.method === 'DELETE') return undefined;
    const body = write.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined; // the handler's own 400
    const sent = body as Record<string, unknown>;
    if (write.existing !== undefined) refuseFixedChanges(sent, write.existing.properties);
    const properties = write.existing === undefined || write.method === 'PUT' ? sent : { ...write.existing.properties, ...sent };
    if (typeof properties.resource !== 'string' || properties.resource === '') throw odataErrors.subscriptionInvalid('resource is a required property for subscription creation.', 'resource');
    const terms = termsOf(properties, watchedResource(write.mount.service, write.store, properties.resource), this.options);
    const id = write.existing?.id ?? randomUUID();
    const endpoints: URL[] = [];
    // Graph validates each endpoint it is given: both on a create, a new notificationUrl on an update.
    if (write.existing === undefined || (sent.notificationUrl !== undefined && sent.notificationUrl !== write.existing.properties.notificationUrl)) endpoints.push(terms.notificationUrl);
    if (write.existing === undefined && terms.lifecycleNotificationUrl !== undefined) endpoints.push(terms.lifecycleNotificationUrl);
    const admitted = write.existing === undefined ? { ...sent, ...this.serverSet(write.mount, sent, id) } : sent;
    if (endpoints.length === 0) {
      this.watch(write.session, write.mount, write.store);
      return admitted;
    }
    return this.validateAll(write.session, endpoints, id).then(() => {
      this.watch(write.session, write.mount, write.store);
      return admitted;
    });
  }

  /**
   * Watches each store of a session that already holds subscriptions, however they got there
   * (restored from --data, the startup dataset of a new or reset session, loaded as fixtures):
   * a subscription in a store notifies.
   */
  resumeSession(session: RequestSession, mounts: readonly ServiceMount[]): void {
    for (const mount of mounts) {
      const store = session.storeOf(mount.prefix);
      if ([...subscriptionSets(mount.service)].some((set) => store.memberCountOf(set) > 0)) this.watch(session, mount, store);
    }
  }

  /**
   * A mount's service was swapped (`serve --watch`): the watches of its stores are made again
   * against the new model, in every session, where it still has a subscriptions set.
   */
  serviceReloaded(mount: ServiceMount, sessions: readonly RequestSession[]): void {
    for (const watch of [...this.watches.values()]) if (watch.mount === mount) this.unwatch(watch);
    for (const session of sessions) this.resumeSession(session, [mount]);
  }

  /** The subscriptions of a session, for the admin API. */
  list(session: RequestSession): Record<string, unknown>[] {
    const now = Date.now();
    return this.watchesOf(session).flatMap((watch) => [...watch.subscriptions.values()].map((s) => ({
      id: s.id, service: watch.mount.prefix || '/', resource: s.resource, changeType: [...s.changeTypes].join(','),
      notificationUrl: s.notificationUrl.href, lifecycleNotificationUrl: s.lifecycleNotificationUrl?.href ?? null,
      expirationDateTime: s.expirationText, expired: s.expiration <= now,
    })));
  }

  /**
   * Sends a lifecycle notification (Graph's payload: subscriptionId, subscriptionExpirationDateTime,
   * tenantId, clientState, lifecycleEvent) to the subscription's lifecycleNotificationUrl; after
   * `subscriptionRemoved` the subscription is gone, as Graph has removed it.
   */
  lifecycle(session: RequestSession, id: string, event: LifecycleEvent): Record<string, unknown> {
    const found = this.find(session, id);
    if (found === undefined) throw odataErrors.subscriptionNotFound(id);
    const { watch, subscription } = found;
    if (subscription.lifecycleNotificationUrl === undefined) {
      throw odataErrors.invalidAdminRequest(`The subscription '${id}' has no lifecycleNotificationUrl: Graph sends lifecycle notifications only to one given at creation.`, 'event');
    }
    const payload = this.lifecyclePayload(subscription, event);
    this.deliveries.enqueue(session, subscription.lifecycleNotificationUrl, 'lifecycle', { subscriptionId: id, payload });
    if (event === 'subscriptionRemoved') watch.store.delete(subscription.path);
    return payload;
  }

  /** A session ended: its watches stop and what it had queued is dropped. */
  forgetSession(id: string): void {
    for (const watch of [...this.watches.values()]) if (watch.session.id === id) this.unwatch(watch);
    this.deliveries.forgetSession(id);
  }

  /** The server is closing: no timer, listener or request of ours is left behind. */
  close(): void {
    for (const watch of [...this.watches.values()]) this.unwatch(watch);
    this.deliveries.close();
    this.outbound.abortAll();
  }

  /** What Graph sets on a new subscription, where the model declares it. */
  private serverSet(mount: ServiceMount, sent: Record<string, unknown>, id: string): Record<string, unknown> {
    const declared = mount.service.entityTypes.get(GRAPH_SUBSCRIPTION_TYPE)?.properties;
    const set: Record<string, unknown> = { id };
    const fill = (name: string, value: unknown): void => {
      if (declared?.has(name)) set[name] = value;
    };
    fill('applicationId', this.options.applicationId);
    fill('creatorId', this.options.creatorId);
    // Graph: "Microsoft Graph defaults the property to v1_2".
    fill('latestSupportedTlsVersion', sent.latestSupportedTlsVersion ?? 'v1_2');
    return set;
  }

  private async validateAll(session: RequestSession, endpoints: URL[], id: string): Promise<void> {
    for (const endpoint of endpoints) {
      const token = validationToken();
      const url = validationUrl(endpoint, token);
      const started = performance.now();
      const result = await this.outbound.post(url, VALIDATION_HEADERS, '', this.options.handshakeTimeoutMs);
      const error = handshakeError(result, token);
      const outbound = { kind: 'validation' as const, attempt: 1, subscriptionIds: [id], ...(error === undefined ? {} : { failure: error.message }) };
      if ('answer' in result && result.answer.body !== '') Object.assign(outbound, { responseBody: result.answer.body.slice(0, 1024) });
      this.record(session, outboundRecord(url, VALIDATION_HEADERS, '', result, performance.now() - started, outbound));
      if (error !== undefined) throw error;
    }
  }

  private watch(session: RequestSession, mount: ServiceMount, store: MemoryStore): void {
    if (this.watches.has(store)) return;
    this.watches.set(store, new StoreWatch(session, mount, store, (watch, change) => this.heard(watch, change), (watch) => this.unwatch(watch)));
  }

  private unwatch(watch: StoreWatch): void {
    watch.stop();
    this.watches.delete(watch.store);
  }

  private watchesOf(session: RequestSession): StoreWatch[] {
    return [...this.watches.values()].filter((watch) => watch.session.id === session.id && subscriptionSets(watch.mount.service).size > 0);
  }

  private find(session: RequestSession, id: string): { watch: StoreWatch; subscription: ActiveSubscription } | undefined {
    for (const watch of this.watchesOf(session)) {
      const subscription = watch.subscriptions.get(id);
      if (subscription !== undefined) return { watch, subscription };
    }
    return undefined;
  }

  /** A change of the store: one changeNotification per subscription that hears it, queued for its endpoint. */
  private heard(watch: StoreWatch, change: ResourceChange): void {
    const now = Date.now();
    for (const subscription of watch.subscriptions.values()) {
      if (!hears(subscription, change, now)) continue;
      const resource = resourceOf(change.path);
      const payload = {
        subscriptionId: subscription.id, subscriptionExpirationDateTime: subscription.expirationText, changeType: change.changeType, resource,
        resourceData: { '@odata.type': `#${change.type}`, '@odata.id': resource, id: change.key },
        clientState: subscription.clientState, tenantId: this.options.tenantId,
      };
      this.deliveries.enqueue(watch.session, subscription.notificationUrl, 'notification', { subscriptionId: subscription.id, payload });
    }
  }

  private lifecyclePayload(subscription: ActiveSubscription, event: LifecycleEvent): Record<string, unknown> {
    return {
      subscriptionId: subscription.id, subscriptionExpirationDateTime: subscription.expirationText, tenantId: this.options.tenantId,
      clientState: subscription.clientState, lifecycleEvent: event,
    };
  }

  /** Notifications given up on: Graph's `missed` lifecycle event, to each subscription that has a lifecycle endpoint. */
  private missed(session: RequestSession, items: QueuedNotification[]): void {
    for (const id of new Set(items.map((item) => item.subscriptionId))) {
      const subscription = this.find(session, id)?.subscription;
      if (subscription?.lifecycleNotificationUrl === undefined) continue;
      this.deliveries.enqueue(session, subscription.lifecycleNotificationUrl, 'lifecycle', { subscriptionId: id, payload: this.lifecyclePayload(subscription, 'missed') });
    }
  }
}

/** What an update may change: Graph's subscription Update renews expirationDateTime and/or moves notificationUrl. */
const UPDATABLE = new Set(['expirationDateTime', 'notificationUrl']);

/**
 * An update that would change anything else (resource, changeType, clientState, ...) is refused:
 * the subscription would start hearing something it was never validated or created for. The same
 * value sent back (a client that PATCHes the whole object) is no change. Graph's wording for this
 * refusal is not documented; the message is edmock's own.
 */
function refuseFixedChanges(sent: Record<string, unknown>, stored: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(sent)) {
    if (UPDATABLE.has(name) || name.startsWith('@') || JSON.stringify(value) === JSON.stringify(stored[name])) continue;
    throw odataErrors.subscriptionInvalid(`'${name}' cannot be changed: an update of a subscription renews its expirationDateTime or changes its notificationUrl.`, name);
  }
}
