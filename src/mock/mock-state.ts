import type { AsyncRequestSettings } from '../odata/async/async-settings.js';
import { odataErrors, ODataError } from '../odata/errors.js';
import { subscriptionSets } from '../odata/subscriptions.js';
import { bindHandlers } from '../odata/handlers/bind-user-handlers.js';
import type { ExchangeRecord, ODataRequest, PipelineHost, PlannedFault, RequestAuthorizer, RequestHeaders, ServiceMount } from '../odata/exchange.js';
import { openApiOf } from '../odata/openapi.js';
import type { EdmDiff } from '../edm/diff/diff-models.js';
import { summaryLine } from '../edm/diff/render.js';
import { entityUrl, JsonText } from '../odata/response-json.js';
import type { ODataService } from '../odata/service.js';
import type { MemoryStore, StoreSnapshot } from '../store/memory-store.js';
import type { AdminGuard } from '../toolkit/admin-guard.js';
import type { Authorizer } from '../toolkit/auth.js';
import { planFault, type FaultRules } from '../toolkit/faults.js';
import { LIFECYCLE_EVENTS, type LifecycleEvent, type Notifications } from '../toolkit/notifications/notifications.js';
import type { DataLog } from '../toolkit/data-log.js';
import { SESSION_HEADER, type Session, type Sessions } from '../toolkit/sessions.js';
import { callerOf, Throttle } from '../toolkit/throttle.js';
import type { GeneratedData } from './generate-data.js';
import { loadFixtures, type FixtureFile, type LoadedFixture } from './seed-data.js';

/** Where a mock reports what its operator should know (Fastify's logger, in a server). */
export interface MockLog {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
}

// One running mock, without its transport: the services it serves, its sessions (stores and
// journals), fault rules, token checks and data file. It is what the request pipeline runs in
// (PipelineHost), and what the admin API and the in-process API act on: reset, load and dump
// are written once, here.

/** Where a service's metadata comes from, and the URL prefix it is served at (`` for the root). */
export type ServiceSource =
  | { prefix: string; bundled: string }
  | { prefix: string; metadataFile: string; fixturesFile?: string };

export interface MountedService extends ServiceMount {
  readonly prefix: string;
  /** Replaced in place by `serve --watch` when the metadata changes. */
  service: ODataService;
  /** The default session's store (every session has its own). */
  readonly store: MemoryStore;
  fixtures: LoadedFixture[];
  /** The startup dataset, to seed new sessions and resets with. */
  fixtureFile?: { file: string; content: FixtureFile };
  /** Data made by `--generate`, loaded after the fixtures (new sessions and resets get it too). */
  generated?: GeneratedData;
  readonly source: ServiceSource;
  /** What the last `serve --watch` reload changed for clients (`edmock diff`'s classes). */
  lastReload?: { at: string; file: string; diff: EdmDiff };
}

/** Entities for some collections, by full path (`/beta/deviceAppManagement/mobileApps`). */
export type EntitiesByCollection = Record<string, unknown[]>;

export interface LoadedEntity extends LoadedFixture {
  '@odata.id': string;
}

export interface StoreDump {
  entities: Record<string, unknown>[];
  links: Record<string, string>[];
}

export class MockState implements PipelineHost {
  /** The --data file the default session's stores were read from at startup. */
  restoredFrom: string | undefined;
  /** `asyncRequests` of the options (docs/async.md); the pipeline's defaults when none were given. */
  asyncRequests: AsyncRequestSettings | undefined;
  /** Throttling limits (`--throttle`, `/_edmock/throttle`): the server's, whatever the session. None in force by default. */
  throttling = new Throttle();
  /** Change notifications (docs/notifications.md): set only when a service has Graph's subscriptions set. */
  subscriptions?: Notifications;
  /** Makes the change notifications, for a service that gets Graph's subscriptions set by a reload. */
  startNotifications?: () => Notifications;
  /** How long delta query tokens stay good (`--delta-retention`); undefined: Graph's 7 days. */
  deltaRetentionMs: number | undefined;

  constructor(
    readonly services: MountedService[],
    readonly sessions: Sessions,
    readonly faults: FaultRules,
    /** Service prefix -> token check, when auth is on. */
    readonly authorizers: Map<string, Authorizer> | undefined,
    /** Who may use the admin API. */
    readonly adminGuard: AdminGuard,
    readonly dataLog: DataLog | undefined,
    readonly pageSize: number,
    readonly batchLimit: number,
    private readonly log: MockLog,
  ) {}

  get defaultSession(): Session {
    return this.sessions.default;
  }

  session(headers: RequestHeaders): Session {
    return this.sessions.get(headers[SESSION_HEADER]);
  }

