import { odataErrors } from '../odata/errors.js';
import type { RequestSession } from '../odata/exchange.js';
import type { MemoryStore } from '../store/memory-store.js';
import { Journal } from './journal.js';
import type { JournalBudget } from './journal-budget.js';

// Isolation: a request carrying `x-edmock-session: <id>` reads and writes that session's own
// stores (one per service, seeded with the startup dataset when the session is first seen) and
// is recorded in its own journal, so parallel suites share one server without seeing each
// other's data. Requests without the header use the default session.

export const SESSION_HEADER = 'x-edmock-session';
const SESSION_ID = /^[A-Za-z0-9._~-]{1,128}$/;

export class Session implements RequestSession {
  readonly journal: Journal;

  /** `id`: '' for the default session; `stores`: service prefix -> the session's store for it. */
  constructor(readonly id: string, readonly stores: Map<string, MemoryStore>, journalSize: number, journalBudget: JournalBudget) {
    this.journal = new Journal(journalSize, journalBudget);
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
  /** What the journals of every session keep together (bodies cut, total bytes bounded). */
  journalBudget: JournalBudget;
  /** Named sessions kept at most (default 1,000); the least recently used gives way to a new one. */
  maxSessions?: number;
  /** Told when a session ends (asked to, or to make room), to forget what else it owned. */
  ended?: (id: string) => void;
  /** Told when a session's stores hold the startup dataset afresh (a new session, a reset), to follow what it holds. */
  seeded?: (session: Session) => void;
}

export class Sessions {
  readonly default: Session;
  private readonly named = new Map<string, Session>();
  private readonly maxSessions: number;

  constructor(private readonly options: SessionOptions, defaultStores: Map<string, MemoryStore>) {
    this.default = new Session('', defaultStores, options.journalSize, options.journalBudget);
    this.maxSessions = options.maxSessions ?? 1000;
  }

  /** The session a header names (undefined: the default one); a malformed id is a 400. */
  get(id: string | string[] | undefined): Session {
    // The default session is the common case: no lookup.
    if (id === undefined || id === '') return this.default;
    if (typeof id !== 'string' || !SESSION_ID.test(id)) {
      throw odataErrors.invalidSessionHeader(SESSION_HEADER);
    }
    let session = this.named.get(id);
    if (session === undefined) {
      if (this.named.size >= this.maxSessions) this.evictLeastRecentlyUsed();
      session = new Session(id, this.freshStores(), this.options.journalSize, this.options.journalBudget);
      this.options.seeded?.(session);
    } else {
      this.named.delete(id);
    }
    // The map keeps insertion order: re-inserting on each use keeps it in order of last use, exact
    // even for uses within one millisecond, and the first key is the one to end.
    this.named.set(id, session);
    return session;
  }

  /** Bytes the journals of every session keep now (bounded by the journal budget). */
  get journalBytes(): number {
    return this.options.journalBudget.bytes;
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
    this.options.seeded?.(session);
    session.journal.clear();
  }

  /** Forgets a named session (its stores and journal). */
  end(id: string): boolean {
    const session = this.named.get(id);
    if (session === undefined) return false;
    this.named.delete(id);
    // Its entries leave the shared journal budget now, not when newer entries push them out.
    session.journal.close();
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

  private evictLeastRecentlyUsed(): void {
    const [first] = this.named.keys();
    if (first !== undefined) this.end(first);
  }
}
