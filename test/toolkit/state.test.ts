import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { createServer } from '../../src/server/create-server.js';
import { APP_ID, assertODataError, BETA_APP, startServer, USER_STATUS_ID, type TapTest } from '../helpers/server.js';

// Putting the server in a known state: reset to the startup dataset, fixtures loaded like any
// write (all or nothing), a dump of the stores; and --data persistence across restarts.

const USER_STATUSES = `${BETA_APP}/userStatuses`;

t.test('reset brings every store of the session back to the startup dataset', async (t) => {
  const client = await startServer(t);
  await client.post(USER_STATUSES, { id: 'extra', userName: 'x' });
  await client.delete(`${USER_STATUSES}/${USER_STATUS_ID}`);
  const before = (await client.get(`/beta/deviceAppManagement/mobileApps/${APP_ID}`)).headers.etag;
  t.equal((await client.post('/_edmock/reset', {})).status, 204);
  t.same((await client.get(USER_STATUSES)).body.value.map((e: { id: string }) => e.id), [USER_STATUS_ID]);
  const after = (await client.get(`/beta/deviceAppManagement/mobileApps/${APP_ID}`)).headers.etag;
  t.not(after, before, 'entities made again get new ETags: a tag from before the reset never matches');
});

t.test('fixtures are validated like any write, all or nothing, and answer what they created', async (t) => {
  const client = await startServer(t);
  const loaded = await client.post('/_edmock/fixtures', {
    '/beta/deviceAppManagement/mobileApps': [{ '@odata.type': '#microsoft.graph.webApp', id: 'app2', displayName: 'Two' }],
    '/beta/deviceAppManagement/mobileApps/app2/userStatuses': [{ id: 'u1', userName: 'first' }, { userName: 'second' }],
    '/v1.0/deviceAppManagement/mobileApps': [{ '@odata.type': '#microsoft.graph.webApp', id: 'v1app' }],
  });
  t.equal(loaded.status, 201);
  t.equal(loaded.body.value.length, 4);
  t.match(loaded.body.value[1], { collection: '/beta/deviceAppManagement/mobileApps/app2/userStatuses', id: 'u1', type: 'microsoft.graph.userAppInstallStatus' });
  t.equal((await client.get('/beta/deviceAppManagement/mobileApps/app2/userStatuses/u1')).body.userName, 'first');
  t.equal((await client.get('/v1.0/deviceAppManagement/mobileApps/v1app')).status, 200);

  const broken = await client.post('/_edmock/fixtures', {
    '/beta/deviceAppManagement/mobileApps/app2/userStatuses': [{ id: 'u2', userName: 'fine' }, { id: 'u3', installedDeviceCount: 'many' }],
  });
  assertODataError(t, broken, 400, 'BadRequest');
  t.match(broken.body.error.message, /fixture '\/deviceAppManagement\/mobileApps\/app2\/userStatuses': Cannot convert the literal 'many'/);
  t.match(broken.body.error.details, [{ code: 'InvalidValue', target: 'installedDeviceCount' }]);
  t.equal((await client.get('/beta/deviceAppManagement/mobileApps/app2/userStatuses/u2')).status, 404, 'nothing of a failed load stays');
  assertODataError(t, await client.post('/_edmock/fixtures', { '/nowhere/x': [] }), 400, 'BadRequest');
  assertODataError(t, await client.post('/_edmock/fixtures', { '/beta/deviceAppManagement/mobileApps': {} }), 400, 'BadRequest');
});

t.test('a dump lists every stored entity and link as the services write them', async (t) => {
  const client = await startServer(t);
  const dump = await client.get('/_edmock/dump');
  t.equal(dump.status, 200);
  const beta = dump.body.services['/beta'];
  const status = beta.entities.find((e: { id: string }) => e.id === USER_STATUS_ID);
  t.match(status, { '@odata.id': `http://localhost:80/beta/deviceAppManagement/mobileApps('${APP_ID}')/userStatuses('${USER_STATUS_ID}')`, '@odata.type': '#microsoft.graph.userAppInstallStatus', userName: String });
  t.ok(beta.entities.some((e: { '@odata.type': string }) => e['@odata.type'] === '#microsoft.graph.deviceAppManagement'), 'singletons too');
  t.same(beta.links, []);
});

