import type { MemoryStore } from '../store/memory-store.js';
import type { ODataError } from './errors.js';
import type { UserHandlers } from './handlers/handler.js';
import type { ODataService } from './service.js';

// What the request pipeline (pipeline.ts) takes and gives, and what it asks of the server it runs
// in. Nothing here knows HTTP transports: a Fastify route, a `$batch` part and the in-process API
// all build an ODataRequest and send (or nest) the ODataResponse they get back.

export type RequestHeaders = Record<string, string | string[] | undefined>;

export interface ODataRequest {
  /** Upper case. HEAD is answered as GET without a body. */
  method: string;
  /** The request target as sent: path and query string, still percent-encoded. */
  url: string;
  /** Header names in lower case. */
  headers: RequestHeaders;
  /** The parsed JSON body, if there was one. */
  body: unknown;
  /** The body as sent, for the journal. */
  bodyText: string | undefined;
  /** `scheme://host[:port]` the client addressed, for absolute URLs in answers. */
  origin: string;
  /** Graph's `request-id` for this request. */
  requestId: string;
  /** For a request that is a part of a `$batch`: the batch's request-id and the part's id. */
  batch?: BatchLink;
}

export interface BatchLink {
  requestId: string;
  id: string;
}

/** A response ready to send: headers and body are final (no serialiser runs after this). */
export interface ODataResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  /** A fault asked for the connection to be dropped: send nothing, close it. */
  drop?: true;
  /**
   * Set when the request wrote to a store that is kept on disk (`--data`): the response is sent
   * once this settles, and is a 500 if it rejects (the write could not be made durable).
   */
  durable?: Promise<void>;
}

/** One service as the pipeline sees it. `service` may be replaced (serve --watch) between requests. */
export interface ServiceMount {
  /** URL path prefix (`/beta`, or `` at the root). */
  readonly prefix: string;
  service: ODataService;
  /** The user's handlers (`--handlers`); replaced by `serve --watch` when their file changes. */
  userHandlers?: UserHandlers;
}

/** The part of a session the pipeline uses: its store for each service. */
export interface RequestSession {
  /** '' for the default session. */
  readonly id: string;
  storeOf(prefix: string): MemoryStore;
}

/** What a fault rule decided for a request: answer with an error, wait first, or drop the connection. */
export interface PlannedFault {
  /** For the journal: the rule id or `header`. */
  source: string;
  error?: ODataError;
  delayMs?: number;
  drop?: boolean;
}

/** A token check, per service (toolkit/auth.ts). */
export interface RequestAuthorizer {
  /** The token's claims, or an ODataError (401). */
  authenticate(authorization: string | undefined): unknown;
  /** Nothing, or an ODataError (403). */
  authorize(claims: unknown, method: string, segments: string[]): void;
}

/** One finished exchange, as the journal keeps it. */
export interface ExchangeRecord {
  time: number;
  method: string;
  url: string;
  headers: RequestHeaders;
  bodyText: string | undefined;
  /** 0 when the connection was dropped. */
  status: number;
  error: { code: string; message: string; details: ODataError['details'] } | undefined;
  fault: string | undefined;
  durationMs: number;
  /** The request-id the response carried. */
  requestId: string;
  /** Set for a `$batch` part: the batch it came in. */
  batch: BatchLink | undefined;
  /** Set for a request edmock sent (change notifications): what it was; `status` is the receiver's answer. */
  outbound?: OutboundAttempt;
}

/** A request edmock sent to a client's endpoint (docs/notifications.md), as the journal keeps it. */
export interface OutboundAttempt {
  kind: 'validation' | 'notification' | 'lifecycle';
  /** 1 for the first delivery of a batch, then one more for each retry. */
  attempt: number;
  subscriptionIds: string[];
  /** Why it did not succeed: no answer in time, a connection error, a wrong answer, an error status. */
  failure?: string;
  /** For a failed delivery: `retry` (scheduled, in `retryInMs`) or `dropped` (no attempts left). */
  outcome?: 'retry' | 'dropped';
  retryInMs?: number;
  /** The first KiB of the receiver's answer. */
  responseBody?: string;
}

