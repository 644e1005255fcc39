import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { StoreSnapshot } from '../store/memory-store.js';
import type { FaultRule, FaultRuleInput } from '../toolkit/faults.js';
import type { JournalEntry, JournalFilter } from '../toolkit/journal.js';
import type { Session } from '../toolkit/sessions.js';
import { createServer, serviceAt, type CreateServerOptions } from './create-server.js';
import { loadFixtures, type LoadedFixture } from './fixtures.js';

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
}

export interface MockServer extends MockSession {
  readonly app: FastifyInstance;
  /** The base URL once listening, e.g. `http://127.0.0.1:41234`. */
  readonly url: string | undefined;
  /** Listens (port 0, the default, picks a free one) and returns the base URL. */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  inject(options: InjectOptions | string): Promise<LightMyRequestResponse>;
  /** A session of its own: send its id in x-edmock-session. */
  session(id: string): MockSession;
  close(): Promise<void>;
}

function sessionApi(app: FastifyInstance, session: Session): MockSession {
  const { toolkit, services } = app.edmock;
  const scope = session.id || undefined;
  // The default session's stores are what --data keeps.
  const saved = () => { if (session === toolkit.sessions.default) toolkit.dataFile?.changed(); };
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
      add: (rule) => toolkit.faults.add(rule, scope),
      list: () => toolkit.faults.list(scope),
      clear: () => { toolkit.faults.remove({ session: scope }); },
    },
    reset: () => {
      toolkit.sessions.reset(session);
      saved();
    },
    load: (collection, entities) => {
      const slot = serviceAt(services, collection);
      if (!slot) throw new Error(`'${collection}' is not under any service (${services.map((s) => s.prefix || '/').join(', ')})`);
      const store = toolkit.storeOf(session, slot.prefix);
      const before = store.snapshot();
      try {
        const loaded = loadFixtures(slot.service, store, { [collection.slice(slot.prefix.length)]: entities }, 'load');
        saved();
        return loaded;
      } catch (error) {
        store.restore(before);
        throw error;
      }
    },
    dump: () => Object.fromEntries([...session.stores].map(([prefix, store]) => [prefix || '/', store.snapshot()])),
  };
}

/** A mock server for tests: `const mock = await createMockServer(); await mock.listen();`. */
export async function createMockServer(options: CreateServerOptions = {}): Promise<MockServer> {
  const app = await createServer(options);
  let url: string | undefined;
  const base = sessionApi(app, app.edmock.toolkit.sessions.default);
  return {
    ...base,
    app,
    get url() { return url; },
    listen: async (listenOptions = {}) => {
      url = await app.listen({ port: listenOptions.port ?? 0, host: listenOptions.host ?? '127.0.0.1' });
      return url;
    },
    inject: (injectOptions) => app.inject(injectOptions),
    session: (id) => sessionApi(app, app.edmock.toolkit.sessions.get(id)),
    close: () => app.close(),
  };
}
