// `npm run bench` (batch part): what a `$batch` costs per request it carries. One edmock server
// (serve-edmock.mjs, the beta service with a 200-entity collection) is loaded by autocannon, and
// each batch scenario is compared with the same requests sent one by one, back to back:
//   - a JSON batch of 20 GETs by key, against single GETs by key;
//   - 20 creates in one JSON atomicity group, and in one multipart change set, against single
//     creates.
// The figure is requests carried per second (batches per second x 20) and its ratio to single
// requests per second. BENCH_SECONDS, BENCH_WARMUP and BENCH_CONNECTIONS as in server-bench.mjs.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const PARTS = 20;
const BASE = '/beta/deviceAppManagement/mobileApps/page/userStatuses';
const RELATIVE = 'deviceAppManagement/mobileApps/page/userStatuses';
const JSON_TYPE = { 'content-type': 'application/json' };
const newStatus = (i) => ({ userName: `Batch ${i}`, userPrincipalName: `batch${i}@contoso.example`, installedDeviceCount: 1, failedDeviceCount: 0, notInstalledDeviceCount: 0 });

const key = (i) => `u${String(i).padStart(6, '0')}`;
const jsonGets = JSON.stringify({ requests: Array.from({ length: PARTS }, (_, i) => ({ id: String(i + 1), method: 'GET', url: `${RELATIVE}/${key(i + 1)}` })) });
const jsonCreates = JSON.stringify({
  requests: Array.from({ length: PARTS }, (_, i) => ({ id: String(i + 1), atomicityGroup: 'g', method: 'POST', url: RELATIVE, headers: JSON_TYPE, body: newStatus(i) })),
});
const multipartCreates = (() => {
  const lines = ['--b', 'Content-Type: multipart/mixed; boundary=cs', ''];
  for (let i = 0; i < PARTS; i++) {
    lines.push('--cs', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', `Content-ID: ${i + 1}`, '',
      `POST ${RELATIVE} HTTP/1.1`, 'Content-Type: application/json', '', JSON.stringify(newStatus(i)));
  }
  lines.push('--cs--', '--b--', '');
  return lines.join('\r\n');
})();

const SCENARIOS = [
  {
    name: `JSON batch of ${PARTS} GETs by key`,
    single: { path: `${BASE}/${key(1)}` },
    batch: { path: '/beta/$batch', method: 'POST', headers: JSON_TYPE, body: jsonGets },
  },
  {
    name: `${PARTS} creates in one JSON atomicity group`,
    single: { path: BASE, method: 'POST', headers: JSON_TYPE, body: JSON.stringify(newStatus(0)) },
    batch: { path: '/beta/$batch', method: 'POST', headers: JSON_TYPE, body: jsonCreates },
  },
  {
    name: `${PARTS} creates in one multipart change set`,
    single: { path: BASE, method: 'POST', headers: JSON_TYPE, body: JSON.stringify(newStatus(0)) },
    batch: { path: '/beta/$batch', method: 'POST', headers: { 'content-type': 'multipart/mixed; boundary=b' }, body: multipartCreates },
  },
];

function start() {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('serve-edmock.mjs', import.meta.url), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (message) => resolve({ child, address: message.address }));
    child.once('exit', (code) => reject(new Error(`serve-edmock.mjs exited with ${code}`)));
  });
}

function load(url, options, duration) {
  return new Promise((resolve, reject) => {
    autocannon({ url, duration, connections: CONNECTIONS, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** Requests per second after a warm-up; any non-2xx answer makes the figure meaningless, so it stops the bench. */
async function measure(server, { path, ...options }) {
  const url = `${server.address}${path}`;
  if (WARMUP > 0) await load(url, options, WARMUP);
  const result = await load(url, options, DURATION);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${options.method ?? 'GET'} ${path}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { perSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

const server = await start();
const rows = [];
try {
  for (const scenario of SCENARIOS) {
    const single = await measure(server, scenario.single);
    const batch = await measure(server, scenario.batch);
    const carried = batch.perSecond * PARTS;
    rows.push({
      scenario: scenario.name, singlePerSecond: Math.round(single.perSecond), batchesPerSecond: Math.round(batch.perSecond),
      requestsCarriedPerSecond: Math.round(carried), ratioToSingle: +(carried / single.perSecond).toFixed(2), batchP50ms: batch.p50, batchP99ms: batch.p99,
    });
  }
} finally {
  server.child.kill('SIGINT');
}
console.table(rows);
const date = new Date().toISOString().slice(0, 10);
mkdirSync(new URL('results/', import.meta.url), { recursive: true });
const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, load: os.loadavg().map((l) => +l.toFixed(1)) };
writeFileSync(new URL(`results/batch-${date}.json`, import.meta.url), `${JSON.stringify({ machine, settings: { DURATION, WARMUP, CONNECTIONS, PARTS }, rows }, null, 2)}\n`);