/** The pipeline's entry points, handed to the `$batch` runner so that it runs each part through them without importing the pipeline. */
export interface RequestPipeline {
  handleRequest(host: PipelineHost, mount: ServiceMount, request: ODataRequest): ODataResponse | Promise<ODataResponse>;
  answerError(host: PipelineHost, request: ODataRequest, error: unknown): ODataResponse;
}

/**
 * The server around the pipeline: sessions, faults, auth, persistence and the journal. Each is
 * asked once per request, at one step of the pipeline, and costs nothing when the feature is off.
 */
export interface PipelineHost {
  /** Server-driven page size of collections (Protocol §11.2.6.7). */
  readonly pageSize: number;
  /** How long delta query tokens stay good, in ms; undefined: Graph's 7 days (odata/delta/). */
  readonly deltaRetentionMs?: number;
  /** Most requests one `$batch` may hold (Graph: 20); 0 for no limit. */
  readonly batchLimit: number;
  /** Which requests are answered asynchronously when they prefer so, and how (async/); the defaults when undefined. */
  readonly asyncRequests?: AsyncRequestSettings;
  /** The session a request's headers name; a malformed session header is an ODataError. */
  session(headers: RequestHeaders): RequestSession;
  /** Where exchanges go whose session header could not be read. */
  readonly defaultSession: RequestSession;
  /** A fault that answers instead of the service, if one applies. */
  fault(request: ODataRequest, session: RequestSession, path: string): PlannedFault | undefined;
  /** The token check of a service, when auth is on. */
  authorizer(prefix: string): RequestAuthorizer | undefined;
  /**
   * Throttling limits (toolkit/throttle.ts): the refusal (429) of a request over a limit of its
   * application, tenant or family, else nothing, the request counted. `path` is below the
   * service root; `claims` are the token's when auth checked it.
   */
  throttle(request: ODataRequest, prefix: string, path: string, claims: unknown): ODataError | undefined;
  /**
   * A write to this session's stores is about to be acknowledged (persistence): a promise the
   * answer must wait for, when the write is not on disk yet; undefined when there is nothing to wait for.
   */
  written(session: RequestSession): Promise<void> | undefined;
  /** Journals an exchange in the session it belongs to. */
  record(session: RequestSession, exchange: ExchangeRecord): void;
  /** A failure of edmock itself (answered 500), for the server's log. */
  failed(error: unknown, request: ODataRequest): void;
  /** A documented form edmock does not implement was asked for (a 501): worth a warning, not a stack. */
  unimplemented(error: ODataError, request: ODataRequest): void;
  /** Change notifications: writes to Graph's subscriptions sets pass here first (subscriptions.ts); absent, they are plain writes. */
  readonly subscriptions?: SubscriptionGate;
}

/** A write to a subscriptions set, as the server is asked to admit it. */
export interface SubscriptionWrite {
  method: 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  session: RequestSession;
  mount: ServiceMount;
  store: MemoryStore;
  /** The request body (an object for POST, PATCH and PUT; checked by the validator after admission). */
  body: unknown;
  /** For PATCH, PUT and DELETE: the stored subscription's id and properties. */
  existing?: { id: string; properties: Record<string, unknown> };
}

/**
 * The server's side of a subscriptions write: the body to write (with what the server sets, such
 * as the id), or a promise of it when the endpoint must answer a validation request first; an
 * ODataError (thrown or rejected) refuses the write.
 */
export interface SubscriptionGate {
  admit(write: SubscriptionWrite): unknown;
}

/**
 * Which requests the server answers asynchronously when they ask to, and how long their status
 * monitors keep them pending (async/async-settings.ts applies them).
 */
export interface AsyncRequestSettings {
  /** Polls of a status monitor answered `202 Accepted` before the one that runs the request and answers its result. */
  readonly pendingPolls: number;
  /** The `Retry-After` of each 202, in seconds (Protocol §8.3.7). */
  readonly retryAfterSeconds: number;
  /** Whether the user marked this request (method, request path with the service prefix) to be answered asynchronously too. */
  marked(method: string, path: string): boolean;
}
