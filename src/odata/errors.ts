// The one catalog of errors edmock answers (ARCHITECTURE.md, decision 5). Every error response is raised here by
// name: ERROR_CATALOG fixes each one's status, code and when it happens (docs/errors.md lists the
// same rows, and a test keeps the two equal), and `odataErrors` words the message. The codes are
// those Microsoft Graph answers (`BadRequest`, `ResourceNotFound`, `InvalidAuthenticationToken`,
// ...); the body is OData JSON Format 4.01 §21 with Graph's `innerError` (date, request-id,
// client-request-id).

export interface ODataErrorDetail {
  code: string;
  message: string;
  target: string | null;
}

export class ODataError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target: string | null = null,
    readonly details: ODataErrorDetail[] = [],
    /** Extra response headers, e.g. `Allow` on a 405. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ODataError';
  }
}

export interface CatalogEntry {
  status: number;
  code: string;
  /** When the error happens, as docs/errors.md says it. */
  when: string;
}

const entry = (status: number, code: string, when: string): CatalogEntry => ({ status, code, when });

export const ERROR_CATALOG = {
  // 400: the request itself
  badRequest: entry(400, 'BadRequest', 'A query option is malformed, unknown, repeated, inapplicable or over 32 KiB; a `$skiptoken` comes back with other options than it was issued for; a key literal does not fit its type; Content-Length does not match the body'),
  invalidUrl: entry(400, 'BadRequest', 'The URL cannot be read: bad percent-encoding, a malformed key or segment'),
  unreadableHttp: entry(400, 'BadRequest', 'The bytes received are not an HTTP request Node can parse'),
  unsupportedVersion: entry(400, 'BadRequest', '`OData-Version` is not 4.0 or 4.01, or `OData-MaxVersion` excludes both'),
  invalidSessionHeader: entry(400, 'BadRequest', '`x-edmock-session` is not 1 to 128 letters, digits or `._~-`'),
  invalidFaultHeader: entry(400, 'BadRequest', '`x-edmock-fault` names no fault kind or has a bad parameter'),
  invalidFaultRule: entry(400, 'BadRequest', 'A fault rule (`--faults` file or `POST /_edmock/faults`) has an unknown or invalid member'),
  invalidAdminRequest: entry(400, 'BadRequest', 'An admin API call has a bad body, journal filter or collection path'),
  // 400: the body
  malformedJson: entry(400, 'BadRequest', 'The body is not valid JSON'),
  emptyBody: entry(400, 'BadRequest', 'A JSON Content-Type with an empty body where one is required'),
  missingContentType: entry(400, 'BadRequest', 'A QUERY request without a Content-Type (RFC 10008 §2)'),
  bodyNotObject: entry(400, 'BadRequest', 'The body is JSON but not an object'),
  bodyTooDeep: entry(400, 'BadRequest', 'The body nests deeper than 64 levels'),
  forbiddenPropertyName: entry(400, 'BadRequest', 'The body has a member named `__proto__`'),
  validation: entry(400, 'BadRequest', 'Properties fail their declared type, facets or nullability (one detail per property)'),
  keyMismatch: entry(400, 'BadRequest', 'The body changes a key property'),
  typeNotAllowed: entry(400, 'BadRequest', '`@odata.type` names a type that is not the declared one or derived from it'),
  typeRequired: entry(400, 'BadRequest', 'The declared type is abstract and the body names no concrete `@odata.type`'),
  unsupportedFeature: entry(400, 'BadRequest', 'The request uses a feature edmock does not support yet (`$search`, `$apply`, `$compute`, parameter aliases, navigation paths in `$filter`)'),
  refBodyInvalid: entry(400, 'BadRequest', 'A `$ref` body or `@odata.id` is missing, malformed or points outside the service'),
  refTypeMismatch: entry(400, 'BadRequest', 'A reference points at an entity of the wrong type'),
  refAlreadyExists: entry(400, 'BadRequest', 'The reference being added already exists'),
  fixtureRejected: entry(400, 'BadRequest', '`POST /_edmock/fixtures` holds an entity a POST would refuse (its details as the POST would give them)'),
  // 401, 403: the token
  unauthenticated: entry(401, 'InvalidAuthenticationToken', 'With `--auth`: the bearer token is missing, malformed, expired, not yet valid or for another audience (with Graph\'s `WWW-Authenticate` challenge); with `--auth` or `--admin-token`: an admin API call without the admin token or a token with the `edmock.admin` role'),
  forbidden: entry(403, 'Authorization_RequestDenied', 'With `--auth` and a permissions table: the token\'s `scp` or `roles` hold none of the permissions of the operation or of an entity its body nests (a `MissingPermission` detail names them); an admin API call with a token lacking the `edmock.admin` role'),
  // 404
  segmentNotFound: entry(404, 'ResourceNotFound', 'A path segment names nothing in the model'),
  entityNotFound: entry(404, 'ResourceNotFound', 'No entity has the key at this path'),
  refTargetNotFound: entry(404, 'ResourceNotFound', 'The entity a reference points at does not exist'),
  linkNotFound: entry(404, 'ResourceNotFound', 'The reference being removed does not exist'),
  faultRuleNotFound: entry(404, 'ResourceNotFound', '`DELETE /_edmock/faults/{id}` names no rule of this session'),
  sessionNotFound: entry(404, 'ResourceNotFound', '`DELETE /_edmock/sessions/{id}` names no session'),
  // 405, 406
  methodNotAllowed: entry(405, 'MethodNotAllowed', 'The resource does not answer this method (`Allow` lists those it does)'),
  notAcceptable: entry(406, 'NotAcceptable', '`Accept` names no media type the resource can be sent as'),
  formatNotAcceptable: entry(406, 'NotAcceptable', '`$format` asks for another format than JSON (XML or JSON for `$metadata`)'),
  // 409, 412, 413, 415, 431
  entityExists: entry(409, 'Conflict', 'An entity with the same key already exists in the collection'),
  verificationFailed: entry(409, 'VerificationFailed', '`POST /_edmock/journal/verify`: another number of requests matched than expected (`details` lists up to 20)'),
  preconditionFailed: entry(412, 'PreconditionFailed', '`If-Match` does not match the entity (read or write), or `If-None-Match` does on a write'),
  bodyTooLarge: entry(413, 'RequestEntityTooLarge', 'The body exceeds the body limit (4 MiB by default, as Graph; `--body-limit`)'),
  unsupportedMediaType: entry(415, 'UnsupportedMediaType', 'A body that is not `application/json`'),
  unsupportedEncoding: entry(415, 'UnsupportedMediaType', 'A `Content-Encoding` other than `identity`'),
  uriTooLong: entry(414, 'RequestUriTooLong', 'A path segment longer than 8,192 characters'),
  headersTooLarge: entry(431, 'BadRequest', 'The request headers exceed 256 KiB (refused by Node before any route)'),
  // Faults a test asked for (x-edmock-fault or a rule): Graph's own answers
  throttled: entry(429, 'TooManyRequests', 'A `throttle` fault (with `Retry-After`)'),
  faultUnavailable: entry(503, 'serviceNotAvailable', 'An `unavailable` fault (with `Retry-After`)'),
  faultTimeout: entry(504, 'timeout', 'A `timeout` fault'),
  faultError: entry(500, 'generalException', 'An `error` fault'),
  // 5xx: edmock itself
  internal: entry(500, 'InternalServerError', 'edmock itself failed: a defect (the log has the stack)'),
  notImplemented: entry(501, 'NotImplemented', 'A URL form edmock does not implement yet (`$all`, `$crossjoin`, `$entity`, paths into complex values or into the result of a function that returns no entities, a delta query of a non-containment navigation)'),
  // $batch (JSON Format §19, Protocol §11.7, Graph JSON batching)
  malformedBatch: entry(400, 'BadRequest', 'A `$batch` body cannot be read as the batch its Content-Type names: JSON that is not `{"requests": [...]}` of requests with an id, a method and a URL; a multipart body without a boundary or its closing delimiter, a part neither `application/http` nor a change set, a malformed request or header line'),
  batchInvalid: entry(400, 'BadRequest', 'A `$batch` breaks the batch rules: an id or Content-ID used twice (or not `1*unreserved`), `dependsOn` naming no request or forming a cycle, a request that is itself a `$batch`, a change set inside a change set or holding a GET, a `$<id>` reference to no created entity'),
  batchTooLarge: entry(400, 'BadRequest', 'A `$batch` with more requests than the limit (20, Graph\'s; `--batch-limit`)'),
  failedDependency: entry(424, 'FailedDependency', 'A `$batch` request whose `dependsOn` request failed, or whose atomicity group (change set) was rolled back'),
  missingHost: entry(400, 'BadRequest', 'An HTTP/1.1 request without a `Host` header (RFC 9112 §3.2)'),
  tunnelRefused: entry(405, 'MethodNotAllowed', '`CONNECT`: edmock is no proxy and opens no tunnel (an empty `Allow`: the target allows no method)'),
  unsupportedCharset: entry(415, 'UnsupportedMediaType', 'A JSON body (a request\'s or a `$batch` part\'s) whose Content-Type names a charset other than UTF-8 (RFC 8259 §8.1)'),
  invalidParameter: entry(400, 'BadRequest', 'A parameter of an action or function is missing (and not nullable), unknown, given twice, or not a value of its type, facets or enum members (`target` names the parameter)'),
  handlerFailed: entry(500, 'HandlerFailed', 'A user handler (`--handlers`, `createMockServer({ handlers })`) threw something other than an OData error, returned a promise, or returned a value of the wrong shape (the message names the handler)'),
  noFunctionResult: entry(404, 'ResourceNotFound', 'A function returning one entity, its return type not nullable, has none to return (Protocol §11.5.3.1; a nullable one answers 204)'),
  serviceNotServed: entry(404, 'ResourceNotFound', '`GET /_edmock/openapi/{service}` names no service this mock serves (by name or prefix)'),
  asyncMonitorNotFound: entry(404, 'ResourceNotFound', 'A status monitor (`<service>/$async/{id}`, Protocol §11.6) this session has no open: never given to it, already delivered, cancelled by DELETE, or forgotten as one of more than 1,000 undelivered'),
  // Throttling limits (`--throttle`, docs/throttling.md): Graph's per-application, per-tenant and per-family counts
  overLimit: entry(429, 'TooManyRequests', 'With `--throttle` or `PUT /_edmock/throttle`: a request over a limit of its application, tenant or resource family (`Retry-After`: seconds until the window has room again; `target` names the limit)'),
  invalidThrottleRule: entry(400, 'BadRequest', 'A throttle configuration (`--throttle` file or `PUT /_edmock/throttle`) is not `{"rules": [...]}` or `{"preset": "graph"}`, or a rule has an unknown or invalid member'),
  // Change notifications (docs/notifications.md): Graph's answers to POST and PATCH of a subscription
  subscriptionInvalid: entry(400, 'InvalidRequest', 'A subscription misses a required property, has a `changeType` other than `created`, `updated`, `deleted`, a `notificationUrl` or `lifecycleNotificationUrl` that is not http(s) on this machine, an `expirationDateTime` in the past, a `clientState` over 128 characters, or a `resource` that is no entity set, contained collection or entity'),
  subscriptionExpirationTooFar: entry(400, 'ExtensionError', 'A subscription\'s `expirationDateTime` is further ahead than the maximum for its resource type (Graph\'s table, configurable)'),
  subscriptionValidationFailed: entry(400, 'ValidationError', 'The notification endpoint did not answer the validation request with 200, `text/plain` and the token, or could not be reached'),
  subscriptionValidationTimedOut: entry(400, 'InvalidRequest', 'The notification endpoint did not answer the validation request in time (10 s, Graph\'s limit; configurable)'),
  subscriptionNotFound: entry(404, 'ResourceNotFound', '`POST /_edmock/subscriptions/{id}/lifecycle` names no subscription of this session'),
  syncStateNotFound: entry(410, 'syncStateNotFound', 'A delta query\'s `$deltatoken` or `$skiptoken` is expired (past `--delta-retention`, 7 days by default as Graph\'s for directory objects), unknown, of another collection, or of a change tracking a reset dropped (`Location` is the initial delta query: synchronize again)'),
} as const satisfies Record<string, CatalogEntry>;

