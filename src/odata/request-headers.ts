import type { RequestHeaders } from './exchange.js';

// Reading request headers the same way wherever a request is read: the pipeline, a `$batch`
// and each of its parts.

/** A header's value; repeated headers joined as RFC 9110 §5.3 allows. */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** `application/json`, with or without parameters: the one body type requests carry. */
export const isJsonMediaType = (type: string | string[] | undefined): boolean => typeof type === 'string' && /^\s*application\/json\s*(;|$)/i.test(type);
