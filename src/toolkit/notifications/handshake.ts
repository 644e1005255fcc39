import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { ODataError } from '../../odata/errors.js';
import { odataErrors } from '../../odata/errors.js';
import type { PostResult } from './http-post.js';

// The validation request ("Receive change notifications through webhooks", notificationUrl
// validation): Graph POSTs to the URL with the token in the `validationToken` query parameter and
// `Content-Type: text/plain; charset=utf-8`, and creates the subscription only if the endpoint
// answers within 10 seconds with 200 OK, `text/plain` and the URL-decoded token as the body.

/**
 * A token as Graph's look (docs: "treat the validation token value as opaque"): words, spaces and
 * a colon, so that an endpoint that echoes it still URL-encoded fails here as it would with Graph.
 */
export const validationToken = (): string => `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;

/** The URL of the validation request: the endpoint's own query kept, the token added. */
export function validationUrl(endpoint: URL, token: string): URL {
  const url = new URL(endpoint);
  url.searchParams.append('validationToken', token);
  return url;
}

export const VALIDATION_HEADERS = { 'Content-Type': 'text/plain; charset=utf-8' } as const;

/**
 * What the answer to a validation request means: undefined when it validates, else Graph's
 * error. Graph's wordings: "Subscription validation request failed. HTTP status code is
 * 'Forbidden'. Notification endpoint must respond with 200 OK to validation request." (status
 * named as .NET names it), "Subscription validation request timed out." (InvalidRequest). For a
 * 200 with another body or media type Graph's wording is not documented: edmock's says which.
 */
export function handshakeError(result: PostResult, token: string): ODataError | undefined {
  if ('failure' in result) {
    if (result.timedOut) return odataErrors.subscriptionValidationTimedOut();
    return odataErrors.subscriptionValidationFailed(`The notification endpoint could not be reached (${result.failure}). Notification endpoint must respond with 200 OK to validation request.`);
  }
  const { status, contentType, body } = result.answer;
  if (status !== 200) {
    const name = (STATUS_CODES[status] ?? String(status)).replace(/[^A-Za-z0-9]/g, '');
    return odataErrors.subscriptionValidationFailed(`HTTP status code is '${name}'. Notification endpoint must respond with 200 OK to validation request.`);
  }
  if (!/^text\/plain\s*(;|$)/i.test(contentType)) {
    return odataErrors.subscriptionValidationFailed(`The response's Content-Type is '${contentType}'; it must be text/plain with the decoded validationToken as its body.`);
  }
  if (body !== token) return odataErrors.subscriptionValidationFailed('Response must exactly match validationToken query parameter.');
  return undefined;
}
