import fc from 'fast-check';
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { startServer, startServerWithEdmx, type TapTest } from '../helpers/server.js';
import { COLLECTIONS } from './bundled.js';
import { queryOptions, type Vocabulary } from './expressions.js';
import { expectCatalogAnswer, fuzzParameters } from './harness.js';
import { TYPED_EDMX, VALID_THING } from './typed-model.js';

// The $filter, $orderby, $select and $expand readers (and $top, $skip, $count beside them) over
// expressions generated from the grammar, near misses of them and plain noise, on collections
// of the bundled beta service and of the model with every primitive type.

const THINGS: Vocabulary = {
  properties: Object.keys(VALID_THING).filter((name) => !['where', 'points', 'numbers'].includes(name)).concat(['where/x', 'where/label']),
  typed: {
    string: ['id', 'text', 'short', 'where/label', 'uid', 'span', 'time', 'bytes'], number: ['byte', 'sbyte', 'int16', 'int32', 'big', 'amount', 'price', 'ratio', 'single', 'required', 'where/x'],
    date: ['at', 'day'], bool: ['flag'], 'f.colour': ['colour'],
  },
  collections: [['numbers', ''], ['points', '/x']],
  navigations: [],
};

async function fuzzQueries(t: TapTest, app: FastifyInstance, collections: [string, Vocabulary][], defaultRuns: number): Promise<void> {
  const request = fc.constantFrom(...collections).chain(([url, vocabulary]) => queryOptions(vocabulary).map((q) => `${url}?${q}`));
  await fc.assert(fc.asyncProperty(request, async (url) => expectCatalogAnswer(app, { method: 'GET', url })), fuzzParameters(defaultRuns));
  t.pass('every generated query got a catalog answer');
}

t.test('generated query options on bundled collections', async (t) => {
  const { app } = await startServer(t);
  await fuzzQueries(t, app, COLLECTIONS, 400);
});

t.test('generated query options on every primitive type', async (t) => {
  const client = await startServerWithEdmx(t, TYPED_EDMX);
  t.equal((await client.post('/things', VALID_THING)).status, 201);
  t.equal((await client.request('POST', '/things', '{"id":"b","big":9007199254740993,"amount":2}')).status, 201);
  await fuzzQueries(t, client.app, [['/things', THINGS]], 400);
});
