import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { watchServices } from '../../src/cli/watch.js';
import { startReceiver } from '../helpers/notification-receiver.js';
import { modelFile } from '../helpers/paths.js';
import { assertODataError, startServer, type TapTest } from '../helpers/server.js';

// `serve --watch`: an edit to the metadata reaches the running server without a restart.

const STATUSES = '/v1.0/deviceAppManagement/mobileAppConfigurations/22222222-2222-4222-8222-222222222222/userStatuses';

async function until(t: { fail: (message: string) => void }, check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  t.fail(`timed out waiting for ${what}`);
}

/** The v1.0 service served from a copy of metadata/, watched, with what the watcher logs. */
async function watched(t: TapTest) {
  const metadataDir = path.join(t.testdir(), 'metadata');
  await cp('metadata', metadataDir, { recursive: true });
  const client = await startServer(t, { services: [{ prefix: '/v1.0', metadataFile: path.join(metadataDir, 'v1.0.xml'), fixturesFile: 'fixtures/v1.0.json' }] });
  const logs: string[] = [];
  const watcher = watchServices(client.app, { metadataDir, log: (line) => logs.push(line), debounceMs: 50 });
  t.teardown(() => watcher.close());
  return { client, logs, metadataDir };
}

t.test('a new property is accepted after an edit, stored entities are kept, a broken edit keeps the old routes', async (t) => {
  const { client, logs, metadataDir } = await watched(t);

  const rejected = await client.post(STATUSES, { deviceCount: 3 });
  assertODataError(t, rejected, 400, 'BadRequest');
  const file = path.join(metadataDir, 'v1.0.xml');
  const original = await readFile(file, 'utf8');
  await writeFile(file, original.replace('<Property Name="devicesCount" Type="Edm.Int32" Nullable="false" />', '<Property Name="devicesCount" Type="Edm.Int32" Nullable="false" />\n        <Property Name="deviceCount" Type="Edm.Int32" Nullable="false" />'));
  await until(t, () => logs.some((line) => line.includes('+ property microsoft.graph.managedDeviceMobileAppConfigurationUserStatus/deviceCount')), 'the reload');
  // A new non-nullable property without a default must now be sent on create: breaking for clients (docs/diff.md).
  t.match(logs.at(-1), /^\/v1\.0 reloaded from .*v1\.0\.xml: 1 breaking, 0 compatible, 0 annotation \(1 change\); \+ property/, 'one line, the breaking count first');
  const reloads = await client.get('/_edmock/reloads');
  t.equal(reloads.status, 200);
  t.match(reloads.body['/v1.0'], { summary: '1 breaking, 0 compatible, 0 annotation (1 change)', counts: { breaking: 1 }, changes: [{ class: 'breaking', path: 'microsoft.graph.managedDeviceMobileAppConfigurationUserStatus/deviceCount' }] });
  t.same(Object.keys(reloads.body), ['/v1.0'], 'one entry per mounted service');
  const accepted = await client.post(STATUSES, { deviceCount: 3 });
  t.equal(accepted.status, 201, 'accepted without a restart');
  t.equal(accepted.body.deviceCount, 3);
  const kept = await client.get(`${STATUSES}/55555555-5555-4555-8555-555555555555`);
  t.equal(kept.body.userDisplayName, 'Adele Vance', 'the stored entity is still there');
  t.equal(kept.body.deviceCount, 0, 'in the new shape');

  const count = logs.length;
  await writeFile(file, original.replace('Type="graph.complianceStatus"', 'Type="graph.nowhere"'));
  await until(t, () => logs.length > count, 'the error log');
  t.match(logs.at(-1), /invalid metadata, \/v1\.0 keeps its previous routes: .*Property 'status' of EntityType 'microsoft\.graph\.managedDeviceMobileAppConfiguration\w+': unresolved type 'graph\.nowhere'/);
  t.equal((await client.post(STATUSES, { deviceCount: 4 })).status, 201, 'the previous routes still answer');

  await writeFile(file, original.replace(/<EntityType Name="managedDeviceMobileAppConfigurationUserStatus"[\s\S]*?<\/EntityType>/, '').replace(/<NavigationProperty Name="userStatuses"[^>]*\/>/, ''));
  await until(t, () => logs.some((line) => line.includes('- type microsoft.graph.managedDeviceMobileAppConfigurationUserStatus')), 'the type removal');
  t.match(logs.at(-1), /- route GET <microsoft\.graph\.managedDeviceMobileAppConfiguration>\/userStatuses.*stored entities of removed types dropped/);
  assertODataError(t, await client.get(STATUSES), 404, 'ResourceNotFound');
});

