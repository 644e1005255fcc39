import type { FastifyInstance } from 'fastify';
import { odataErrors } from '../odata/errors.js';

// Request bodies: JSON only (OData JSON Format; anything else is a 415, which is why Fastify's
// text/plain parser is removed). A member named `__proto__` is refused outright: JSON.parse would
// make it an own property, harmless by itself, but one careless spread away from changing an
// object's prototype, so it never enters the server.

function rejectPrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__') throw odataErrors.forbiddenPropertyName(key);
  return value;
}

export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    const body = text as string;
    if (body.trim() === '') return done(odataErrors.emptyBody(), undefined);
    try {
      done(null, JSON.parse(body, rejectPrototypeKeys));
    } catch (error) {
      done(error instanceof SyntaxError ? odataErrors.malformedJson(error.message) : (error as Error), undefined);
    }
  });
}
