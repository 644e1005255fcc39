import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { StoreSnapshot } from '../store/memory-store.js';
import { adminExposure } from '../toolkit/admin-guard.js';
import type { FaultRule, FaultRuleInput } from '../toolkit/faults.js';
import type { JournalEntry, JournalFilter } from '../toolkit/journal.js';
import type { Session } from '../toolkit/sessions.js';
import type { LoadedFixture } from '../mock/seed-data.js';
import { createServer, type CreateServerOptions } from './create-server.js';

// The in-process API for test runners (tap, vitest, jest): a server to listen on an ephemeral
// port or to `inject` into, with the journal, the store and the faults as methods rather than
// admin HTTP calls. Each method takes an optional session id; without one it is the default
// session, the one requests without x-edmock-session use.

export interface JournalApi {
  list(filter?: JournalFilter): JournalEntry[];
  clear(): void;
  /** Throws, listing what did match, unless exactly `count` requests match. */
  verify(filter: JournalFilter, count: number): void;
}

export interface FaultApi {
  add(rule: FaultRuleInput): FaultRule;
  list(): FaultRule[];
  clear(): void;
}

/** Entities for one collection; `T` is one of the generated entity types (`edmock/types/beta`). */
export type Fixtures<T extends object = Record<string, unknown>> = Partial<T> & { '@odata.type'?: string };

export interface MockSession {
  readonly id: string;
  journal: JournalApi;
  faults: FaultApi;
  /** Every store of the session back to the startup dataset. */
  reset(): void;
  /** Creates entities as a POST would (validated), all of them or none: `'/beta/deviceAppManagement/mobileApps'`. */
  load<T extends object = Record<string, unknown>>(collection: string, entities: Fixtures<T>[]): LoadedFixture[];
  /** The stores, per service prefix, as plain data. */
  dump(): Record<string, StoreSnapshot>;
  /** Change notifications (docs/notifications.md): the session's subscriptions, and lifecycle notifications sent on demand. */
  subscriptions: SubscriptionApi;
}

export interface SubscriptionApi {
  list(): Record<string, unknown>[];
  /** Sends `reauthorizationRequired`, `subscriptionRemoved` or `missed` to the subscription's lifecycleNotificationUrl; returns the notification queued. */
  lifecycle(id: string, event: string): Record<string, unknown>;
}

export interface MockServer extends MockSession {
  readonly app: FastifyInstance;
  /** The base URL once listening, e.g. `http://127.0.0.1:41234`. */
  readonly url: string | undefined;
  /**
   * Listens (port 0, the default, picks a free one) and returns the base URL. A host other hosts
   * can reach (`0.0.0.0`) is refused while the admin API has no `adminToken`, unless
   * `unsafeOpenAdmin` says to serve it open anyway.
   */
  listen(options?: { port?: number; host?: string; unsafeOpenAdmin?: boolean }): Promise<string>;
  inject(options: InjectOptions | string): Promise<LightMyRequestResponse>;
  /** A session of its own: send its id in x-edmock-session. */
  session(id: string): MockSession;
  close(): Promise<void>;
}

function sessionApi(app: FastifyInstance, session: Session): MockSession {
  const state = app.edmock;
  const scope = session.id || undefined;
  return {
    id: session.id,
    journal: {
      list: (filter) => session.journal.list(filter),
      clear: () => session.journal.clear(),
      verify: (filter, count) => {
        const result = session.journal.verify(filter, count);
        if (!result.ok) {
          const seen = result.entries.map((e) => `  ${e.method} ${e.url} -> ${e.status}`).join('\n');
          throw new Error(`expected ${count} request(s) matching ${JSON.stringify(filter)}, ${result.matched} matched${seen ? `:\n${seen}` : ''}`);
        }
      },
    },
    faults: {
      add: (rule) => state.faults.add(rule, scope),
      list: () => state.faults.list(scope),
      clear: () => { state.faults.remove({ session: scope }); },
    },
    reset: () => { void state.reset(session); },
    load: (collection, entities) => state.load(session, { [collection]: entities }, 'load').map(({ '@odata.id': _id, ...fixture }) => ({ ...fixture, collection: fixture.collection.slice(state.serviceAt(collection)?.prefix.length ?? 0) })),
    dump: () => state.snapshots(session),
    subscriptions: {
      list: () => state.subscriptionList(session),
      lifecycle: (id, event) => state.subscriptionLifecycle(session, id, { event }),
    },
  };
}

/** A mock server for tests: `const mock = await createMockServer(); await mock.listen();`. */
export async function createMockServer(options: CreateServerOptions = {}): Promise<MockServer> {
  const app = await createServer(options);
  let url: string | undefined;
  const base = sessionApi(app, app.edmock.sessions.default);
  return {
    ...base,
    app,
    get url() { return url; },
    listen: async (listenOptions = {}) => {
      const host = listenOptions.host ?? '127.0.0.1';
      const exposed = adminExposure(host, app.edmock.adminGuard, listenOptions.unsafeOpenAdmin === true);
      if (exposed !== undefined) throw new Error(exposed);
      url = await app.listen({ port: listenOptions.port ?? 0, host });
      return url;
    },
    inject: (injectOptions) => app.inject(injectOptions),
    session: (id) => sessionApi(app, app.edmock.sessions.get(id)),
    close: () => app.close(),
  };
}
