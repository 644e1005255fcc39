import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { modelFile, REPO_ROOT } from '../helpers/paths.js';

// A retry waiting an hour must not keep a test runner's process alive once the mock is closed
// (docs/notifications.md: timers are unref'd and stopped on close). A child process starts a mock
// and a receiver that fails every delivery, lets the retry be scheduled, closes both and ends its
// script: the process must then exit on its own, without process.exit.

const SCRIPT = `
import http from 'node:http';
const { createMockServer } = await import(process.env.MOCK_SERVER);
const receiver = http.createServer((request, response) => {
  const token = new URL(request.url, 'http://receiver').searchParams.get('validationToken');
  if (token !== null) { response.writeHead(200, { 'Content-Type': 'text/plain' }); response.end(token); return; }
  response.writeHead(500); response.end();
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const mock = await createMockServer({ services: [{ prefix: '', metadataFile: process.env.MODEL }], notifications: { batchWindowMs: 0, retryBackoffMs: 3600000 } });
const post = (url, body) => mock.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
const created = await post('/subscriptions', { changeType: 'created', resource: 'users', notificationUrl: 'http://127.0.0.1:' + receiver.address().port + '/hook', expirationDateTime: new Date(Date.now() + 3600000).toISOString() });
if (created.statusCode !== 201) throw new Error(created.body);
await post('/users', { id: 'u1' });
while (!mock.journal.list({ direction: 'outbound' }).some((e) => e.outbound?.outcome === 'retry')) await new Promise((resolve) => setTimeout(resolve, 5));
receiver.closeAllConnections();
receiver.close();
await mock.close();
console.log('closed with a retry pending');
`;

t.test('a pending retry does not keep the process alive after close', async (t) => {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    env: { ...process.env, MOCK_SERVER: pathToFileURL(path.join(REPO_ROOT, 'dist', 'src', 'server', 'mock-server.js')).href, MODEL: modelFile('notifications.xml') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  // Only a guard against a hang (the runner's own timeout would do too, later): an hour's retry is what would hold it.
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(guard);
  t.equal(code, 0, output);
  t.match(output, /closed with a retry pending/);
});
