import type { FastifyInstance } from 'fastify';
import { odataErrors } from '../odata/errors.js';
import { checkContentEncoding, checkJsonCharset, readRequestBody } from '../odata/request-body.js';
import { ADMIN_PREFIX } from '../mock/create-mock.js';

// Fastify reads request bodies; odata/request-body.ts and the batch formats parse and check them.
// Two body types exist: JSON everywhere, and `multipart/mixed` for a `$batch` (Protocol §11.7).
// Anything else is a 415, which is why Fastify's other parsers are removed.

/** The `$batch` resource of any service, however its `$` is spelled. */
const BATCH_URL = /\/(\$|%24)batch\/?(\?|$)/i;

export function installBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
    const body = text as string;
    try {
      checkContentEncoding(request.headers['content-encoding']);
      checkJsonCharset(request.headers['content-type']);
      request.bodyText = body;
      // Admin calls such as POST /_edmock/reset need no body, whatever Content-Type a client sends.
      if (body.trim() === '' && (request.raw.url ?? '').startsWith(ADMIN_PREFIX)) return done(null, undefined);
      return done(null, readRequestBody(request.method, body));
    } catch (error) {
      return done(error as Error, undefined);
    }
  });
  // The bytes as sent: parts may hold any media type, and the boundary scan works on bytes.
  app.addContentTypeParser('multipart/mixed', { parseAs: 'buffer' }, (request, bytes, done) => {
    try {
      checkContentEncoding(request.headers['content-encoding']);
      if (!BATCH_URL.test(request.raw.url ?? '')) throw odataErrors.unsupportedMediaType(request.headers['content-type']);
      request.bodyText = bytes.toString('utf8');
      return done(null, bytes);
    } catch (error) {
      return done(error as Error, undefined);
    }
  });
}