  fault(request: ODataRequest, session: Session, path: string): PlannedFault | undefined {
    return planFault(this.faults, request.headers, request.method, path, session.id);
  }

  authorizer(prefix: string): RequestAuthorizer | undefined {
    return this.authorizers?.get(prefix);
  }

  throttle(request: ODataRequest, _prefix: string, path: string, claims: unknown): ODataError | undefined {
    if (!this.throttling.active) return undefined;
    const authorization = request.headers.authorization;
    return this.throttling.check(request.method, path, callerOf(typeof authorization === 'string' ? authorization : undefined, claims));
  }

  /**
   * The default session's stores are what --data keeps: a write to them is answered once it is
   * on disk (the promise), or at once when it is already, or when --data is off.
   */
  written(session: Session): Promise<void> | undefined {
    return this.dataLog !== undefined && session === this.sessions.default ? this.dataLog.durable() : undefined;
  }

  record(session: Session, exchange: ExchangeRecord): void {
    session.journal.record(exchange);
  }

  failed(error: unknown, request: ODataRequest): void {
    this.log.error({ err: error, reqId: request.requestId }, 'request failed');
  }

  /** The form is documented as not implemented: the message says which, a stack would say nothing more. */
  unimplemented(error: ODataError, request: ODataRequest): void {
    this.log.warn({ reqId: request.requestId, method: request.method, url: request.url }, error.message);
  }

  /** Puts a user's handler module in force for every service (serve --watch, when its file changes); a module of the wrong shape throws and changes nothing. */
  useHandlers(handlers: unknown, source: string): void {
    const userHandlers = bindHandlers(handlers, source);
    for (const slot of this.services) slot.userHandlers = userHandlers;
  }

  /** The service a full path (`/beta/deviceAppManagement/...`) is under: the longest prefix that fits. */
  serviceAt(path: string): MountedService | undefined {
    let best: MountedService | undefined;
    for (const s of this.services) {
      if ((path === s.prefix || path.startsWith(`${s.prefix}/`)) && (!best || s.prefix.length > best.prefix.length)) best = s;
    }
    return best;
  }

  /** Every store of the session back to the startup dataset, and its journal emptied; settles once that is on disk (--data). */
  reset(session: Session): Promise<void> | undefined {
    this.sessions.reset(session);
    return this.written(session);
  }

  /**
   * Creates entities as POSTs would (validated), in the collections given by full path, all of
   * them or none: every store touched is put back as it was when one entity fails.
   */
  load(session: Session, collections: EntitiesByCollection, source: string, origin = ''): LoadedEntity[] {
    const byService = this.groupByService(session, collections);
    // Undone change by change (as a `$batch` change set is), not by a snapshot: that costs what
    // the load wrote, and keeps an undone load out of the --data log.
    const transactions = [...byService.values()].map((group) => group.store.begin());
    const loaded: LoadedEntity[] = [];
    try {
      for (const [slot, group] of byService) {
        for (const fixture of loadFixtures(slot.service, group.store, group.fixtures, source)) {
          loaded.push({ ...fixture, collection: `${slot.prefix}${fixture.collection}`, '@odata.id': `${origin}${slot.prefix}${fixture.collection}/${encodeURIComponent(fixture.id)}` });
        }
      }
    } catch (error) {
      for (const transaction of transactions) transaction.rollback();
      throw error;
    }
    for (const transaction of transactions) transaction.commit();
    // Subscriptions loaded into a store nobody watched yet notify from now on.
    this.subscriptions?.resumeSession(session, [...byService.keys()]);
    void this.written(session);
    return loaded;
  }

  /** Grouped by service first, so that a path naming no service fails before anything is written. */
  private groupByService(session: Session, collections: EntitiesByCollection): Map<MountedService, { store: MemoryStore; fixtures: FixtureFile }> {
    const byService = new Map<MountedService, { store: MemoryStore; fixtures: FixtureFile }>();
    for (const [path, entities] of Object.entries(collections)) {
      if (!Array.isArray(entities)) throw odataErrors.invalidAdminRequest(`'${path}' must map to an array of entities.`, path);
      const slot = this.serviceAt(path);
      if (!slot) throw odataErrors.invalidAdminRequest(`'${path}' is not under any service (${this.services.map((s) => s.prefix || '/').join(', ')}).`, path);
      let group = byService.get(slot);
      if (!group) byService.set(slot, (group = { store: session.storeOf(slot.prefix), fixtures: {} }));
      group.fixtures[path.slice(slot.prefix.length)] = entities;
    }
    return byService;
  }

