// The server's resident memory after many large rejected bodies: each is journaled, so without
// bounds on the journal the server keeps every one of them. Starts `edmock serve` as a child,
// sends BODIES (default 300) POSTs of about 4 MB that fail validation (400), one at a time, and
// reads the child's VmRSS from /proc (Linux) after start-up and after the last one.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const BODIES = Number(process.env.BODIES ?? 300);
const extraArgs = process.argv.slice(2);
const TARGET = '/beta/deviceAppManagement/mobileApps/11111111-1111-4111-8111-111111111111/userStatuses';
// installedDeviceCount is an Int32: a 4 MB string there is a 400.
const body = Buffer.from(`{"installedDeviceCount":"${'x'.repeat(4_000_000 - 30)}"}`);

const freePort = () => new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => { const { port } = probe.address(); probe.close(() => resolve(port)); });
});
const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const send = (port, method, url, payload) => new Promise((resolve, reject) => {
  const req = request({ host: '127.0.0.1', port, method, path: url, headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {} }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode));
  });
  req.on('error', reject);
  req.end(payload);
});

const port = await freePort();
const child = spawn(process.execPath, [path.join(here, '..', 'dist', 'src', 'cli', 'edmock.js'), 'serve', '--port', String(port), '--log-level', 'error', ...extraArgs], { stdio: 'ignore' });
try {
  for (let tries = 0; ; tries++) {
    try { await send(port, 'GET', '/beta/deviceAppManagement'); break; } catch (error) { if (tries > 100) throw error; await new Promise((r) => setTimeout(r, 100)); }
  }
  const before = rssMiB(child.pid);
  const statuses = new Map();
  for (let i = 0; i < BODIES; i++) {
    const status = await send(port, 'POST', TARGET, body);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  const after = rssMiB(child.pid);
  console.log(`serve ${extraArgs.join(' ')}: ${BODIES} bodies of ${(body.length / 1e6).toFixed(1)} MB, statuses ${JSON.stringify(Object.fromEntries(statuses))}; RSS ${before.toFixed(0)} MiB after start, ${after.toFixed(0)} MiB after the bodies`);
} finally {
  child.kill('SIGTERM');
}