async function waitForExit(child: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function serveCli(t: TapTest, args: string[]): Promise<{ url: string; child: ReturnType<typeof spawn>; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/src/cli/edmock.js', 'serve', '--port', '0', '--log-level', 'warn', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.teardown(() => { child.kill('SIGKILL'); });
    let out = '';
    // The banner comes on stderr (stdout carries the logs only).
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /edmock listening on (https?:\/\/\S+)/.exec(out);
      if (match) resolve({ url: match[1] as string, child, output: () => out });
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

t.test('--data: writes survive a restart; SIGTERM saves what is pending; the file is replaced whole', async (t) => {
  const file = path.join(t.testdir(), 'store.json');
  const first = await serveCli(t, ['--data', file]);
  const created = await fetch(`${first.url}${USER_STATUSES}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'kept', userName: 'durable', failedDeviceCount: 12 }) });
  t.equal(created.status, 201);
  first.child.kill('SIGTERM');
  t.equal(await waitForExit(first.child), 0, 'a clean stop');
  const saved = JSON.parse(await readFile(file, 'utf8'));
  t.equal(saved.format, 'edmock-store');

  const second = await serveCli(t, ['--data', file]);
  const read = await fetch(`${second.url}${USER_STATUSES}/kept`);
  t.equal(read.status, 200, 'the entity is back after the restart');
  const text = await read.text();
  t.match(text, /"userName":"durable"/);
  t.match(text, /"failedDeviceCount":12/);
  t.equal((await fetch(`${second.url}${USER_STATUSES}/${USER_STATUS_ID}`)).status, 200, 'and the rest of the store with it');
  const deleted = await fetch(`${second.url}${USER_STATUSES}/kept`, { method: 'DELETE' });
  t.equal(deleted.status, 204);
  await new Promise((resolve) => setTimeout(resolve, 500)); // saved shortly after a write, without a stop
  second.child.kill('SIGKILL');
  await waitForExit(second.child);
  const third = await serveCli(t, ['--data', file]);
  t.equal((await fetch(`${third.url}${USER_STATUSES}/kept`)).status, 404, 'the delete was saved before the hard kill');
});

t.test('a data file edmock did not write is a clear startup error, and is left untouched', async (t) => {
  const file = path.join(t.testdir(), 'store.json');
  for (const content of ['{"not": "a store"', '{"format": "something-else"}', '{"format": "edmock-store", "version": 99, "services": {}}']) {
    await writeFile(file, content);
    await t.rejects(createServer({ dataFile: file }), /--data .*store\.json: .*left as it is/);
    t.equal(await readFile(file, 'utf8'), content, 'not emptied');
  }
});

t.test('a signal saves first and stops within seconds, even with a request held by a latency fault', async (t) => {
  const file = path.join(t.testdir(), 'store.json');
  const server = await serveCli(t, ['--data', file]);
  t.equal((await fetch(`${server.url}${USER_STATUSES}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"before-stop"}' })).status, 201);
  const held = fetch(`${server.url}${USER_STATUSES}`, { headers: { 'x-edmock-fault': 'latency=60000' } }).catch(() => 'reset');
  await new Promise((resolve) => setTimeout(resolve, 100));
  const start = Date.now();
  server.child.kill('SIGINT');
  t.equal(await waitForExit(server.child), 0);
  t.ok(Date.now() - start < 5000, `stopped in ${Date.now() - start} ms`);
  await held;
  t.match(await readFile(file, 'utf8'), /before-stop/, 'the write was saved');
});
