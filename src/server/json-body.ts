import type { FastifyInstance } from 'fastify';
import { ODataError, odataErrors } from '../odata/errors.js';
import { parseJsonBody } from '../odata/json-numbers.js';
import { ADMIN_PREFIX } from '../toolkit/toolkit.js';

// Request bodies: JSON only (OData JSON Format; anything else is a 415, which is why Fastify's
// other parsers are removed). Two shapes are refused before any handler sees them:
// - a member named `__proto__`: JSON.parse makes it an own property, harmless by itself but one
//   careless spread away from changing an object's prototype;
// - nesting deeper than MAX_DEPTH: no OData payload needs it, and every recursive step after
//   parsing (validation, serialisation) would otherwise be a stack overflow waiting for input.

export const MAX_DEPTH = 64;

/** Recursive, but never deeper than MAX_DEPTH: hostile depth is refused before it can matter. */
function checkShape(value: unknown, depth: number): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth >= MAX_DEPTH) throw odataErrors.badRequest(`The request body is nested more than ${MAX_DEPTH} levels deep.`);
  if (Array.isArray(value)) {
    for (const item of value) checkShape(item, depth + 1);
    return;
  }
  for (const key in value) {
    if (key === '__proto__') throw odataErrors.forbiddenPropertyName(key);
    checkShape((value as Record<string, unknown>)[key], depth + 1);
  }
}

export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
    // RFC 9110 §8.4: a coding the server does not apply is a 415, not a body read as plain text.
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      return done(new ODataError(415, 'UnsupportedMediaType', `Content-Encoding '${encoding}' is not supported; send the JSON body uncompressed.`, 'Content-Encoding'), undefined);
    }
    const body = text as string;
    request.bodyText = body;
    if (body.trim() === '') {
      // Admin calls such as POST /_edmock/reset need no body, whatever Content-Type a client sends.
      if ((request.raw.url ?? '').startsWith(ADMIN_PREFIX)) return done(null, undefined);
      return done(odataErrors.emptyBody(), undefined);
    }
    let parsed: unknown;
    try {
      parsed = parseJsonBody(body);
    } catch (error) {
      return done(odataErrors.malformedJson((error as Error).message), undefined);
    }
    try {
      checkShape(parsed, 0);
    } catch (error) {
      return done(error as Error, undefined);
    }
    done(null, parsed);
  });
}
