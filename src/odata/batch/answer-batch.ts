import { odataErrors } from '../errors.js';
import type { ODataRequest, ODataResponse, PipelineHost, RequestPipeline, RequestSession, ServiceMount } from '../exchange.js';
import { headerValue, isJsonMediaType } from '../request-headers.js';
import { rawResponse } from '../respond.js';
import { checkRequestVersion } from '../response-format.js';
import { readJsonBatch, writeJsonBatch } from './json-batch.js';
import { multipartBatch } from './multipart-batch.js';
import { runBatch } from './run-batch.js';

// The `$batch` resource of a service (Protocol §11.7): POST only; the body's Content-Type names
// the format, and the answer comes in the same one. The batch itself is answered 200 whenever it
// could be read (Protocol §11.7.1, Graph): each part's own status is inside. The token is checked
// once for the batch (Graph refuses an unauthenticated batch as a whole) and each part's
// permissions as the part runs.

const BATCH_METHODS = ['POST'];

export function answerBatch(
  host: PipelineHost, mount: ServiceMount, request: ODataRequest, session: RequestSession, pipeline: RequestPipeline, rawPath: string,
): ODataResponse | Promise<ODataResponse> {
  if (request.method !== 'POST') throw odataErrors.methodNotAllowed(request.method, rawPath, BATCH_METHODS);
  host.authorizer(mount.prefix)?.authenticate(headerValue(request.headers, 'authorization'));
  checkRequestVersion(headerValue(request.headers, 'odata-version'));
  const type = headerValue(request.headers, 'content-type') ?? '';
  const multipart = /^\s*multipart\/mixed\s*(;|$)/i.test(type);
  if (!multipart && !isJsonMediaType(type)) throw odataErrors.unsupportedMediaType(type === '' ? undefined : type);
  const parts = multipart ? multipartBatch.read(multipartBody(request.body), type) : readJsonBatch(request.body);
  // A JSON batch runs every request whose dependencies succeeded (JSON §19.4); a multipart batch
  // stops at the first failure (Protocol §11.7.7.4). Either way, unless the client prefers otherwise.
  const preferred = continueOnErrorPreference(headerValue(request.headers, 'prefer'));
  const continueOnError = preferred ?? !multipart;
  const run = runBatch({ host, mount, batch: request, session, pipeline, continueOnError }, parts);
  if (run.dropped) return { status: 0, headers: {}, body: undefined, drop: true };
  const written = multipart ? multipartBatch.write(run.outcome) : { contentType: 'application/json', body: writeJsonBatch(run.outcome) };
  const applied = preferred === undefined ? undefined : { 'Preference-Applied': `odata.continue-on-error${preferred ? '' : '=false'}` };
  const response = rawResponse(request, 200, written.body, written.contentType, applied);
  if (run.delayMs <= 0) return response;
  return new Promise((resolve) => setTimeout(() => resolve(response), run.delayMs));
}

/** Protocol §8.2.8.3: `continue-on-error` (or `odata.continue-on-error`), bare meaning true. */
function continueOnErrorPreference(prefer: string | undefined): boolean | undefined {
  if (prefer === undefined) return undefined;
  const match = /(?:^|[,;\s])(?:odata\.)?continue-on-error\s*(?:=\s*"?(true|false)"?)?\s*(?:[,;]|$)/i.exec(prefer);
  if (!match) return undefined;
  return match[1] === undefined || match[1].toLowerCase() === 'true';
}

/** The bytes of a multipart body as the transport read them; none is a batch without parts. */
function multipartBody(body: unknown): Buffer | string {
  if (Buffer.isBuffer(body) || typeof body === 'string') return body;
  throw odataErrors.malformedBatch('the multipart body is empty.');
}

/**
 * `$batch` below the service root, spelled as URLs may spell it; with a trailing slash too, which
 * every other path tolerates (the SAP Cloud SDK's token probe sends `$batch/`).
 */
export const isBatchPath = (path: string): boolean => path.length <= 11 && /^\/(\$|%24)batch\/?$/i.test(path);
