import { errorPayload, type ODataError } from './errors.js';
import type { ODataRequest, ODataResponse } from './exchange.js';
import { JsonText } from './response-json.js';

// Turning an answer into an ODataResponse, with the headers every response carries (ARCHITECTURE.md,
// decision 5): OData-Version, Graph's request-id, and the client-request-id echoed when one was sent.

export const ODATA_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
export const PLAIN_JSON = 'application/json;charset=utf-8';

export function clientRequestId(request: Pick<ODataRequest, 'headers'>): string | undefined {
  const value = request.headers['client-request-id'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function standardHeaders(request: Pick<ODataRequest, 'headers' | 'requestId'>, odataVersion = '4.0'): Record<string, string> {
  const headers: Record<string, string> = { 'OData-Version': odataVersion, 'request-id': request.requestId };
  const clientId = clientRequestId(request);
  if (clientId !== undefined) headers['client-request-id'] = clientId;
  return headers;
}

function withExtras(headers: Record<string, string>, extras: Record<string, string> | undefined): Record<string, string> {
  if (extras !== undefined) for (const name in extras) headers[name] = extras[name] as string;
  return headers;
}

/** A JSON answer (none when body is undefined). JsonText is sent as it is; other values serialised. */
export function jsonResponse(
  request: ODataRequest, status: number, body: unknown,
  extras?: Record<string, string>, contentType = ODATA_JSON, odataVersion = '4.0',
): ODataResponse {
  const headers = withExtras(standardHeaders(request, odataVersion), extras);
  if (body === undefined) return { status, headers, body: undefined };
  headers['content-type'] = contentType;
  return { status, headers, body: body instanceof JsonText ? body.text : JSON.stringify(body) };
}

/** An answer that is not JSON ($metadata, $count, $value), sent as it is. */
export function rawResponse(
  request: ODataRequest, status: number, body: string | Buffer | undefined, contentType: string | undefined,
  extras?: Record<string, string>, odataVersion = '4.0',
): ODataResponse {
  const headers = withExtras(standardHeaders(request, odataVersion), extras);
  if (contentType !== undefined) headers['content-type'] = contentType;
  return { status, headers, body };
}

/** Graph's innerError.date: UTC, seconds precision, no offset suffix. */
const errorDate = (): string => new Date().toISOString().slice(0, 19);

export function errorResponse(request: Pick<ODataRequest, 'headers' | 'requestId'>, error: ODataError): ODataResponse {
  const identity = { requestId: request.requestId, clientRequestId: clientRequestId(request), date: errorDate() };
  const headers = withExtras(standardHeaders(request), error.headers);
  headers['content-type'] = ODATA_JSON;
  return { status: error.status, headers, body: JSON.stringify(errorPayload(error, identity)) };
}
