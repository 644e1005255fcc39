import { odataErrors } from '../odata/errors.js';
import type { RequestSession } from '../odata/exchange.js';
import type { MemoryStore } from '../store/memory-store.js';
import { Journal } from './journal.js';

// Isolation: a request carrying `x-edmock-session: <id>` reads and writes that session's own
// stores (one per service, seeded with the startup dataset when the session is first seen) and
// is recorded in its own journal, so parallel suites share one server without seeing each
// other's data. Requests without the header use the default session.

export const SESSION_HEADER = 'x-edmock-session';
const SESSION_ID = /^[A-Za-z0-9._~-]{1,128}$/;

export class Session implements RequestSession {
  lastUsed = Date.now();
  readonly journal: Journal;

  /** `id`: '' for the default session; `stores`: service prefix -> the session's store for it. */
  constructor(readonly id: string, readonly stores: Map<string, MemoryStore>, journalSize: number) {
    this.journal = new Journal(journalSize);
  }

  storeOf(prefix: string): MemoryStore {
    const store = this.stores.get(prefix);
    if (!store) throw new Error(`no store for ${prefix}`);
    return store;
  }
}

export interface SessionOptions {
  /** Puts a service's startup dataset into an empty store. */
  seed: (prefix: string, store: MemoryStore) => void;
  newStore: () => MemoryStore;
  prefixes: string[];
  journalSize: number;
  /** Sessions kept at most; the least recently used other than the default gives way. */
  maxSessions?: number;
  /** Told when a session ends (asked to, or to make room), to forget what else it owned. */
  ended?: (id: string) => void;
}

export class Sessions {
  readonly default: Session;
  private readonly named = new Map<string, Session>();
  private readonly maxSessions: number;

  constructor(private readonly options: SessionOptions, defaultStores: Map<string, MemoryStore>) {
    this.default = new Session('', defaultStores, options.journalSize);
    this.maxSessions = options.maxSessions ?? 1000;
  }

  /** The session a header names (undefined: the default one); a malformed id is a 400. */
  get(id: string | string[] | undefined): Session {
    // The default session is the common case: no lookup, no clock read.
    if (id === undefined || id === '') return this.default;
    if (typeof id !== 'string' || !SESSION_ID.test(id)) {
      throw odataErrors.invalidSessionHeader(SESSION_HEADER);
    }
    let session = this.named.get(id);
    if (session === undefined) {
      if (this.named.size >= this.maxSessions) this.evictOldest();
      session = new Session(id, this.freshStores(), this.options.journalSize);
      this.named.set(id, session);
    }
    session.lastUsed = Date.now();
    return session;
  }

  /** Every session, the default first. */
  all(): Session[] {
    return [this.default, ...this.named.values()];
  }

  /**
   * Back to the startup dataset, with an empty journal (as WireMock's reset does). The stores are
   * emptied and seeded in place, so whatever holds them (a mounted service holds the default
   * session's) keeps holding the current ones.
   */
  reset(session: Session): void {
    for (const [prefix, store] of session.stores) {
      store.clear();
      this.options.seed(prefix, store);
    }
    session.journal.clear();
  }

  /** Forgets a named session (its stores and journal). */
  end(id: string): boolean {
    if (!this.named.delete(id)) return false;
    this.options.ended?.(id);
    return true;
  }

  private freshStores(): Map<string, MemoryStore> {
    return new Map(this.options.prefixes.map((prefix) => {
      const store = this.options.newStore();
      this.options.seed(prefix, store);
      return [prefix, store];
    }));
  }

  private evictOldest(): void {
    let oldest: Session | undefined;
    for (const session of this.named.values()) if (!oldest || session.lastUsed < oldest.lastUsed) oldest = session;
    if (oldest) this.end(oldest.id);
  }
}
