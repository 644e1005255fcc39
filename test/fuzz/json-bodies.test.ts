import fc from 'fast-check';
import t from 'tap';
import type { InjectOptions } from 'fastify';
import { BETA_APP, BETA_CONFIG, BETA_LOB, startServer, startServerWithEdmx, type TapTest } from '../helpers/server.js';
import { brokenText, contentType, nearValid, toJsonText } from './bodies.js';
import { breach, fuzzParameters, send } from './harness.js';
import { TYPED_EDMX, VALID_THING } from './typed-model.js';

// The JSON body reader and the validators of every bundled type (and of a model with every
// primitive type): near-valid entities and broken JSON text, POSTed and PATCHed. Every answer
// is a 2xx or a catalog error, never a 5xx or a hang.

const APPS = '/beta/deviceAppManagement/mobileApps';

/** Where to write, and a valid entity for it: the bundled beta types. */
const BUNDLED: [string, string, Record<string, unknown>][] = [
  ['POST', APPS, { '@odata.type': '#microsoft.graph.webApp', displayName: 'x', appUrl: 'https://x.example', publishingState: 'published', isFeatured: false, largeIcon: { type: 'image/png', value: 'AAEC' } }],
  ['PATCH', BETA_APP, { '@odata.type': '#microsoft.graph.webApp', displayName: 'y', useManagedBrowser: true }],
  ['POST', '/beta/deviceAppManagement/mobileAppConfigurations', { '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'c', version: 1, targetedMobileApps: ['a'], encodedSettingXml: 'PHg+' }],
  ['PATCH', BETA_CONFIG, { displayName: 'd', version: 2 }],
  ['POST', '/beta/deviceAppManagement/iosLobAppProvisioningConfigurations', { displayName: 'p', version: 1, payload: 'AAEC', roleScopeTagIds: ['0'], expirationDateTime: '2027-01-01T00:00:00Z' }],
  ['PATCH', BETA_LOB, { payloadFileName: 'f', version: 3 }],
  ['POST', `${BETA_APP}/userStatuses`, { userName: 'u', installedDeviceCount: 1, failedDeviceCount: 0, notInstalledDeviceCount: 0 }],
  ['POST', `${BETA_APP}/deviceStatuses`, { deviceName: 'd', lastSyncDateTime: '2026-01-01T00:00:00Z', installState: 'installed', mobileAppInstallStatusValue: 'failed', installStateDetail: 'noAdditionalDetails', errorCode: 0 }],
  ['POST', `${BETA_CONFIG}/userStatuses`, { userDisplayName: 'u', devicesCount: 2, status: 'compliant', lastReportedDateTime: '2026-01-01T00:00:00Z' }],
  ['POST', '/beta/deviceAppManagement/mobileAppCategories', { displayName: 'cat' }],
  ['PATCH', '/beta/deviceAppManagement', { isEnabledForMicrosoftStoreForBusiness: true, microsoftStoreForBusinessLanguage: 'en' }],
  ['PUT', BETA_CONFIG, { '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'e', version: 4 }],
];

const TYPED: [string, string, Record<string, unknown>][] = [
  ['POST', '/things', VALID_THING],
  ['PATCH', "/things('seed')", { ...VALID_THING, id: 'seed' }],
  ['POST', '/gids', { id: 'abcdef01-0000-4000-8000-000000000001', name: 'g' }],
  ['POST', '/longs', { id: 7, name: 'l' }],
  ['POST', '/days', { id: '2026-12-02', name: 'd' }],
];

type Target = [string, string, Record<string, unknown>];

/** A generated write: a target, its body (near-valid entity or broken text) and a Content-Type. */
const write = (targets: Target[]) => fc.constantFrom(...targets).chain(([method, url, valid]) =>
  fc.tuple(fc.constant(method), fc.constant(url), fc.oneof({ weight: 3, arbitrary: nearValid(valid) }, { weight: 1, arbitrary: brokenText(valid) }), contentType));

async function fuzzWrites(t: TapTest, app: import('fastify').FastifyInstance, targets: Target[], defaultRuns: number): Promise<void> {
  await fc.assert(fc.asyncProperty(write(targets), async ([method, url, payload, type]) => {
    const options: InjectOptions = { method: method, url, payload, headers: { 'content-type': type } };
    const problem = breach(await send(app, options), method);
    if (problem !== undefined) throw new Error(`${method} ${url} (Content-Type: ${type}) ${JSON.stringify(payload)} -> ${problem}`);
  }), fuzzParameters(defaultRuns));
  t.pass('every generated body got a catalog answer');
}

t.test('near-valid entities and broken JSON for the bundled beta types', async (t) => {
  const { app } = await startServer(t);
  await fuzzWrites(t, app, BUNDLED, 600);
});

t.test('near-valid entities and broken JSON for every primitive type', async (t) => {
  const client = await startServerWithEdmx(t, TYPED_EDMX);
  t.equal((await client.post('/things', { ...VALID_THING, id: 'seed' })).status, 201);
  await fuzzWrites(t, client.app, TYPED, 600);
});

t.test('random JSON values as whole bodies', async (t) => {
  const { app } = await startServer(t);
  const target = fc.constantFrom(...BUNDLED.map(([method, url]) => [method, url] as const));
  await fc.assert(fc.asyncProperty(target, fc.jsonValue({ maxDepth: 5 }), async ([method, url], value) => {
    const payload = toJsonText(value);
    const problem = breach(await send(app, { method: method, url, payload, headers: { 'content-type': 'application/json' } }), method);
    if (problem !== undefined) throw new Error(`${method} ${url} ${payload} -> ${problem}`);
  }), fuzzParameters(300));
  t.pass('every random JSON body got a catalog answer');
});