export type ErrorName = keyof typeof ERROR_CATALOG;

/** The one constructor of catalog errors: status and code come from the catalog entry. */
function raise(name: ErrorName, message: string, target: string | null = null, details: ODataErrorDetail[] = [], headers?: Record<string, string>): ODataError {
  const { status, code } = ERROR_CATALOG[name];
  return new ODataError(status, code, message, target, details, headers);
}

const quote = (value: string) => `'${value}'`;

/** Graph's challenge on a 401 (WWW-Authenticate), naming its authority and resource. */
const CHALLENGE = 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

export const odataErrors = {
  badRequest: (message: string, target: string | null = null) => raise('badRequest', message, target),
  invalidUrl: (reason: string) => raise('invalidUrl', `The request URL is invalid: ${reason}`),
  unreadableHttp: (reason: string) => raise('unreadableHttp', `The request could not be read as HTTP: ${reason}.`),
  unsupportedVersion: (header: 'OData-Version' | 'OData-MaxVersion', value: string) => raise('unsupportedVersion',
    header === 'OData-Version' ? `The request says OData-Version '${value}'; this service speaks 4.0 and 4.01.` : `This service speaks OData 4.0 and 4.01; OData-MaxVersion '${value}' excludes both.`,
    header),
  invalidSessionHeader: (header: string) => raise('invalidSessionHeader', `The ${header} header must be 1 to 128 letters, digits or ._~- characters.`, header),
  invalidFaultHeader: (header: string, problem: string) => raise('invalidFaultHeader', `${header}: ${problem}`, header),
  invalidFaultRule: (problem: string, target = 'rule') => raise('invalidFaultRule', `Invalid fault rule: ${problem}`, target),
  invalidAdminRequest: (message: string, target: string | null = null) => raise('invalidAdminRequest', message, target),

  malformedJson: (reason: string) => raise('malformedJson', `The request body is not valid JSON: ${reason}`),
  emptyBody: () => raise('emptyBody', 'The request body is empty; a JSON object is required.'),
  missingContentType: (method: string) => raise('missingContentType', `A ${method} request must say in Content-Type what its body is.`, 'Content-Type'),
  bodyNotObject: () => raise('bodyNotObject', 'The request body must be a JSON object.'),
  bodyTooDeep: (maxDepth: number) => raise('bodyTooDeep', `The request body is nested more than ${maxDepth} levels deep.`),
  forbiddenPropertyName: (name: string) => raise('forbiddenPropertyName', `The property name ${quote(name)} is not allowed in a request body.`, name),
  /** One detail per failing property (its `target` is the property path); summary on top. */
  validation: (details: ODataErrorDetail[]) => {
    const first = details[0];
    const message = details.length === 1 && first ? first.message : `The request body has ${details.length} invalid properties.`;
    return raise('validation', message, details.length === 1 && first ? first.target : null, details);
  },
  /** `inBodyJson`: the value sent, as JSON text (it may hold integers beyond 2^53). */
  keyMismatch: (keyName: string, inUrl: string, inBodyJson: string) =>
    raise('keyMismatch', `The key property ${quote(keyName)} in the body (${inBodyJson}) does not match the key in the URL (${quote(inUrl)}); key properties cannot be changed.`, keyName),
  typeNotAllowed: (given: string, declared: string, allowed: string[]) =>
    raise('typeNotAllowed', `The type ${quote(given)} cannot be used here: the resource is declared as ${quote(declared)}. Allowed types: ${allowed.map(quote).join(', ') || 'none'}.`, '@odata.type'),
  typeRequired: (declared: string, allowed: string[]) =>
    raise('typeRequired', `${quote(declared)} is abstract, so the body must name a concrete type in @odata.type. Allowed types: ${allowed.map(quote).join(', ') || 'none'}.`, '@odata.type'),
  unsupportedFeature: (what: string, target: string | null = null) => raise('unsupportedFeature', `${what} is not supported by this mock yet.`, target),
  refBodyInvalid: (reason: string) => raise('refBodyInvalid', `Invalid reference body: ${reason}`, '@odata.id'),
  refTypeMismatch: (actual: string, expected: string) =>
    raise('refTypeMismatch', `The referenced entity is a ${quote(actual)}, which is not a ${quote(expected)} or derived from it.`, '@odata.id'),
  // Graph's directory services answer a duplicate reference with this 400 wording.
  refAlreadyExists: (navigation: string) =>
    raise('refAlreadyExists', `One or more added object references already exist for the following modified properties: ${quote(navigation)}.`, navigation),
  fixtureRejected: (message: string, cause?: ODataError) => raise('fixtureRejected', message, cause?.target ?? null, cause?.details ?? []),

  unauthenticated: (message: string) => raise('unauthenticated', message, null, [], { 'WWW-Authenticate': CHALLENGE }),
  forbidden: (method: string, path: string, needed: string) =>
    raise('forbidden', `Insufficient privileges to complete the operation. ${method} ${path} needs one of these permissions (${needed}).`, null, [
      { code: 'MissingPermission', message: needed, target: path },
    ]),
  adminForbidden: (role: string) =>
    raise('forbidden', `Insufficient privileges to complete the operation. The admin API needs the admin token or a token whose roles hold '${role}'.`, null, [
      { code: 'MissingPermission', message: `application: ${role}`, target: '/_edmock' },
    ]),

  segmentNotFound: (segment: string) => raise('segmentNotFound', `Resource not found for the segment ${quote(segment)}.`, segment),
  entityNotFound: (type: string, key: string) => raise('entityNotFound', `No ${quote(type)} with key ${quote(key)} exists at this path.`, key),
  refTargetNotFound: (url: string) => raise('refTargetNotFound', `The entity referenced by ${quote(url)} does not exist.`, '@odata.id'),
  linkNotFound: (key: string, navigation: string) => raise('linkNotFound', `No reference with key ${quote(key)} exists in ${quote(navigation)}.`, key),
  faultRuleNotFound: (id: string) => raise('faultRuleNotFound', `No fault rule '${id}' in this session.`, id),
  sessionNotFound: (id: string) => raise('sessionNotFound', `No session '${id}'.`, id),

  methodNotAllowed: (method: string, path: string, allowed: string[]) =>
    raise('methodNotAllowed', `The HTTP method ${quote(method)} is not allowed on ${quote(path)}. Allowed: ${allowed.join(', ')}.`, null, [], { Allow: allowed.join(', ') }),
  notAcceptable: (accept: string, served = 'application/json') => raise('notAcceptable', `None of the media types in Accept ('${accept}') can be served; this resource is sent as ${served}.`, 'Accept'),
  formatNotAcceptable: (format: string) => raise('formatNotAcceptable', `$format '${format}' is not supported; this service answers JSON.`, '$format'),
  metadataFormatNotAcceptable: (format: string) => raise('formatNotAcceptable', `$format '${format}' is not available for $metadata; it is served as application/xml, or as CSDL JSON with $format=json.`, '$format'),

  entityExists: (key: string) => raise('entityExists', `An entity with key ${quote(key)} already exists in this collection.`, 'id'),
  verificationFailed: (message: string, details: ODataErrorDetail[]) => raise('verificationFailed', message, null, details),
  preconditionFailed: (header: string) => raise('preconditionFailed', `The entity does not satisfy ${header}: it has been changed, or the tag does not match.`, header),
  bodyTooLarge: (limitBytes: number) => raise('bodyTooLarge', `The request body exceeds the limit of ${limitBytes} bytes.`),
  unsupportedMediaType: (contentType: string | undefined) =>
    raise('unsupportedMediaType', `The content type ${quote(contentType ?? '(none)')} is not supported; send application/json.`),
  unsupportedEncoding: (encoding: string) => raise('unsupportedEncoding', `Content-Encoding '${encoding}' is not supported; send the JSON body uncompressed.`, 'Content-Encoding'),
  uriTooLong: () => raise('uriTooLong', 'A segment of the request URL is too long.'),
  headersTooLarge: () => raise('headersTooLarge', 'The request headers are too large.'),

  throttled: (retryAfter: number) => raise('throttled', `Too many requests: the client application has been throttled. Retry after ${retryAfter} seconds.`, null, [], { 'Retry-After': String(retryAfter) }),
  faultUnavailable: (retryAfter: number) => raise('faultUnavailable', `The service is temporarily unavailable. Retry after ${retryAfter} seconds.`, null, [], { 'Retry-After': String(retryAfter) }),
  faultTimeout: () => raise('faultTimeout', 'The operation timed out before the service answered.'),
  faultError: () => raise('faultError', 'An unspecified error has occurred.'),

  internal: () => raise('internal', 'The mock failed to process the request.'),
  notImplemented: (what: string) => raise('notImplemented', `${what} is not implemented by this mock yet.`),

  malformedBatch: (problem: string, target: string | null = null) => raise('malformedBatch', `The batch request body cannot be read: ${problem}`, target),
  batchInvalid: (message: string, target: string | null = null) => raise('batchInvalid', message, target),
  batchTooLarge: (count: number, limit: number) => raise('batchTooLarge', `The batch holds ${count} requests; the limit is ${limit}.`),
  failedDependency: (id: string, because: string) => raise('failedDependency', `Request ${quote(id)} was not run: ${because}.`, id),
  missingHost: () => raise('missingHost', 'An HTTP/1.1 request must carry a Host header.', 'Host'),
  tunnelRefused: (target: string) => raise('tunnelRefused', `CONNECT ${target}: this server is not a proxy and opens no tunnels.`, null, [], { Allow: '' }),
  unsupportedCharset: (charset: string) => raise('unsupportedCharset', `The charset ${quote(charset)} is not supported: JSON is UTF-8 (RFC 8259 §8.1); send the body in UTF-8.`, 'Content-Type'),
  invalidParameter: (operation: string, parameter: string, problem: string) =>
    raise('invalidParameter', `The parameter ${quote(parameter)} of ${quote(operation)} ${problem}.`, parameter),
  /** `cause` is kept on the error, for the server's log to show its stack. */
  handlerFailed: (handler: string, problem: string, cause?: unknown) => {
    const error = raise('handlerFailed', `The handler ${handler} failed: ${problem}`, handler);
    if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause });
    return error;
  },
  noFunctionResult: (operation: string, type: string) =>
    raise('noFunctionResult', `The function ${quote(operation)} has no ${quote(type)} to return, and its return type is not nullable.`),
  serviceNotServed: (service: string, served: string[]) =>
    raise('serviceNotServed', `No service ${quote(service)} is served here (${served.join(', ')}).`, service),
  asyncMonitorNotFound: (id: string) =>
    raise('asyncMonitorNotFound', `No status monitor ${quote(id)} is open in this session: its result was delivered, it was cancelled, or it never existed.`),
  /** `limit` says the rule in words (`100 requests per 20 seconds per application per tenant`); `headers` adds Graph's x-ms-throttle-scope where it applies. */
  overLimit: (name: string, limit: string, retryAfter: number, headers: Record<string, string> = {}) =>
    raise('overLimit', `Too many requests: the limit ${quote(name)} (${limit}) is used up. Retry after ${retryAfter} seconds.`, name, [], { 'Retry-After': String(retryAfter), ...headers }),
  invalidThrottleRule: (problem: string, target = 'rules') => raise('invalidThrottleRule', `Invalid throttle configuration: ${problem}`, target),
  // Graph's wordings, where its answers are known (docs/notifications.md cites them).
  subscriptionInvalid: (message: string, target: string | null = null) => raise('subscriptionInvalid', message, target),
  subscriptionExpirationTooFar: (minutes: number) => raise('subscriptionExpirationTooFar', `Subscription expiration can only be ${minutes} minutes in the future.`, 'expirationDateTime'),
  subscriptionValidationFailed: (problem: string) => raise('subscriptionValidationFailed', `Subscription validation request failed. ${problem}`, 'notificationUrl'),
  subscriptionValidationTimedOut: () => raise('subscriptionValidationTimedOut', 'Subscription validation request timed out.', 'notificationUrl'),
  subscriptionNotFound: (id: string) => raise('subscriptionNotFound', `No subscription '${id}' in this session.`, id),
  /** Graph's message (errors.md, code syncStateNotFound); the detail says which check failed. */
  syncStateNotFound: (location: string, why: string) =>
    raise('syncStateNotFound', 'The sync state generation is not found. The delta token is expired and data must be synchronized again.', null,
      [{ code: 'syncStateNotFound', message: `The delta token ${why}.`, target: null }], { Location: location }),
};

/** A nested body's error, its targets below `prefix` (`errorCode` -> `deviceStatuses/0/errorCode`); same status and code. */
export function retargeted(error: ODataError, prefix: string): ODataError {
  const at = (target: string | null) => (target ? `${prefix}/${target}` : prefix);
  return new ODataError(error.status, error.code, error.message, at(error.target), error.details.map((d) => ({ ...d, target: at(d.target) })), error.headers);
}

export interface RequestIdentity {
  requestId: string;
  clientRequestId: string | undefined;
  /** Graph's innerError.date: UTC, seconds precision, no offset suffix. */
  date: string;
}

export function errorPayload(error: ODataError, identity: RequestIdentity) {
  return {
    error: {
      code: error.code,
      message: error.message,
      target: error.target,
      details: error.details,
      innerError: {
        date: identity.date,
        'request-id': identity.requestId,
        'client-request-id': identity.clientRequestId ?? identity.requestId,
      },
    },
  };
}
