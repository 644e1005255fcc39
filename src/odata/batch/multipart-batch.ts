import { randomUUID } from 'node:crypto';
import { odataErrors } from '../errors.js';
import type { BatchFormat, BatchOutcome, BatchPart, BatchPartResult } from './batch-part.js';
import { readHeaderBlock, readHttpRequest, writeHttpResponse } from './http-message.js';
import { boundaryOf, parseMediaType, splitParts, type PartRange } from './multipart-scanner.js';

// The multipart batch format (Protocol 4.0 §11.7, 4.01 §11.7.7): a `multipart/mixed` body of
// `application/http` parts and change sets read into BatchParts, and a BatchOutcome written back in
// the same structure. How parts run (order, atomicity, `$<id>` references) is the runner's job.

/**
 * Ids edmock makes up carry this character, which a Content-ID cannot (request-id = 1*unreserved,
 * OData ABNF; Content-IDs are checked against it): a part without a Content-ID is `#<position>`,
 * a change set `changeset#<n>`, so neither can collide with an id a client chose, `$1` can only
 * ever reference the client's `1`, and the writer knows which parts had a Content-ID to echo.
 */
const MADE_UP = '#';
const REQUEST_ID = /^[A-Za-z0-9._~-]+$/;

export const multipartBatch: BatchFormat = { read: readBatch, write: writeBatch };

/** Where the parts read so far go, and the Content-IDs taken. */
interface Reading {
  bytes: Buffer;
  parts: BatchPart[];
  contentIds: Set<string>;
  changeSets: number;
}

function readBatch(body: Buffer | string, contentType: string): BatchPart[] {
  const type = parseMediaType(contentType).type;
  if (type !== 'multipart/mixed') throw odataErrors.malformedBatch(`a multipart batch is sent as multipart/mixed, not '${type}' (Protocol 4.01 §11.7.1).`);
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const reading: Reading = { bytes, parts: [], contentIds: new Set(), changeSets: 0 };
  const ranges = splitParts(bytes, boundaryOf(contentType, 'the batch request'), 'the batch request');
  ranges.forEach((range, index) => readTopLevelPart(reading, range, `batch part ${index + 1}`));
  return reading.parts;
}

/** An `application/http` request, or a `multipart/mixed` change set (Protocol 4.01 §11.7.7.1). */
function readTopLevelPart(reading: Reading, range: PartRange, where: string): void {
  const { headers, bodyStart } = readHeaderBlock(reading.bytes, range.start, range.end, where);
  const contentType = headers.get('content-type') ?? '';
  const type = parseMediaType(contentType).type;
  if (type === 'application/http') {
    readRequestPart(reading, reading.bytes, { start: bodyStart, end: range.end }, headers, where, undefined);
  } else if (type === 'multipart/mixed') {
    readChangeSet(reading, { start: bodyStart, end: range.end }, contentType, where);
  } else {
    throw notHttp(where, contentType);
  }
}

function notHttp(where: string, contentType: string) {
  const said = contentType === '' ? 'no Content-Type' : `Content-Type '${contentType}'`;
  return odataErrors.malformedBatch(`${where} has ${said}; each part must be application/http or a multipart/mixed change set (Protocol 4.01 §11.7.7.1).`);
}

/** A change set's parts share one atomicity group, in the order written. */
function readChangeSet(reading: Reading, range: PartRange, contentType: string, where: string): void {
  const group = `changeset${MADE_UP}${++reading.changeSets}`;
  const bytes = reading.bytes.subarray(range.start, range.end);
  const ranges = splitParts(bytes, boundaryOf(contentType, `the change set in ${where}`), `the change set in ${where}`);
  ranges.forEach((inner, index) => {
    const innerWhere = `part ${index + 1} of the change set in ${where}`;
    const { headers, bodyStart } = readHeaderBlock(bytes, inner.start, inner.end, innerWhere);
    const innerType = headers.get('content-type') ?? '';
    const type = parseMediaType(innerType).type;
    if (type === 'multipart/mixed') throw odataErrors.batchInvalid(`The batch request is invalid: ${innerWhere} is a change set inside a change set; change sets do not nest (Protocol 4.01 §11.7.7.1).`);
    if (type !== 'application/http') throw notHttp(innerWhere, innerType);
    readRequestPart(reading, bytes, { start: bodyStart, end: inner.end }, headers, innerWhere, group);
  });
}

