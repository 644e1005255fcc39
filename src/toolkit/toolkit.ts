import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ODataError } from '../odata/errors.js';
import type { MemoryStore } from '../store/memory-store.js';
import { Authorizer, type PermissionTable } from './auth.js';
import { FAULT_HEADER, FaultRules, faultError, parseFaultHeader, type Fault, type FaultRuleInput } from './faults.js';
import type { DataFile } from './persistence.js';
import { SESSION_HEADER, Sessions, type Session } from './sessions.js';

// The contract-testing toolkit's state for one server: sessions (stores and journals), fault
// rules, the authoriser of each service when auth is on, and the data file when persistence is.
// The request path asks it three questions, each answered without work when the feature is off.

export const ADMIN_PREFIX = '/_edmock';

export interface ToolkitOptions {
  /** Entries a journal keeps (per session). Default 1000; 0 records nothing. */
  journalSize?: number;
  /** Fault rules in force from the start, and the seed of their random draws. */
  faults?: { seed?: number; rules?: FaultRuleInput[] };
  /**
   * Require a bearer token, and check its scopes against permission tables: one for every
   * service, one per service prefix, or (true, or no `permissions`) each service's
   * `<service>.permissions.json` beside its metadata, where there is one (docs import writes it).
   */
  auth?: boolean | { permissions?: PermissionTable | Record<string, PermissionTable> };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The request body as sent (JSON bodies), for the journal. */
    bodyText: string | undefined;
    /** The fault that answered this request, for the journal. */
    faultSource: string | undefined;
  }
}

export class Toolkit {
  readonly faults: FaultRules;
  readonly authorizers: Map<string, Authorizer> | undefined;
  dataFile: DataFile | undefined;

  /** `permissions`: the table of each service prefix, when auth is on (see ToolkitOptions.auth). */
  constructor(readonly sessions: Sessions, options: ToolkitOptions, prefixes: string[], permissions: Map<string, PermissionTable> = new Map()) {
    this.faults = new FaultRules(options.faults?.seed ?? 1);
    for (const rule of options.faults?.rules ?? []) this.faults.add(rule);
    this.authorizers = options.auth ? new Map(prefixes.map((prefix) => [prefix, new Authorizer(permissions.get(prefix))])) : undefined;
  }

  session(request: FastifyRequest): Session {
    return this.sessions.get(request.headers[SESSION_HEADER]);
  }

  storeOf(session: Session, prefix: string): MemoryStore {
    const store = session.stores.get(prefix);
    if (!store) throw new Error(`no store for ${prefix}`);
    return store;
  }

  /** The fault that answers this request instead of the service, if any. */
  faultFor(request: FastifyRequest, session: Session, path: string): Fault | undefined {
    const header = request.headers[FAULT_HEADER];
    if (typeof header === 'string') return parseFaultHeader(header);
    if (this.faults.size === 0) return undefined;
    return this.faults.decide(request.method, path, session.id);
  }

  /**
   * Applies a fault: throws the error it answers with, drops the connection, or returns the
   * promise of the delay after which `proceed` runs.
   */
  applyFault(fault: Fault, request: FastifyRequest, reply: FastifyReply, proceed: () => void): Promise<void> | undefined {
    request.faultSource = `${fault.kind} (${fault.source})`;
    if (fault.kind === 'latency') return new Promise<void>((resolve) => setTimeout(resolve, fault.latencyMs)).then(proceed);
    if (fault.kind === 'drop') {
      this.record(request, 0, undefined, 0);
      void reply.hijack();
      // Under inject (light-my-request) there is no socket: closing the response makes the
      // inject promise reject with LIGHT_ECONNRESET, what a client sees as a reset.
      if ('_lightMyRequest' in reply.raw) reply.raw.emit('close');
      else request.raw.socket.destroy();
      return undefined;
    }
    throw faultError(fault);
  }

  /** Journals a response (admin requests are not journaled: they are the test, not the SDK). */
  record(request: FastifyRequest, status: number, error: ODataError | undefined, durationMs: number): void {
    const url = request.raw.url ?? '';
    if (url.startsWith(ADMIN_PREFIX)) return;
    let session: Session;
    try {
      session = this.session(request);
    } catch {
      session = this.sessions.default; // the header itself was the problem
    }
    session.journal.record({
      time: Date.now(), method: request.method, url, headers: request.headers, bodyText: request.bodyText, status,
      error: error ? { code: error.code, message: error.message, details: error.details } : undefined,
      fault: request.faultSource, durationMs,
    });
  }
}
