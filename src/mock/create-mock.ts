import { existsSync } from 'node:fs';
import path from 'node:path';
import { bindHandlers } from '../odata/handlers/bind-user-handlers.js';
import type { SomeHandlers } from '../odata/handlers/user-handlers.js';
import type { ServiceOptions } from '../odata/service.js';
import { packageRoot } from '../package-root.js';
import { MemoryStore } from '../store/memory-store.js';
import { AdminGuard } from '../toolkit/admin-guard.js';
import { asyncSettingsOf, type AsyncRequestOptions } from '../toolkit/async-requests.js';
import { Authorizer, checkPermissionTable, GRAPH_AUDIENCES, readPermissionTable, type PermissionTable } from '../toolkit/auth.js';
import { FaultRules, type FaultRuleInput } from '../toolkit/faults.js';
import { DEFAULT_JOURNAL_BODY_LIMIT, DEFAULT_JOURNAL_MAX_BYTES, JournalBudget } from '../toolkit/journal-budget.js';
import { DataLog, DEFAULT_COMPACT_BYTES, type DataSync } from '../toolkit/data-log.js';
import { dataFileError, recoverDataFile } from '../toolkit/persistence.js';
import { Throttle } from '../toolkit/throttle.js';
import type { ThrottleRuleInput } from '../toolkit/throttle-rules.js';
import { Sessions, type Session } from '../toolkit/sessions.js';
import { Notifications } from '../toolkit/notifications/notifications.js';
import type { NotificationOptions } from '../toolkit/notifications/options.js';
import { subscriptionSets } from '../odata/subscriptions.js';
import { loadGeneratedService, loadServiceFromEdmx } from './load-service.js';
import { MockState, type MockLog, type MountedService, type ServiceSource } from './mock-state.js';
import { generateData, type GenerateOptions } from './generate-data.js';
import { createSingletons, loadFixtures, readFixtureFile, type LoadedFixture } from './seed-data.js';

// Building a MockState from options: the services loaded and seeded, the sessions, the fault
// rules, the token checks and the data file restored. Everything a server needs except HTTP.

/** edmock's admin API lives under this prefix; no service may be mounted at or under it. */
export const ADMIN_PREFIX = '/_edmock';

export const DEFAULT_PAGE_SIZE = 100;
/** Graph's limit of requests in one JSON batch. */
export const DEFAULT_BATCH_LIMIT = 20;
export const DEFAULT_JOURNAL_SIZE = 1000;
/** Graph: delta tokens of directory objects are good for seven days (delta query overview, Token duration). */
export const DEFAULT_DELTA_RETENTION_SECONDS = 7 * 24 * 60 * 60;
export const DEFAULT_MAX_SESSIONS = 1000;
/** Journals are kept per session in memory: a million entries is already hundreds of MB. */
export const MAX_JOURNAL_SIZE = 1_000_000;

