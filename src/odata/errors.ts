// The one catalog of OData errors (DESIGN.md §5). Everything the server rejects is raised from
// here by name, so status, code and wording stay consistent. The codes follow what Microsoft
// Graph's services answer (`BadRequest`, `ResourceNotFound`, ...); the body shape is OData JSON
// Format 4.01 §21 with Graph's `innerError` (date, request-id, client-request-id).

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

const quote = (value: string) => `'${value}'`;

export const odataErrors = {
  badRequest: (message: string, target: string | null = null) => new ODataError(400, 'BadRequest', message, target),
  malformedJson: (reason: string) => new ODataError(400, 'BadRequest', `The request body is not valid JSON: ${reason}`),
  forbiddenPropertyName: (name: string) =>
    new ODataError(400, 'BadRequest', `The property name ${quote(name)} is not allowed in a request body.`, name),
  emptyBody: () => new ODataError(400, 'BadRequest', 'The request body is empty; a JSON object is required.'),
  bodyNotObject: () => new ODataError(400, 'BadRequest', 'The request body must be a JSON object.'),
  invalidUrl: (reason: string) => new ODataError(400, 'BadRequest', `The request URL is invalid: ${reason}`),
  /** One detail per failing property (its `target` is the property path); summary on top. */
  validation: (details: ODataErrorDetail[]) => {
    const first = details[0];
    const message = details.length === 1 && first ? first.message : `The request body has ${details.length} invalid properties.`;
    return new ODataError(400, 'BadRequest', message, details.length === 1 && first ? first.target : null, details);
  },
  keyMismatch: (keyName: string, inUrl: string, inBody: unknown) =>
    new ODataError(400, 'BadRequest', `The key property ${quote(keyName)} in the body (${JSON.stringify(inBody)}) does not match the key in the URL (${quote(inUrl)}); key properties cannot be changed.`, keyName),
  typeNotAllowed: (given: string, declared: string, allowed: string[]) =>
    new ODataError(400, 'BadRequest', `The type ${quote(given)} cannot be used here: the resource is declared as ${quote(declared)}. Allowed types: ${allowed.map(quote).join(', ') || 'none'}.`, '@odata.type'),
  typeRequired: (declared: string, allowed: string[]) =>
    new ODataError(400, 'BadRequest', `${quote(declared)} is abstract, so the body must name a concrete type in @odata.type. Allowed types: ${allowed.map(quote).join(', ') || 'none'}.`, '@odata.type'),
  unsupportedFeature: (what: string, target: string | null = null) =>
    new ODataError(400, 'BadRequest', `${what} is not supported by this mock yet.`, target),
  refBodyInvalid: (reason: string) => new ODataError(400, 'BadRequest', `Invalid reference body: ${reason}`, '@odata.id'),
  refTypeMismatch: (actual: string, expected: string) =>
    new ODataError(400, 'BadRequest', `The referenced entity is a ${quote(actual)}, which is not a ${quote(expected)} or derived from it.`, '@odata.id'),
  // Graph's directory services answer a duplicate reference with this 400 wording.
  refAlreadyExists: (navigation: string) =>
    new ODataError(400, 'BadRequest', `One or more added object references already exist for the following modified properties: ${quote(navigation)}.`, navigation),
  segmentNotFound: (segment: string) => new ODataError(404, 'ResourceNotFound', `Resource not found for the segment ${quote(segment)}.`, segment),
  entityNotFound: (type: string, key: string) =>
    new ODataError(404, 'ResourceNotFound', `No ${quote(type)} with key ${quote(key)} exists at this path.`, key),
  refTargetNotFound: (url: string) => new ODataError(404, 'ResourceNotFound', `The entity referenced by ${quote(url)} does not exist.`, '@odata.id'),
  linkNotFound: (key: string, navigation: string) =>
    new ODataError(404, 'ResourceNotFound', `No reference with key ${quote(key)} exists in ${quote(navigation)}.`, key),
  methodNotAllowed: (method: string, path: string, allowed: string[]) =>
    new ODataError(405, 'MethodNotAllowed', `The HTTP method ${quote(method)} is not allowed on ${quote(path)}. Allowed: ${allowed.join(', ')}.`, null, [], { Allow: allowed.join(', ') }),
  entityExists: (key: string) =>
    new ODataError(409, 'Conflict', `An entity with key ${quote(key)} already exists in this collection.`, 'id'),
  bodyTooLarge: (limitBytes: number) =>
    new ODataError(413, 'RequestEntityTooLarge', `The request body exceeds the limit of ${limitBytes} bytes.`),
  unsupportedMediaType: (contentType: string | undefined) =>
    new ODataError(415, 'UnsupportedMediaType', `The content type ${quote(contentType ?? '(none)')} is not supported; send application/json.`),
  notImplemented: (what: string) => new ODataError(501, 'NotImplemented', `${what} is not implemented by this mock yet.`),
  internal: () => new ODataError(500, 'InternalServerError', 'The mock failed to process the request.'),
};

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
