import type { EdmUnboundOperation } from '../../edm/model.js';
import type { MemoryStore, StoredEntity } from '../../store/memory-store.js';
import type { Preconditions } from '../etag.js';
import { odataErrors } from '../errors.js';
import type { ResolvedPath } from '../path/resolve-path.js';
import type { Preferences } from '../prefer.js';
import type { QueryOptions } from '../query/query-options.js';
import type { ResponseFormat } from '../response-format.js';
import type { BodyFormat } from '../request-entity.js';
import type { ODataService } from '../service.js';

// The contract between the HTTP layer and the operations: an operation gets the resolved target
// and the parsed request, and returns what to answer. It never touches Fastify.

export interface OperationRequest {
  service: ODataService;
  store: MemoryStore;
  resolved: ResolvedPath;
  body: unknown;
  /** How the body encodes numbers (`IEEE754Compatible` in its Content-Type). */
  bodyFormat: BodyFormat;
  /** Absolute URL of the service root, e.g. `http://127.0.0.1:4000/beta`. */
  baseUrl: string;
  /** URL path prefix of the service (`/beta`, or `` at the root). */
  prefix: string;
  /** The request path below the prefix, still percent-encoded (for nextLinks). */
  path: string;
  query: QueryOptions;
  /** The raw query string, for nextLinks. */
  rawQuery: string;
  format: ResponseFormat;
  prefer: Preferences;
  preconditions: Preconditions;
  /** Server-driven page size for collections. */
  pageSize: number;
  /** How long a delta query's tokens stay good (odata/delta/); undefined: Graph's 7 days. */
  deltaRetentionMs?: number;
  /**
   * With auth on: the permission check of a collection a create writes into below the request's
   * path (deep insert), given as the segments below it; throws a 403.
   */
  authorizeNested?: (below: string[]) => void;
  /** The request's session (`x-edmock-session`), '' for the default one. */
  sessionId: string;
  /**
   * The user's handlers and hooks (`--handlers`), when any were given: operations ask it for an
   * answer before making their own, the entity handlers call the hooks of the addressed set.
   */
  userHandlers?: UserHandlers;
}

export interface OperationResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Set for bodies that are not OData JSON (`$count`, `$value`): sent as they are. */
  contentType?: string;
  /**
   * A read that changed the store (a delta query that started tracking a collection): answered
   * once that is on disk, as a write is, so that the token it hands out survives a crash.
   */
  changedStore?: boolean;
}

export type OperationHandler = (request: OperationRequest) => OperationResult;

/** Narrows the resolved target to the kind the route table promised for this operation. */
export function expectTarget<K extends ResolvedPath['kind']>(resolved: ResolvedPath, kind: K): Extract<ResolvedPath, { kind: K }> {
  if (resolved.kind !== kind) throw new Error(`operation expects a ${kind}, got ${resolved.kind}`);
  return resolved as Extract<ResolvedPath, { kind: K }>;
}

/** A system query option that does not apply to the addressed resource is a 400. */
export function allowOptions(query: QueryOptions, allowed: string[], resource: string): void {
  for (const name of query.present) {
    if (!allowed.includes(name)) throw odataErrors.badRequest(`The query option '$${name}' cannot be applied to ${resource}.`, `$${name}`);
  }
}

// A user's handlers as the pipeline calls them (OperationRequest.userHandlers); what users write
// is typed in user-handlers.ts, and bind-user-handlers.ts turns one into the other.

/** A handler's answer; wrapped, because `undefined` is an answer too (204). */
export interface HandlerAnswer {
  value: unknown;
}

/** How an operation was called, as the code that answers operations hands it to a user's handler. */
export interface OperationCall {
  request: OperationRequest;
  /** The parameters, validated. */
  parameters: Record<string, unknown>;
  /** The binding entity, or the members of the binding collection; undefined when unbound. */
  binding?: StoredEntity | readonly StoredEntity[];
}

/** A CRUD step of an entity handler that a user's hooks may wrap. */
export type CrudStep = 'Create' | 'Read' | 'List' | 'Update' | 'Delete';

/**
 * The user's handlers bound for the pipeline. Each member is undefined when the user gave no
 * handler for it, so a request without one pays a field check and nothing more.
 */
export interface UserHandlers {
  /** The user's answer to an operation, or undefined when they wrote no handler for it. */
  operation(operation: EdmUnboundOperation, call: OperationCall): HandlerAnswer | undefined;
  /** The hooks of an entity set (by route source), or undefined when it has none. */
  hooks(entitySet: string): BoundHooks | undefined;
}

/** One entity set's hooks, called by the entity handlers with what they have at each step. */
export interface BoundHooks {
  has(step: `${'before' | 'after'}${CrudStep}`): boolean;
  /** The body to go on with: the hook's, or the one given (perhaps changed in place). */
  beforeCreate(request: OperationRequest, body: unknown): unknown;
  /** As beforeCreate, for PATCH and (`replace`) PUT of `entity`. */
  beforeUpdate(request: OperationRequest, body: unknown, entity: StoredEntity, replace: boolean): unknown;
  beforeRead(request: OperationRequest, key: string): void;
  beforeList(request: OperationRequest): void;
  beforeDelete(request: OperationRequest, entity: StoredEntity): void;
  afterDelete(request: OperationRequest, entity: StoredEntity): void;
  /** The answer of a create, read or update changed by the after-hook; `stored` when the result has no body. */
  afterEntity(step: 'Create' | 'Read' | 'Update', request: OperationRequest, result: OperationResult, stored: StoredEntity): OperationResult;
  /** The written items of a page, changed by afterList. */
  afterList(request: OperationRequest, items: string[]): string[];
}
