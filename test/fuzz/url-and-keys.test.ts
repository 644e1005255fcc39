import fc from 'fast-check';
import t from 'tap';
import type { InjectOptions } from 'fastify';
import { startServer } from '../helpers/server.js';
import { expectCatalogAnswer, fuzzParameters } from './harness.js';
import { method, path, percentEncoding, queryString, urlNoise } from './grammar.js';

// The URL reader (percent-decoding, segments, keys in parentheses and as segments, type casts,
// $-segments) over generated paths: every answer is a 2xx or a catalog error, never a 5xx or a
// hang. The store changes as generated DELETEs and PATCHes land; that is part of the input.

t.test('generated paths and keys, every method', async (t) => {
  const { app } = await startServer(t);
  await fc.assert(fc.asyncProperty(method, path(), queryString, async (verb, url, query) => {
    const options: InjectOptions = { method: verb, url: `${url}${query}` };
    if (['PATCH', 'PUT', 'POST'].includes(verb)) Object.assign(options, { payload: '{}', headers: { 'content-type': 'application/json' } });
    await expectCatalogAnswer(app, options);
  }), fuzzParameters(400));
  t.pass('every generated URL got a catalog answer');
});

t.test('random text and percent-encodings after a known prefix', async (t) => {
  const { app } = await startServer(t);
  const tail = fc.array(fc.oneof(urlNoise, percentEncoding, fc.constantFrom('/', '(', ')', "'", '=', ',', '$', '?', '&')), { maxLength: 12 }).map((p) => p.join(''));
  const prefix = fc.constantFrom('/beta/deviceAppManagement/mobileApps', `/beta/deviceAppManagement/mobileApps/`, '/beta/', '/v1.0/deviceAppManagement/', '/_edmock/', '/');
  await fc.assert(fc.asyncProperty(prefix, tail, async (start, rest) => {
    await expectCatalogAnswer(app, { method: 'GET', url: `${start}${rest}` });
  }), fuzzParameters(400));
  t.pass('every generated URL got a catalog answer');
});
