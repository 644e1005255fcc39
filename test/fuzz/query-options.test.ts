import fc from 'fast-check';
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { BETA_APP, startServer, startServerWithEdmx, type TapTest } from '../helpers/server.js';
import { encoded, expand, filterExpression, nearMiss, orderby, select, type Vocabulary } from './expressions.js';
import { urlNoise } from './grammar.js';
import { expectCatalogAnswer, fuzzParameters } from './harness.js';
import { TYPED_EDMX, VALID_THING } from './typed-model.js';

// The $filter, $orderby, $select and $expand readers (and $top, $skip, $count beside them) over
// expressions generated from the grammar, near misses of them and plain noise, on collections
// of the bundled beta service and of the model with every primitive type.

const DEVICE_STATUSES: Vocabulary = {
  properties: ['id', 'deviceName', 'deviceId', 'lastSyncDateTime', 'mobileAppInstallStatusValue', 'installState', 'installStateDetail', 'errorCode',
    'osVersion', 'userName', 'displayVersion'],
  typed: {
    string: ['id', 'deviceName', 'deviceId', 'osVersion', 'userName', 'displayVersion'], number: ['errorCode'], date: ['lastSyncDateTime'],
    'microsoft.graph.resultantAppState': ['installState', 'mobileAppInstallStatusValue'], 'microsoft.graph.resultantAppStateDetail': ['installStateDetail'],
  },
  collections: [],
  navigations: ['app'],
};

const MOBILE_APPS: Vocabulary = {
  properties: ['id', 'displayName', 'publisher', 'isFeatured', 'createdDateTime', 'publishingState', 'largeIcon/type', 'largeIcon/value',
    'microsoft.graph.webApp/appUrl', 'microsoft.graph.webApp/useManagedBrowser'],
  typed: {
    string: ['id', 'displayName', 'publisher', 'largeIcon/type', 'microsoft.graph.webApp/appUrl'], date: ['createdDateTime'], bool: ['isFeatured'],
    'microsoft.graph.mobileAppPublishingState': ['publishingState'],
  },
  collections: [['categories', '/displayName'], ['userStatuses', '/installedDeviceCount'], ['deviceStatuses', '/errorCode']],
  navigations: ['categories', 'userStatuses', 'deviceStatuses'],
};

const THINGS: Vocabulary = {
  properties: Object.keys(VALID_THING).filter((name) => !['where', 'points', 'numbers'].includes(name)).concat(['where/x', 'where/label']),
  typed: {
    string: ['id', 'text', 'short', 'where/label', 'uid', 'span', 'time', 'bytes'], number: ['byte', 'sbyte', 'int16', 'int32', 'big', 'amount', 'price', 'ratio', 'single', 'required', 'where/x'],
    date: ['at', 'day'], bool: ['flag'], 'f.colour': ['colour'],
  },
  collections: [['numbers', ''], ['points', '/x']],
  navigations: [],
};

/** A query string of generated options for one vocabulary. */
function query(vocabulary: Vocabulary): fc.Arbitrary<string> {
  const option = fc.oneof(
    { weight: 4, arbitrary: fc.oneof(filterExpression(vocabulary), nearMiss(filterExpression(vocabulary))).map((v) => ['$filter', v] as const) },
    { weight: 2, arbitrary: fc.oneof(orderby(vocabulary), nearMiss(orderby(vocabulary))).map((v) => ['$orderby', v] as const) },
    { weight: 2, arbitrary: fc.oneof(select(vocabulary), nearMiss(select(vocabulary))).map((v) => ['$select', v] as const) },
    { weight: 2, arbitrary: fc.oneof(expand(vocabulary), nearMiss(expand(vocabulary))).map((v) => ['$expand', v] as const) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('$top', '$skip', '$count', '$skiptoken', '$search', '$format', '$levels'),
      fc.oneof(fc.constantFrom('0', '1', '-1', '2147483648', '1e3', 'true', 'false', 'TRUE', 'json', 'xml', ''), urlNoise)) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('$filter', '$orderby', '$select', '$expand'), urlNoise) },
  );
  return fc.tuple(fc.array(option, { minLength: 1, maxLength: 3 }), fc.boolean())
    .map(([options, raw]) => options.map(([name, value]) => `${name}=${encoded(value, raw)}`).join('&'));
}

async function fuzzQueries(t: TapTest, app: FastifyInstance, collections: [string, Vocabulary][], defaultRuns: number): Promise<void> {
  const request = fc.constantFrom(...collections).chain(([url, vocabulary]) => query(vocabulary).map((q) => `${url}?${q}`));
  await fc.assert(fc.asyncProperty(request, async (url) => expectCatalogAnswer(app, { method: 'GET', url })), fuzzParameters(defaultRuns));
  t.pass('every generated query got a catalog answer');
}

t.test('generated query options on bundled collections', async (t) => {
  const { app } = await startServer(t);
  await fuzzQueries(t, app, [[`${BETA_APP}/deviceStatuses`, DEVICE_STATUSES], ['/beta/deviceAppManagement/mobileApps', MOBILE_APPS]], 400);
});

t.test('generated query options on every primitive type', async (t) => {
  const client = await startServerWithEdmx(t, TYPED_EDMX);
  t.equal((await client.post('/things', VALID_THING)).status, 201);
  t.equal((await client.request('POST', '/things', '{"id":"b","big":9007199254740993,"amount":2}')).status, 201);
  await fuzzQueries(t, client.app, [['/things', THINGS]], 400);
});