function readRequestPart(reading: Reading, bytes: Buffer, range: PartRange, mimeHeaders: Map<string, string>, where: string, group: string | undefined): void {
  const request = readHttpRequest(bytes, range.start, range.end, where);
  if (isBatchRequest(request.url)) throw odataErrors.batchInvalid(`The batch request is invalid: ${where} is itself a $batch request; a batch holds individual requests and change sets only (Protocol 4.01 §11.7).`);
  if (group !== undefined && (request.method === 'GET' || request.method === 'HEAD')) {
    throw odataErrors.batchInvalid(`The batch request is invalid: ${where} is a ${request.method}; a change set groups data modification and action requests only (Protocol 4.01 §11.7.2).`);
  }
  const id = contentIdOf(reading, mimeHeaders, where) ?? `${MADE_UP}${reading.parts.length + 1}`;
  const part: BatchPart = { id, method: request.method, url: request.url, headers: Object.fromEntries(request.headers), bodyText: request.bodyText, dependsOn: [] };
  if (group !== undefined) part.atomicityGroup = group;
  reading.parts.push(part);
}

/** The last path segment is `$batch` (percent-encoded or not), before any query. */
function isBatchRequest(url: string): boolean {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  const last = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  return last === '$batch' || last === '%24batch';
}

/**
 * The part's Content-ID, which names it for `$<id>` references: a request-id (`1*unreserved`, OData
 * ABNF), unique within the batch (Protocol 4.01 §11.7.3). Optional, although 4.01 §11.7.7.1 asks
 * for one in change sets: @odata/client sends change sets without.
 */
function contentIdOf(reading: Reading, mimeHeaders: Map<string, string>, where: string): string | undefined {
  const id = mimeHeaders.get('content-id');
  if (id === undefined) return undefined;
  if (!REQUEST_ID.test(id)) throw odataErrors.batchInvalid(`The batch request is invalid: ${where} has Content-ID '${id}'; a request id is letters, digits and '-._~' only (OData ABNF request-id).`);
  if (reading.contentIds.has(id)) throw odataErrors.batchInvalid(`The batch request is invalid: ${where} has Content-ID '${id}', which an earlier part has; request ids are unique within a batch (Protocol 4.01 §11.7.3).`);
  reading.contentIds.add(id);
  return id;
}

type Chunk = string | Buffer;

/**
 * One part per result, in the parts' order; a change set's results in a nested multipart/mixed part
 * at the place of its first, except a failed change set, answered by its failing response alone
 * (Protocol 4.0 §11.7.4, 4.01 §11.7.7.5). CRLF line endings throughout (RFC 2046 §5.1.1).
 */
function writeBatch(outcome: BatchOutcome): { contentType: string; body: string | Buffer } {
  const boundary = `batchresponse_${randomUUID()}`;
  const chunks: Chunk[] = [];
  for (const entry of topLevelEntries(outcome)) {
    chunks.push(`--${boundary}\r\n`, ...(Array.isArray(entry) ? changeSetPart(entry) : responsePart(entry)), '\r\n');
  }
  chunks.push(`--${boundary}--\r\n`);
  const body = chunks.some((chunk) => typeof chunk !== 'string')
    ? Buffer.concat(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)))
    : chunks.join('');
  return { contentType: `multipart/mixed; boundary=${boundary}`, body };
}

/** Each result alone, or a change set's results together, or a failed change set's one failure. */
function topLevelEntries(outcome: BatchOutcome): (BatchPartResult | BatchPartResult[])[] {
  const entries: (BatchPartResult | BatchPartResult[])[] = [];
  const changeSets = new Map<string, BatchPartResult[]>();
  for (const result of outcome.results) {
    const group = result.part.atomicityGroup;
    if (group === undefined) {
      entries.push(result);
      continue;
    }
    const failure = outcome.failedGroups.get(group);
    const members = changeSets.get(group);
    if (failure !== undefined) {
      if (members === undefined) entries.push(failure);
      changeSets.set(group, []);
    } else if (members === undefined) {
      const first = [result];
      changeSets.set(group, first);
      entries.push(first);
    } else {
      members.push(result);
    }
  }
  return entries;
}

function changeSetPart(results: BatchPartResult[]): Chunk[] {
  const boundary = `changesetresponse_${randomUUID()}`;
  const chunks: Chunk[] = [`Content-Type: multipart/mixed; boundary=${boundary}\r\n\r\n`];
  for (const result of results) chunks.push(`--${boundary}\r\n`, ...responsePart(result), '\r\n');
  chunks.push(`--${boundary}--`);
  return chunks;
}

/** Content-ID is echoed when the request had one (Protocol 4.01 §11.7.7.4). */
function responsePart(result: BatchPartResult): Chunk[] {
  const contentId = result.part.id.includes(MADE_UP) ? '' : `Content-ID: ${result.part.id}\r\n`;
  return [`Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n${contentId}\r\n`, ...writeHttpResponse(result.response)];
}
