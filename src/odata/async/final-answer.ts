import { writeHttpResponse } from '../batch/http-message.js';
import type { ODataRequest, ODataResponse } from '../exchange.js';
import { headerValue } from '../request-headers.js';
import { rawResponse, standardHeaders } from '../respond.js';

// The status monitor's answer once the request has run: `200 OK` carrying the request's own
// answer, in one of two forms (Protocol 4.01 §11.6), chosen by the poll's own headers:
// - as an HTTP message: `Content-Type: application/http`, the body the full response (status
//   line, headers, body; RFC 7230). OData 4.0 knows only this form (4.0 §11.6: "The response body
//   MUST enclose a single HTTP response which is the response to the initial Data Service
//   Request"); 4.01 keeps it for a poll that asks for it by `Accept: application/http`, and for
//   a 4.0 poll (`OData-MaxVersion: 4.0`, or none: edmock then answers 4.0) without `Accept`.
// - otherwise (a 4.01 poll, or a 4.0 one whose `Accept` does not name application/http): the
//   `AsyncResult` header holds the request's status (§8.3.1, three digits per the 4.01 errata)
//   and every other header and the body are the request's own answer.
// `AsyncResult` is sent in both forms: 4.01 requires it on every final 200 (§8.3.1) and 4.0
// conformance allows it (§13.1.1 item 17). A created entity ends this way too, with its
// `Location` and `AsyncResult: 201`: §11.6 has no `303 See Other` form.

export function finalAnswer(poll: ODataRequest, result: ODataResponse, version: '4.0' | '4.01'): ODataResponse {
  const accept = headerValue(poll.headers, 'accept');
  const answer = acceptsHttpMessage(accept) || (version === '4.0' && accept === undefined)
    ? rawResponse(poll, 200, httpMessage(result), 'application/http', { AsyncResult: String(result.status) }, version)
    : { status: 200, headers: resultHeaders(poll, result), body: result.body };
  if (result.durable !== undefined) answer.durable = result.durable;
  if (result.drop) answer.drop = true;
  return answer;
}

/** The request's own headers; `request-id` and `client-request-id` are the poll's, as on every answer of this exchange. */
function resultHeaders(poll: ODataRequest, result: ODataResponse): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name in result.headers) {
    const lower = name.toLowerCase();
    if (lower !== 'request-id' && lower !== 'client-request-id') headers[name] = result.headers[name] as string;
  }
  const identity = standardHeaders(poll);
  delete identity['OData-Version'];
  return { ...headers, ...identity, AsyncResult: String(result.status) };
}

function httpMessage(result: ODataResponse): Buffer {
  return Buffer.concat(writeHttpResponse(result).map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)));
}

/** Whether Accept names `application/http` with a quality above zero (a wildcard does not name it). */
function acceptsHttpMessage(accept: string | undefined): boolean {
  if (accept === undefined || !/application\/http/i.test(accept)) return false;
  return accept.split(',').some((range) => {
    const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    return type === 'application/http' && !parameters.some((parameter) => /^q\s*=\s*0(\.0*)?$/.test(parameter));
  });
}