export interface MockOptions extends ServiceOptions {
  /** Default: the bundled services of metadata/ (beta and v1.0) at /beta and /v1.0. */
  services?: ServiceSource[];
  /** Server-driven page size of collections. Default 100. */
  pageSize?: number;
  /** Most requests one `$batch` may hold. Default 20, Graph's limit; 0 for none. */
  batchLimit?: number;
  /** Seconds a delta query's tokens stay good (docs/delta.md). Default 7 days, Graph's for directory objects. */
  deltaRetentionSeconds?: number;
  /** Load the startup dataset (fixtures/<service>.json for bundled services). Default true. */
  fixtures?: boolean;
  /**
   * Generated data for every service, after its fixtures (mock/generate-data.ts): `count`
   * entities per entity set and per containment navigation at each level, the same for the same `seed`.
   */
  generate?: GenerateOptions;
  /**
   * Keep the default session's stores in this file across restarts (toolkit/persistence.ts).
   * A file that is not one edmock wrote stops the start.
   */
  dataFile?: string;
  /**
   * When a write to the data file is on disk before it is answered: 'group' (the default) syncs
   * the writes that arrive together once, 'always' syncs each one on its own.
   */
  dataSync?: DataSync;
  /** Bytes a data file's log grows to before it is folded into the snapshot (at least the snapshot's size). Default 16 MiB. */
  dataCompactBytes?: number;
  /** Entries a journal keeps (per session). Default 1000; 0 records nothing. */
  journalSize?: number;
  /** Bytes of each request body a journal entry keeps; a longer one is cut and marked. Default 64 KiB. */
  journalBodyLimit?: number;
  /** Bytes the journals of all sessions keep together; past it the oldest entries go. Default 64 MiB. */
  journalMaxBytes?: number;
  /** Named sessions kept at once; a new one past it ends the least recently used. Default 1000. */
  maxSessions?: number;
  /** Fault rules in force from the start, and the seed of their random draws. */
  faults?: { seed?: number; rules?: FaultRuleInput[] };
  /**
   * Require a bearer token, and check its scopes against permission tables: one for every
   * service, one per service prefix, or (true, or no `permissions`) each service's
   * `<service>.permissions.json` beside its metadata, where there is one (docs import writes it).
   */
  auth?: boolean | {
    permissions?: PermissionTable | Record<string, PermissionTable>;
    /** The `aud` values a token may carry. Default Graph's: `https://graph.microsoft.com` and its application id. */
    audience?: string | string[];
  };
  /**
   * A secret that opens the admin API (`Authorization: Bearer <secret>`); with it, or with
   * `auth`, the admin API is closed to everyone else (toolkit/admin-guard.ts).
   */
  adminToken?: string;
  /**
   * Answers of operations and hooks around the CRUD of entity sets (docs/handlers.md), for every
   * service; `serve --handlers FILE` loads them from a module's default export.
   */
  handlers?: SomeHandlers;
  /**
   * Asynchronous requests (Protocol §11.6, docs/async.md): actions that send `Prefer: respond-async`
   * are answered `202 Accepted` with a status monitor; `requests` marks others the same way, and
   * the monitor answers 202 `pendingPolls` times (default 1) with `Retry-After: retryAfter` (default 1).
   */
  asyncRequests?: AsyncRequestOptions;
  /**
   * Throttling limits in force from the start (docs/throttling.md): `{ rules: [...] }`, or
   * `{ preset: 'graph' }` for the limits Graph publishes; `source` names them in
   * `GET /_edmock/throttle`. `clock` (milliseconds) lets a test move time instead of waiting.
   */
  throttle?: { rules?: ThrottleRuleInput[]; preset?: string; source?: string; clock?: () => number };
  /** Change notifications (docs/notifications.md), where a service has Graph's subscriptions set: timeouts, batching window, retries, expiry limits. */
  notifications?: NotificationOptions;
}

export const bundledServices = (): ServiceSource[] => [
  { prefix: '/beta', bundled: 'beta' },
  { prefix: '/v1.0', bundled: 'v1.0' },
];

export async function createMockState(options: MockOptions, log: MockLog): Promise<MockState> {
  const mounted = await mountServices(options);
  if (options.handlers !== undefined) {
    const userHandlers = bindHandlers(options.handlers, 'handlers');
    for (const slot of mounted) slot.userHandlers = userHandlers;
  }
  const journalSize = options.journalSize ?? DEFAULT_JOURNAL_SIZE;
  if (!Number.isInteger(journalSize) || journalSize < 0 || journalSize > MAX_JOURNAL_SIZE) throw new Error(`journalSize: ${journalSize} is not a whole number from 0 to ${MAX_JOURNAL_SIZE}`);
  const defaultStores = new Map(mounted.map((m) => [m.prefix, m.store]));
  const faults = new FaultRules(options.faults?.seed ?? 1);
  for (const rule of options.faults?.rules ?? []) faults.add(rule);
  const sessions = new Sessions({
    prefixes: mounted.map((m) => m.prefix),
    journalSize,
    journalBudget: journalBudgetOf(options),
    maxSessions: wholeNumber('maxSessions', options.maxSessions ?? DEFAULT_MAX_SESSIONS, 1),
    newStore: () => new MemoryStore(),
    seed: (prefix, store) => { seedStore(mounted.find((m) => m.prefix === prefix) as MountedService, store); },
    ended: (id) => {
      faults.forgetSession(id);
      state.subscriptions?.forgetSession(id);
    },
    // Subscriptions of the startup dataset notify in every session that holds them, after a reset too.
    seeded: (session) => state.subscriptions?.resumeSession(session, mounted),
  }, defaultStores);
  const asyncRequests = options.asyncRequests === undefined ? undefined : asyncSettingsOf(options.asyncRequests);
  const authorizers = options.auth ? await authorizersOf(options.auth, mounted) : undefined;
  const adminGuard = new AdminGuard(options.adminToken, authorizers?.values().next().value);
  let dataLog: DataLog | undefined;
  let restoredFrom: string | undefined;
  if (options.dataFile !== undefined) {
    const recovered = await restoreDataFile(options.dataFile, mounted);
    restoredFrom = recovered === undefined ? undefined : options.dataFile;
    dataLog = openDataLog(options, recovered?.newest ?? 0, defaultStores, log);
  }
  const state = new MockState(mounted, sessions, faults, authorizers, adminGuard, dataLog, options.pageSize ?? DEFAULT_PAGE_SIZE, batchLimitOf(options), log);
  state.restoredFrom = restoredFrom;
  state.asyncRequests = asyncRequests;
  state.throttling = throttlingOf(options.throttle);
  // Change notifications exist only where a service has Graph's subscriptions set (a mock without
  // one pays nothing): made now, or when a `--watch` reload brings one (MockState.serviceReloaded).
  state.startNotifications = () => new Notifications(options.notifications, (session, record) => state.record(session as Session, record));
  if (mounted.some((m) => subscriptionSets(m.service).size > 0)) {
    state.subscriptions = state.startNotifications();
    state.subscriptions.resumeSession(sessions.default, mounted);
  }
  if (options.deltaRetentionSeconds !== undefined) state.deltaRetentionMs = wholeNumber('deltaRetentionSeconds', options.deltaRetentionSeconds, 0) * 1000;
  return state;
}

