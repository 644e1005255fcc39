// `npm run bench` (second part): edmock against a bare Fastify baseline, each in its own process,
// loaded by autocannon from this process over 127.0.0.1, bounded in time. The figure that matters
// is the ratio edmock / baseline of requests per second, robust to a noisy machine.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

function start(script) {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(script, import.meta.url), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (message) => resolve({ child, address: message.address }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

function run(url, options = {}) {
  return new Promise((resolve, reject) => {
    autocannon({ url, duration: DURATION, connections: CONNECTIONS, ...options }, (error, result) => {
      if (error) reject(error);
      else resolve(result);
    });
  });
}

const body = JSON.stringify({ userName: 'Bench', userPrincipalName: 'bench@contoso.example', installedDeviceCount: 4, failedDeviceCount: 1, notInstalledDeviceCount: 7 });
const json = { 'content-type': 'application/json' };
const beta = '/beta/deviceAppManagement/mobileApps';
const scenarios = [
  { name: 'POST create', edmock: { path: `${beta}/page/userStatuses`, method: 'POST', headers: json, body }, baseline: { path: '/echo', method: 'POST', headers: json, body }, target: 0.75 },
  { name: 'GET by key', edmock: { path: `${beta}/page/userStatuses/u000001` }, baseline: { path: '/entity' }, target: 0.8 },
  { name: 'GET page of 10', edmock: { path: `${beta}/page/userStatuses?$top=10` }, baseline: { path: '/page10' }, target: 0.7 },
  { name: 'GET page of 100', edmock: { path: `${beta}/page/userStatuses?$top=100` }, baseline: { path: '/page100' }, target: 0.35 },
  { name: '$filter 10% of 100k + $top=10', edmock: { path: `${beta}/big/userStatuses?$filter=installedDeviceCount%20eq%207&$top=10` }, baseline: { path: '/page10' }, target: 0.5 },
  { name: 'PATCH', edmock: { path: `${beta}/page/userStatuses/u000002`, method: 'PATCH', headers: json, body: '{"failedDeviceCount":3}' }, baseline: { path: '/echo', method: 'PATCH', headers: json, body: '{"failedDeviceCount":3}' }, target: null },
  { name: 'GET /$metadata', edmock: { path: '/beta/$metadata' }, baseline: { path: '/metadata' }, target: 0.95 },
];

const edmock = await start('./serve-edmock.mjs');
const baseline = await start('./serve-baseline.mjs');
const rows = [];
try {
  for (const scenario of scenarios) {
    const { path: edmockPath, ...edmockOptions } = scenario.edmock;
    const { path: basePath, ...baseOptions } = scenario.baseline;
    const b = await run(`${baseline.address}${basePath}`, baseOptions);
    const e = await run(`${edmock.address}${edmockPath}`, edmockOptions);
    const errors = e.non2xx + e.errors;
    rows.push({
      scenario: scenario.name,
      edmock: { reqPerSec: Math.round(e.requests.average), p50: e.latency.p50, p99: e.latency.p99, errors },
      baseline: { reqPerSec: Math.round(b.requests.average), p50: b.latency.p50, p99: b.latency.p99 },
      ratio: +(e.requests.average / b.requests.average).toFixed(2),
      target: scenario.target,
    });
  }
  // A $filter that matches nothing scans every entity: its cost per request, one at a time.
  const scan = await run(`${edmock.address}${beta}/big/userStatuses?$filter=userName%20eq%20'nobody'`, { connections: 1, duration: Math.max(2, DURATION / 2) });
  rows.push({ scenario: 'full scan of 100k ($filter matching nothing), ms per request', edmock: { msPerRequest: +scan.latency.mean.toFixed(1) } });
} finally {
  edmock.child.kill();
  baseline.child.kill();
}

console.log(`\n${'scenario'.padEnd(34)}${'edmock req/s'.padStart(13)}${'p50'.padStart(6)}${'p99'.padStart(6)}${'base req/s'.padStart(12)}${'ratio'.padStart(7)}${'target'.padStart(8)}`);
for (const row of rows) {
  if (!row.baseline) { console.log(`${row.scenario}: ${row.edmock.msPerRequest} ms`); continue; }
  const flag = row.target !== null && row.ratio < row.target ? '  (below target)' : '';
  console.log(`${row.scenario.padEnd(34)}${String(row.edmock.reqPerSec).padStart(13)}${String(row.edmock.p50).padStart(6)}${String(row.edmock.p99).padStart(6)}${String(row.baseline.reqPerSec).padStart(12)}${String(row.ratio).padStart(7)}${String(row.target ?? '-').padStart(8)}${flag}${row.edmock.errors ? `  ${row.edmock.errors} errors!` : ''}`);
}
const report = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1), platform: `${os.platform()} ${os.release()}` },
  versions: { node: process.version },
  settings: { durationSeconds: DURATION, connections: CONNECTIONS },
  rows,
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/server-${report.date.slice(0, 10)}.json`, import.meta.url);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwritten to bench/results/${file.pathname.split('/').pop()}`);
