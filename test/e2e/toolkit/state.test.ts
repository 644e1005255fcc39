import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { serveCli, waitForExit } from '../../helpers/cli-server.js';
import { BETA_APP, USER_STATUS_ID } from '../../helpers/server.js';

// --data persistence across restarts of `edmock serve`, and stopping on a signal.

const USER_STATUSES = `${BETA_APP}/userStatuses`;

t.test('--data: writes survive a restart; SIGTERM writes the snapshot; an answered delete survives a hard kill', async (t) => {
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
  second.child.kill('SIGKILL'); // at once: an answered write is on disk already
  await waitForExit(second.child);
  const third = await serveCli(t, ['--data', file]);
  t.equal((await fetch(`${third.url}${USER_STATUSES}/kept`)).status, 404, 'the delete was saved before the hard kill');
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