/** The limits a mock starts with; a bad rule is the catalog's invalidThrottleRule, thrown before the server exists. */
function throttlingOf(options: MockOptions['throttle']): Throttle {
  const throttling = new Throttle(options?.clock);
  if (options?.rules !== undefined || options?.preset !== undefined) {
    const { rules, preset } = options;
    throttling.configure({ ...(rules === undefined ? {} : { rules }), ...(preset === undefined ? {} : { preset }) }, options.source ?? 'createMockServer({ throttle })');
  }
  return throttling;
}

function wholeNumber(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name}: ${value} is not a whole number of ${min} or more`);
  return value;
}

function journalBudgetOf(options: MockOptions): JournalBudget {
  return new JournalBudget(
    wholeNumber('journalMaxBytes', options.journalMaxBytes ?? DEFAULT_JOURNAL_MAX_BYTES, 0),
    wholeNumber('journalBodyLimit', options.journalBodyLimit ?? DEFAULT_JOURNAL_BODY_LIMIT, 0),
  );
}

function batchLimitOf(options: MockOptions): number {
  const limit = options.batchLimit ?? DEFAULT_BATCH_LIMIT;
  if (!Number.isInteger(limit) || limit < 0) throw new Error(`batchLimit: ${limit} is not a whole number of 0 or more`);
  return limit;
}

async function mountServices(options: MockOptions): Promise<MountedService[]> {
  const root = packageRoot();
  const mounted: MountedService[] = [];
  const prefixes = new Set<string>();
  for (const source of options.services ?? bundledServices()) {
    const prefix = normalisePrefix(source.prefix);
    if (prefixes.has(prefix)) throw new Error(`two services share the prefix '${prefix || '/'}'`);
    prefixes.add(prefix);
    const service = 'bundled' in source
      ? await loadGeneratedService(path.join(root, 'generated'), source.bundled, options)
      : await loadServiceFromEdmx(source.metadataFile, options);
    const { entitySets, singletons } = service.model.container;
    const adminName = ADMIN_PREFIX.slice(1);
    if (prefix === '' && (Object.hasOwn(entitySets, adminName) || Object.hasOwn(singletons, adminName))) {
      throw new Error(`the service at the root has a resource named '${adminName}', which edmock reserves for its admin API: mount it at a prefix`);
    }
    const file = options.fixtures === false ? undefined : 'bundled' in source ? path.join(root, 'fixtures', `${source.bundled}.json`) : source.fixturesFile;
    const content = file ? await readFixtureFile(file) : undefined;
    const slot: MountedService = { prefix, service, store: new MemoryStore(), fixtures: [], source, ...(file && content ? { fixtureFile: { file, content } } : {}) };
    slot.fixtures = seedStore(slot, slot.store);
    if (options.generate) slot.generated = generateData(service, slot.store, options.generate);
    mounted.push(slot);
  }
  return mounted;
}

function normalisePrefix(prefix: string): string {
  const trimmed = prefix.trim().replace(/\/+$/, '');
  if (trimmed === ADMIN_PREFIX || trimmed.startsWith(`${ADMIN_PREFIX}/`)) throw new Error(`the service prefix '${prefix}' is taken: ${ADMIN_PREFIX} is edmock's admin API`);
  if (trimmed === '') return '';
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(trimmed.startsWith('/') ? trimmed : `/${trimmed}`)) throw new Error(`invalid service prefix '${prefix}'`);
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** Singletons, the startup fixtures of a service and its generated data, into an empty store. */
function seedStore(slot: MountedService, store: MemoryStore): LoadedFixture[] {
  createSingletons(slot.service, store);
  const loaded = slot.fixtureFile ? loadFixtures(slot.service, store, slot.fixtureFile.content, slot.fixtureFile.file) : [];
  if (slot.generated) loadFixtures(slot.service, store, slot.generated.fixtures, 'generated data');
  return loaded;
}

