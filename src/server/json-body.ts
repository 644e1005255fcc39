import type { FastifyInstance } from 'fastify';
import { checkContentEncoding, readRequestBody } from '../odata/request-body.js';
import { ADMIN_PREFIX } from '../mock/create-mock.js';

// Fastify reads request bodies as text; odata/request-body.ts parses and checks them. JSON is the
// only body type (anything else is a 415, which is why Fastify's other parsers are removed).

export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
    const body = text as string;
    try {
      checkContentEncoding(request.headers['content-encoding']);
      request.bodyText = body;
      // Admin calls such as POST /_edmock/reset need no body, whatever Content-Type a client sends.
      if (body.trim() === '' && (request.raw.url ?? '').startsWith(ADMIN_PREFIX)) return done(null, undefined);
      return done(null, readRequestBody(request.method, body));
    } catch (error) {
      return done(error as Error, undefined);
    }
  });
}
