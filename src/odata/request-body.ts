import { odataErrors } from './errors.js';
import { parseJsonBody } from './lossless-json.js';

// Request bodies are JSON (OData JSON Format). Reading one is transport-free, so that a `$batch`
// part's body goes through exactly what a single request's does. Two shapes are refused before
// any operation sees them:
// - a member named `__proto__`: JSON.parse makes it an own property, harmless by itself but one
//   careless spread away from changing an object's prototype;
// - nesting deeper than MAX_DEPTH: no OData payload needs it, and every recursive step after
//   parsing (validation, serialisation) would otherwise be a stack overflow waiting for input.

export const MAX_DEPTH = 64;

/** Recursive, but never deeper than MAX_DEPTH: hostile depth is refused before it can matter. */
function checkShape(value: unknown, depth: number): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth >= MAX_DEPTH) throw odataErrors.bodyTooDeep(MAX_DEPTH);
  if (Array.isArray(value)) {
    for (const item of value) checkShape(item, depth + 1);
    return;
  }
  for (const key in value) {
    if (key === '__proto__') throw odataErrors.forbiddenPropertyName(key);
    checkShape((value as Record<string, unknown>)[key], depth + 1);
  }
}

/** RFC 9110 §8.4: a coding the server does not apply is a 415, not a body read as plain text. */
export function checkContentEncoding(encoding: string | undefined): void {
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') throw odataErrors.unsupportedEncoding(encoding);
}

/** A JSON request body, parsed (Int64 beyond 2^53 kept exactly) and checked; an ODataError otherwise. */
export function readJsonBody(text: string): unknown {
  if (text.trim() === '') throw odataErrors.emptyBody();
  let parsed: unknown;
  try {
    parsed = parseJsonBody(text);
  } catch (error) {
    throw odataErrors.malformedJson((error as Error).message);
  }
  checkShape(parsed, 0);
  return parsed;
}

/**
 * RFC 8259 §8.1: JSON exchanged between systems is UTF-8. A body declared in another charset
 * would be decoded as UTF-8 anyway and stored mangled (`café` in ISO-8859-1 becomes `caf\uFFFD`),
 * so it is a 415 instead. A Content-Type without a charset is UTF-8.
 */
export function checkJsonCharset(contentType: string | undefined): void {
  if (contentType === undefined) return;
  const match = /;\s*charset\s*=\s*("([^"]*)"|[^;\s]*)/i.exec(contentType);
  if (!match) return;
  const charset = (match[2] ?? match[1] ?? '').trim();
  if (charset.toLowerCase() !== 'utf-8') throw odataErrors.unsupportedCharset(charset);
}

/**
 * Methods whose request content has no defined meaning (RFC 9110 §9.3.1, §9.3.2, §9.3.5, §9.3.7).
 * Clients (o.js, @odata/client, SAP's generated clients) send `Content-Type: application/json` on
 * every request, these included, so an empty body here is no body, not a JSON body missing.
 */
const BODYLESS_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS']);

/**
 * A request's body as the operation sees it, whatever carried the request (an HTTP request or a
 * `$batch` part): undefined where it carries no meaning, the checked JSON otherwise. A non-empty
 * body on DELETE is still read, so that malformed or hostile JSON is refused as anywhere else,
 * and then goes unused: RFC 9110 §9.3.5 says it cannot alter the meaning or target of the request.
 */
export function readRequestBody(method: string, text: string): unknown {
  if (BODYLESS_METHODS.has(method.toUpperCase()) && text.trim() === '') return undefined;
  return readJsonBody(text);
}
