import fc from 'fast-check';
import t from 'tap';
import type { InjectOptions } from 'fastify';
import { startServer, startServerWithEdmx, type TapTest } from '../helpers/server.js';
import { BUNDLED_WRITES, type Write } from './bundled.js';
import { toJsonText, writeRequest } from './bodies.js';
import { breach, fuzzParameters, send } from './harness.js';
import { TYPED_EDMX, VALID_THING } from './typed-model.js';

// The JSON body reader and the validators of every bundled type (and of a model with every
// primitive type): near-valid entities and broken JSON text, POSTed and PATCHed. Every answer
// is a 2xx or a catalog error, never a 5xx or a hang.

const TYPED: Write[] = [
  ['POST', '/things', VALID_THING],
  ['PATCH', "/things('seed')", { ...VALID_THING, id: 'seed' }],
  ['POST', '/gids', { id: 'abcdef01-0000-4000-8000-000000000001', name: 'g' }],
  ['POST', '/longs', { id: 7, name: 'l' }],
  ['POST', '/days', { id: '2026-12-02', name: 'd' }],
];


async function fuzzWrites(t: TapTest, app: import('fastify').FastifyInstance, targets: Write[], defaultRuns: number): Promise<void> {
  await fc.assert(fc.asyncProperty(writeRequest(targets), async ([method, url, payload, type]) => {
    const options: InjectOptions = { method: method, url, payload, headers: { 'content-type': type } };
    const problem = breach(await send(app, options), method);
    if (problem !== undefined) throw new Error(`${method} ${url} (Content-Type: ${type}) ${JSON.stringify(payload)} -> ${problem}`);
  }), fuzzParameters(defaultRuns));
  t.pass('every generated body got a catalog answer');
}

t.test('near-valid entities and broken JSON for the bundled beta types', async (t) => {
  const { app } = await startServer(t);
  await fuzzWrites(t, app, BUNDLED_WRITES, 600);
});

t.test('near-valid entities and broken JSON for every primitive type', async (t) => {
  const client = await startServerWithEdmx(t, TYPED_EDMX);
  t.equal((await client.post('/things', { ...VALID_THING, id: 'seed' })).status, 201);
  await fuzzWrites(t, client.app, TYPED, 600);
});

t.test('random JSON values as whole bodies', async (t) => {
  const { app } = await startServer(t);
  const target = fc.constantFrom(...BUNDLED_WRITES.map(([method, url]) => [method, url] as const));
  await fc.assert(fc.asyncProperty(target, fc.jsonValue({ maxDepth: 5 }), async ([method, url], value) => {
    const payload = toJsonText(value);
    const problem = breach(await send(app, { method: method, url, payload, headers: { 'content-type': 'application/json' } }), method);
    if (problem !== undefined) throw new Error(`${method} ${url} ${payload} -> ${problem}`);
  }), fuzzParameters(300));
  t.pass('every random JSON body got a catalog answer');
});