/**
 * The default session's stores as the data file and its logs hold them: the snapshot, then each
 * logged change replayed. Undefined when there is no file yet.
 */
async function restoreDataFile(file: string, mounted: MountedService[]): Promise<{ newest: number } | undefined> {
  const saved = await recoverDataFile(file);
  if (saved === undefined) return undefined;
  const slotOf = (prefix: string): MountedService => {
    const slot = mounted.find((m) => m.prefix === prefix);
    if (!slot) throw dataFileError(file, `it holds a store for '${prefix}', which is not served now`);
    return slot;
  };
  const checkType = (slot: MountedService, entity: { path: string; type: string }): void => {
    if (!slot.service.entityTypes.has(entity.type)) throw dataFileError(file, `the entity ${entity.path} is a '${entity.type}', which the metadata of '${slot.prefix || '/'}' does not declare`);
  };
  for (const [prefix, snapshot] of saved.services) {
    const slot = slotOf(prefix);
    for (const entity of snapshot.entities) checkType(slot, entity);
    slot.store.restore(snapshot);
  }
  for (const [index, { store, change }] of saved.records.entries()) {
    const slot = slotOf(store);
    if (change.op === 'insert' || change.op === 'single') checkType(slot, change);
    try {
      slot.store.apply(change);
    } catch (error) {
      throw dataFileError(file, `logged change ${index + 1} (${change.op}) does not fit the store: ${(error as Error).message}`);
    }
  }
  return { newest: saved.newest };
}

function openDataLog(options: MockOptions, newest: number, stores: Map<string, MemoryStore>, log: MockLog): DataLog {
  const file = options.dataFile as string;
  const compactBytes = options.dataCompactBytes ?? DEFAULT_COMPACT_BYTES;
  if (!Number.isSafeInteger(compactBytes) || compactBytes < 0) throw new Error(`dataCompactBytes: ${compactBytes} is not a whole number of bytes`);
  const sync = options.dataSync ?? 'group';
  if (sync !== 'group' && sync !== 'always') throw new Error(`dataSync: '${String(sync)}' is neither 'group' nor 'always'`);
  // The snapshot is written now: a path that cannot be written is a startup error, not a lost write later.
  try {
    return new DataLog({ file, stores, sync, compactBytes, failed: (error, what) => log.error({ err: error }, `--data ${file}: ${what}`) }, newest);
  } catch (error) {
    throw new Error(`--data ${file}: cannot be written (${(error as Error).message})`, { cause: error });
  }
}

/** The token check of each service (MockOptions.auth), with its permission table. */
async function authorizersOf(auth: NonNullable<MockOptions['auth']>, mounted: MountedService[]): Promise<Map<string, Authorizer>> {
  const given = typeof auth === 'object' ? auth.permissions : undefined;
  const audiences = audiencesOf(typeof auth === 'object' ? auth.audience : undefined);
  const authorizers = new Map<string, Authorizer>();
  for (const slot of mounted) authorizers.set(slot.prefix, new Authorizer(await permissionTableOf(slot, given), audiences));
  return authorizers;
}

function audiencesOf(audience: string | string[] | undefined): string[] {
  if (audience === undefined) return GRAPH_AUDIENCES;
  const list = typeof audience === 'string' ? [audience] : audience;
  if (list.length === 0 || list.some((a) => typeof a !== 'string' || a.trim() === '')) throw new Error('auth.audience: one or more non-empty audience strings');
  return list;
}

async function permissionTableOf(slot: MountedService, given: PermissionTable | Record<string, PermissionTable> | undefined): Promise<PermissionTable | undefined> {
  if (given !== undefined) {
    const table = Array.isArray((given as PermissionTable).permissions) ? (given as PermissionTable) : (given as Record<string, PermissionTable>)[slot.prefix];
    return table ? checkPermissionTable(table, `permissions of ${slot.prefix || '/'}`) : undefined;
  }
  const { source } = slot;
  const file = 'bundled' in source
    ? path.join(packageRoot(), 'metadata', `${source.bundled}.permissions.json`)
    : path.join(path.dirname(source.metadataFile), `${path.basename(source.metadataFile).replace(/\.xml$/i, '')}.permissions.json`);
  return existsSync(file) ? readPermissionTable(file) : undefined;
}