  /**
   * The OpenAPI description of the service named (`beta`) or mounted at the prefix (`/beta`),
   * served at `origin`. Converted on first ask and kept with the service (a `--watch` reload
   * replaces the service, and so the description): the whole Graph metadata takes seconds.
   */
  openApi(service: string, origin: string): JsonText {
    const slot = this.services.find((s) => s.prefix === (service.startsWith('/') ? service : `/${service}`))
      ?? this.services.find((s) => s.service.name === service);
    if (slot === undefined) throw odataErrors.serviceNotServed(service, this.services.map((s) => s.prefix || '/'));
    const serverUrl = `${origin}${slot.prefix}`;
    let byUrl = openApiCache.get(slot.service);
    if (byUrl === undefined) openApiCache.set(slot.service, (byUrl = new Map<string, JsonText>()));
    let text = byUrl.get(serverUrl);
    if (text === undefined) {
      const { document, warnings } = openApiOf(slot.service.metadataXml, serverUrl);
      if (warnings.length > 0) this.log.warn({ service: slot.prefix || '/', warnings: warnings.slice(0, 20) }, `the OpenAPI converters warned ${warnings.length} time(s)`);
      byUrl.set(serverUrl, (text = new JsonText(JSON.stringify(document))));
    }
    return text;
  }

  /** Per mounted service, what its last `--watch` reload changed for clients; null where none happened. */
  reloads(): Record<string, unknown> {
    return Object.fromEntries(this.services.map((s) => [s.prefix || '/', s.lastReload === undefined ? null : {
      at: s.lastReload.at, file: s.lastReload.file, summary: summaryLine(s.lastReload.diff), counts: s.lastReload.diff.counts, changes: s.lastReload.diff.changes,
    }]));
  }

  // --- change notifications (docs/notifications.md) ---

  /** The session's subscriptions, as the admin API lists them (none where no service has Graph's subscriptions set). */
  subscriptionList(session: Session): Record<string, unknown>[] {
    return this.subscriptions?.list(session) ?? [];
  }

  /** Sends a lifecycle notification of a subscription (`{"event": "missed"}`), as Graph would; answers what was queued. */
  subscriptionLifecycle(session: Session, id: string, body: unknown): Record<string, unknown> {
    const event = (body as { event?: unknown } | null)?.event;
    if (typeof event !== 'string' || !(LIFECYCLE_EVENTS as readonly string[]).includes(event)) {
      throw odataErrors.invalidAdminRequest(`'event' is one of ${LIFECYCLE_EVENTS.join(', ')}.`, 'event');
    }
    if (this.subscriptions === undefined) throw odataErrors.subscriptionNotFound(id);
    return this.subscriptions.lifecycle(session, id, event as LifecycleEvent);
  }

  /**
   * A `serve --watch` reload swapped a mount's service: change notifications follow its model. A
   * subscriptions set it brings gets them started (a create is validated, a subscription notifies);
   * one it removes leaves its subscriptions silent, and they are in force again if it comes back.
   */
  serviceReloaded(mount: MountedService): void {
    if (this.subscriptions === undefined && subscriptionSets(mount.service).size > 0) this.subscriptions = this.startNotifications?.();
    this.subscriptions?.serviceReloaded(mount, this.sessions.all());
  }

  // --- end of change notifications ---

  /** Each service's store as plain data. */
  snapshots(session: Session): Record<string, StoreSnapshot> {
    return Object.fromEntries([...session.stores].map(([prefix, store]) => [prefix || '/', store.snapshot()]));
  }

  /** The user-facing form of the stores: each entity as the services write it, with its canonical URL. */
  dump(session: Session, origin: string): Record<string, StoreDump> {
    const dump: Record<string, StoreDump> = {};
    for (const slot of this.services) {
      const snapshot = session.storeOf(slot.prefix).snapshot();
      const baseUrl = `${origin}${slot.prefix}`;
      dump[slot.prefix || '/'] = {
        entities: snapshot.entities.map((e) => ({ '@odata.id': entityUrl(baseUrl, e.path), '@odata.type': `#${e.type}`, '@odata.etag': `W/"${e.seq}-${e.version}"`, ...e.properties })),
        links: snapshot.links.map((l) => ({ navigation: entityUrl(baseUrl, l.navigation), '@odata.id': entityUrl(baseUrl, l.target) })),
      };
    }
    return dump;
  }
}

/** Service -> server URL -> its OpenAPI description as JSON text (a mock is reached by one or two origins). */
const openApiCache = new WeakMap<ODataService, Map<string, JsonText>>();

/** A load's failure as the admin API answers it: the entity's own findings, as a POST would give them. */
export function fixtureError(error: unknown, source: string): ODataError {
  if (error instanceof ODataError) return error;
  const message = (error as Error).message;
  const cause = (error as Error).cause;
  return odataErrors.fixtureRejected(message.startsWith(`${source}: `) ? message.slice(source.length + 2) : message, cause instanceof ODataError ? cause : undefined);
}
