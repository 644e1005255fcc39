import { randomUUID } from 'node:crypto';
import { odataErrors } from '../errors.js';
import type { ODataRequest, RequestHeaders } from '../exchange.js';
import { checkContentEncoding, checkJsonCharset, readRequestBody } from '../request-body.js';
import type { BatchPart } from './batch-part.js';
import { isJsonMediaType } from '../request-headers.js';
import { partTarget, type CreatedEntities } from './part-target.js';

// A batch part as the single request it stands for: its own method, URL, headers and body, the
// batch's origin, a request-id of its own and a link to the batch (for the journal). Its body is
// read by the same rules as a request's own body (request-body.ts): JSON or a 415.

/**
 * Headers of the batch request that belong to the batch and not to its parts (Protocol §8 says
 * per header): how the batch itself is framed, what the batch prefers (continue-on-error,
 * respond-async; `return=` and `maxpagesize` are not for a batch, §8.2.8), and the batch's own
 * correlation id and fault header. Accept, OData-Version, OData-MaxVersion, Isolation and the
 * credentials apply to every part, unless the part sends its own.
 */
const BATCH_ONLY = new Set([
  'content-type', 'content-length', 'content-encoding', 'transfer-encoding', 'connection', 'expect',
  'prefer', 'client-request-id', 'x-edmock-fault',
]);

export interface PartRequest {
  request: ODataRequest;
  /** Why the part cannot run (its URL or body); the request is still complete enough to answer it. */
  error?: unknown;
}

export function partRequest(batch: ODataRequest, part: BatchPart, prefix: string, created: CreatedEntities): PartRequest {
  const headers = mergedHeaders(batch.headers, part.headers);
  const request: ODataRequest = {
    method: part.method, url: fallbackTarget(part.url, prefix), headers, body: undefined, bodyText: part.bodyText,
    origin: batch.origin, requestId: randomUUID(), batch: { requestId: batch.requestId, id: part.id },
  };
  try {
    request.url = partTarget(part.url, prefix, created);
    if (part.body !== undefined) checkPartCharset(headers); // a JSON batch's part body, already read from the UTF-8 envelope
    request.body = part.body !== undefined ? part.body : partBody(part.method, part.bodyText, headers);
    return { request };
  } catch (error) {
    return { request, error };
  }
}

function mergedHeaders(batch: RequestHeaders, part: Record<string, string>): RequestHeaders {
  const headers: RequestHeaders = {};
  for (const name in batch) if (!BATCH_ONLY.has(name)) headers[name] = batch[name];
  // `Accept: multipart/mixed` asks for the batch's own format, not the parts'.
  if (typeof headers.accept === 'string' && /multipart\//i.test(headers.accept)) delete headers.accept;
  for (const name in part) headers[name] = part[name];
  return headers;
}

/** The part's URL, for the journal and the error, when it cannot be resolved. */
function fallbackTarget(url: string, prefix: string): string {
  return url.startsWith('/') ? url : `${prefix}/${url}`;
}

/** As Fastify and server/body-parsers.ts read a single request's body: none, JSON, or a 415. */
function partBody(method: string, text: string | undefined, headers: RequestHeaders): unknown {
  if (text === undefined) return undefined;
  const type = headers['content-type'];
  if (text === '' && !isJsonMediaType(type)) return undefined;
  if (!isJsonMediaType(type)) throw odataErrors.unsupportedMediaType(typeof type === 'string' ? type : undefined);
  const encoding = headers['content-encoding'];
  checkContentEncoding(typeof encoding === 'string' ? encoding : undefined);
  checkPartCharset(headers);
  return readRequestBody(method, text);
}

/** The same rule as a request's own body: a part whose JSON says another charset than UTF-8 is a 415. */
function checkPartCharset(headers: RequestHeaders): void {
  const type = headers['content-type'];
  checkJsonCharset(typeof type === 'string' ? type : undefined);
}
