import { odataErrors } from '../errors.js';
import { stringifyJson } from '../response-json.js';
import type { ODataResponse } from '../exchange.js';
import { isJsonMediaType } from '../request-headers.js';
import type { BatchOutcome, BatchPart } from './batch-part.js';

// The JSON batch format: OData 4.01 JSON Format §19 and Microsoft Graph's JSON batching.
//   request:  {"requests": [{"id", "method", "url", "headers"?, "body"?, "dependsOn"?, "atomicityGroup"?}]}
//   response: {"responses": [{"id", "status", "headers"?, "body"?}]}
// A body is a JSON value when the part's Content-Type is JSON, a string for text/*, and
// base64url for anything else (JSON §19.1); Graph also accepts base64 for a JSON body.

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE']);

/** The parts of a JSON batch, from its body as the JSON reader parsed it. */
export function readJsonBatch(body: unknown): BatchPart[] {
  if (!isObject(body) || !Array.isArray(body.requests)) throw odataErrors.malformedBatch('A JSON batch is an object with a "requests" array.');
  return body.requests.map((item: unknown, index: number) => readRequest(item, index));
}

function readRequest(item: unknown, index: number): BatchPart {
  if (!isObject(item)) throw odataErrors.malformedBatch(`Request ${index + 1} of the batch is not an object.`);
  const { id, method, url } = item;
  if (typeof id !== 'string' || id === '') throw odataErrors.malformedBatch(`Request ${index + 1} of the batch has no "id" string.`, `requests/${index}/id`);
  if (typeof method !== 'string' || !METHODS.has(method.toUpperCase())) {
    throw odataErrors.malformedBatch(`Request '${id}' has no "method" of ${[...METHODS].join(', ')}.`, id);
  }
  if (typeof url !== 'string' || url === '') throw odataErrors.malformedBatch(`Request '${id}' has no "url" string.`, id);
  const headers = readHeaders(item.headers, id);
  const part: BatchPart = { id, method: method.toUpperCase(), url, headers, bodyText: undefined, dependsOn: readIds(item.dependsOn, id, 'dependsOn') };
  if (item.atomicityGroup !== undefined) {
    if (typeof item.atomicityGroup !== 'string' || item.atomicityGroup === '') throw odataErrors.malformedBatch(`Request '${id}' has an "atomicityGroup" that is not a string.`, id);
    part.atomicityGroup = item.atomicityGroup;
  }
  if (item.body !== undefined) readBody(part, item.body);
  return part;
}

function readHeaders(value: unknown, id: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (value === undefined) return headers;
  if (!isObject(value)) throw odataErrors.malformedBatch(`Request '${id}' has "headers" that are not an object.`, id);
  for (const name in value) {
    const header = value[name];
    if (typeof header !== 'string') throw odataErrors.malformedBatch(`Header '${name}' of request '${id}' is not a string.`, id);
    headers[name.toLowerCase()] = header;
  }
  return headers;
}

function readIds(value: unknown, id: string, member: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw odataErrors.malformedBatch(`"${member}" of request '${id}' is not an array of ids.`, id);
  return value;
}

/** JSON §19.1: the body's encoding follows the part's Content-Type. */
function readBody(part: BatchPart, body: unknown): void {
  const type = part.headers['content-type'] ?? '';
  if (typeof body !== 'string') {
    part.body = body;
    part.bodyText = stringifyJson(body); // exact: BigInt and DecimalText keep their digits
  } else if (/^\s*text\//i.test(type)) {
    part.bodyText = body;
  } else {
    // base64url (JSON §19.1); Graph sends a JSON body this way too when it is not an object.
    part.bodyText = Buffer.from(body, 'base64url').toString('utf8');
  }
}

/** The batch's answer: one response object per answered part, in the order of the requests. */
export function writeJsonBatch(outcome: BatchOutcome): string {
  const items = outcome.results.map(({ part, response }) => writeResponse(part, response));
  return `{"responses":[${items.join(',')}]}`;
}

/** JSON §19.5: `atomicityGroup` is repeated for a request that had one. */
function writeResponse(part: BatchPart, response: ODataResponse): string {
  const headers: Record<string, string> = {};
  let type = '';
  for (const name in response.headers) {
    const value = response.headers[name] as string;
    if (name === 'content-type') type = value;
    headers[name === 'content-type' ? 'Content-Type' : name] = value;
  }
  let item = `{"id":${JSON.stringify(part.id)},"status":${response.status}`;
  if (part.atomicityGroup !== undefined) item += `,"atomicityGroup":${JSON.stringify(part.atomicityGroup)}`;
  item += `,"headers":${JSON.stringify(headers)}`;
  const body = response.body;
  if (body !== undefined && body.length > 0) item += `,"body":${bodyJson(body, type)}`;
  return `${item}}`;
}

/** The response body as JSON §19.2 writes it: JSON as it is (exact: never parsed again), text as a string, else base64url. */
function bodyJson(body: string | Buffer, type: string): string {
  if (isJsonMediaType(type)) return body.toString();
  if (/^\s*text\//i.test(type)) return JSON.stringify(body.toString());
  return JSON.stringify(Buffer.from(body).toString('base64url'));
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
