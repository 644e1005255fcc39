import type { MemoryStore } from '../../store/memory-store.js';
import type { Preconditions } from '../etag.js';
import { odataErrors } from '../errors.js';
import type { ResolvedPath } from '../path/resolve-path.js';
import type { Preferences } from '../prefer.js';
import type { QueryOptions } from '../query/query-options.js';
import type { ResponseFormat } from '../response-format.js';
import type { BodyFormat } from '../request-entity.js';
import type { ODataService } from '../service.js';
import type { UserHandlers } from './user-handlers.js';

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