t.test('a reload that leaves a type as it was keeps the ETags of its entities', async (t) => {
  const { client, logs, metadataDir } = await watched(t);
  const entity = `${STATUSES}/55555555-5555-4555-8555-555555555555`;
  const before = (await client.get(entity)).headers.etag;
  const file = path.join(metadataDir, 'v1.0.xml');
  await writeFile(file, `${await readFile(file, 'utf8')}\n`);
  await until(t, () => logs.some((line) => line.includes('reloaded')), 'the reload');
  const after = await client.get(entity, { 'if-none-match': String(before) });
  t.equal(after.status, 304, 'the tag the client holds still matches');
});

t.test('change notifications follow a reload: a subscriptions set the edit adds validates and notifies, one it removes stops notifying', async (t) => {
  // docs/notifications.md: a service with Graph's subscriptions set has change notifications; a
  // reload that adds the set must not give a subscription that was never validated and never notifies.
  const receiver = await startReceiver(t);
  const metadataDir = path.join(t.testdir(), 'metadata');
  await mkdir(metadataDir);
  const file = path.join(metadataDir, 'directory.xml');
  const withSet = await readFile(modelFile('notifications.xml'), 'utf8');
  const withoutSet = withSet.replace('<EntitySet Name="subscriptions" EntityType="graph.subscription" />', '');
  await writeFile(file, withoutSet);
  const client = await startServer(t, { services: [{ prefix: '', metadataFile: file }], notifications: { batchWindowMs: 1 } });
  const logs: string[] = [];
  const watcher = watchServices(client.app, { metadataDir, log: (line) => logs.push(line), debounceMs: 20 });
  t.teardown(() => watcher.close());

  await writeFile(file, withSet);
  await until(t, () => logs.length === 1, 'the reload that adds the set');
  const subscription = { changeType: 'created', notificationUrl: `${receiver.origin}/hook`, resource: 'users', expirationDateTime: new Date(Date.now() + 3_600_000).toISOString() };
  t.equal((await client.post('/subscriptions', subscription)).status, 201);
  t.equal(receiver.requests.length, 1, 'the endpoint got the validation request');
  t.equal((await client.post('/users', { id: 'u1' })).status, 201);
  await until(t, () => receiver.notifications().length === 1, 'the notification');
  t.match(receiver.notifications()[0]?.json, { value: [{ changeType: 'created', resource: 'users/u1' }] });

  await writeFile(file, withoutSet);
  await until(t, () => logs.length === 2, 'the reload that removes the set');
  t.equal((await client.post('/users', { id: 'u2' })).status, 201);
  t.same((await client.get('/_edmock/subscriptions')).body.value, [], 'no subscription is in force');

  // The set back: the subscription still stored is in force again, and hears what comes after.
  await writeFile(file, withSet);
  await until(t, () => logs.length === 3, 'the reload that brings the set back');
  t.equal((await client.post('/users', { id: 'u3' })).status, 201);
  await until(t, () => receiver.notifications().length === 2, 'the next notification');
  const resources = receiver.notifications().flatMap((n) => n.json.value.map((v: { resource: string }) => v.resource));
  t.same(resources, ['users/u1', 'users/u3'], 'nothing was notified while the set was gone');
});
