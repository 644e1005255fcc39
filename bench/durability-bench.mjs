// `npm run bench` (part): what `--data` costs and what it keeps.
// 1. The create rate (POST of a userAppInstallStatus, autocannon, BENCH_CONNECTIONS connections,
//    with the server's CPU time per request: the steadier figure on a busy machine)
//    without --data, with --data-sync group (the default) and with --data-sync always, on the
//    bench server (serve-edmock.mjs: the seed data and a page-sized collection), back to back in
//    each round (BENCH_ROUNDS, alternating order); then the same with 100,000 more entities
//    stored, where the old whole-file save paused the server for half a second. The target:
//    with --data, at least half the rate without it.
// 2. Hard kills: `edmock serve --data` in a child process, creates streamed from BENCH_CLIENTS
//    clients, SIGKILL after BENCH_KILL_AFTER ms; after a restart, how many of the acknowledged
//    creates are there (all of them is the promise). Three runs, then three with SIGTERM.
import { fork, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const KILL_AFTER = Number(process.env.BENCH_KILL_AFTER ?? 3000);
const CLI = new URL('../dist/src/cli/edmock.js', import.meta.url).pathname;
const loadAtStart = os.loadavg().map((l) => +l.toFixed(1));
const scratch = mkdtempSync(path.join(os.tmpdir(), 'edmock-durability-'));

function start(env) {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./serve-edmock.mjs', import.meta.url), { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (message) => resolve({ child, address: message.address }));
    child.once('exit', (code) => reject(new Error(`serve-edmock.mjs exited with ${code}`)));
  });
}

/** CPU time (user + system, microseconds) the server process has used so far. */
const cpuTime = (server) => new Promise((resolve) => {
  server.child.once('message', (message) => resolve(message.cpu.user + message.cpu.system));
  server.child.send('cpu');
});

function load(url, options) {
  return new Promise((resolve, reject) => {
    autocannon({ url, duration: DURATION, connections: CONNECTIONS, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

const create = {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ userName: 'Bench', userPrincipalName: 'bench@contoso.example', installedDeviceCount: 4, failedDeviceCount: 1, notInstalledDeviceCount: 7 }),
};
const CREATE_PATH = '/beta/deviceAppManagement/mobileApps/page/userStatuses';

/** Create rates of the three settings, `entities` more stored; medians over the rounds. */
async function createRates(entities) {
  const settings = [['none', {}], ['group', { BENCH_DATA_SYNC: 'group' }], ['always', { BENCH_DATA_SYNC: 'always' }]];
  const results = Object.fromEntries(settings.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, env] of round % 2 ? [...settings].reverse() : settings) {
      const dataFile = path.join(scratch, `rate-${name}-${entities}-${round}.json`);
      const server = await start({ BENCH_ENTITIES: String(entities), ...env, ...(name === 'none' ? {} : { BENCH_DATA: dataFile }) });
      try {
        if (WARMUP > 0) await load(`${server.address}${CREATE_PATH}`, { ...create, duration: WARMUP });
        const before = await cpuTime(server);
        const result = await load(`${server.address}${CREATE_PATH}`, create);
        const cpuPerRequest = (await cpuTime(server) - before) / Math.max(1, result.requests.total);
        results[name].push({ reqPerSec: result.requests.average, cpuPerRequest, p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, errors: result.non2xx + result.errors });
      } finally {
        server.child.kill('SIGKILL');
      }
    }
  }
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted.length % 2 ? sorted[sorted.length >> 1] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  };
  const row = { entities };
  for (const [name] of settings) {
    const runs = results[name];
    row[name] = { reqPerSec: Math.round(median(runs.map((r) => r.reqPerSec))), cpuMicrosPerRequest: Math.round(median(runs.map((r) => r.cpuPerRequest))), p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)), max: Math.max(...runs.map((r) => r.max)), errors: runs.reduce((s, r) => s + r.errors, 0) };
  }
  row.groupVsNone = +(row.group.reqPerSec / row.none.reqPerSec).toFixed(2);
  row.alwaysVsNone = +(row.always.reqPerSec / row.none.reqPerSec).toFixed(2);
  return row;
}

function serveCli(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--log-level', 'warn', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const read = (chunk) => {
      out += chunk;
      const match = /edmock listening on (https?:\/\/\S+)/.exec(out);
      if (match) resolve({ url: match[1], child });
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`edmock serve exited with ${code}: ${out}`)));
  });
}

const exited = (child) => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve)));

/** Streams creates until the server goes, kills it with `signal` after KILL_AFTER ms, restarts, counts. */
async function killRun(signal, run) {
  const file = path.join(scratch, `kill-${signal}-${run}.json`);
  const server = await serveCli(['--data', file]);
  const answered = [];
  let stopped = false;
  const client = async (c) => {
    for (let i = 0; !stopped; i++) {
      const id = `k${c}-${i}`;
      try {
        const response = await fetch(`${server.url}/beta/deviceAppManagement/mobileApps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ '@odata.type': '#microsoft.graph.webApp', id }) });
        await response.arrayBuffer();
        if (response.ok) answered.push(id);
      } catch {
        return;
      }
    }
  };
  const clients = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  await new Promise((resolve) => setTimeout(resolve, KILL_AFTER));
  server.child.kill(signal);
  await exited(server.child);
  stopped = true;
  await clients;
  const restarted = await serveCli(['--data', file]);
  const dump = await (await fetch(`${restarted.url}/_edmock/dump`)).json();
  restarted.child.kill('SIGKILL');
  await exited(restarted.child);
  const stored = new Set(dump.services['/beta'].entities.map((e) => e.id));
  const found = answered.filter((id) => stored.has(id)).length;
  return { signal, run, acknowledged: answered.length, found, lost: answered.length - found };
}

const report = { date: new Date().toISOString(), rates: [], kills: [] };
try {
  for (const entities of [0, 100000]) {
    const row = await createRates(entities);
    report.rates.push(row);
    console.log(`\ncreates/s with ${entities} more entities stored (${CONNECTIONS} connections)`);
    for (const name of ['none', 'group', 'always']) {
      const r = row[name];
      console.log(`  ${`--data ${name === 'none' ? 'off' : `--data-sync ${name}`}`.padEnd(28)}${String(r.reqPerSec).padStart(7)} req/s   ${String(r.cpuMicrosPerRequest).padStart(5)} µs CPU/req   p50 ${r.p50} ms   p99 ${r.p99} ms   max ${r.max} ms${r.errors ? `   ${r.errors} errors!` : ''}`);
    }
    console.log(`  group / off ${row.groupVsNone} (target 0.5), always / off ${row.alwaysVsNone}`);
  }
  console.log(`\nhard and soft stops (${CLIENTS} clients streaming creates, signal after ${KILL_AFTER} ms, then a restart)`);
  console.log(`${'signal'.padEnd(9)}${'run'.padStart(4)}${'acknowledged'.padStart(14)}${'found'.padStart(8)}${'lost'.padStart(6)}`);
  for (const signal of ['SIGKILL', 'SIGTERM']) {
    for (let run = 1; run <= 3; run++) {
      const row = await killRun(signal, run);
      report.kills.push(row);
      console.log(`${signal.padEnd(9)}${String(run).padStart(4)}${String(row.acknowledged).padStart(14)}${String(row.found).padStart(8)}${String(row.lost).padStart(6)}`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
report.machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, platform: `${os.platform()} ${os.release()}`, loadAverage: { start: loadAtStart, end: os.loadavg().map((l) => +l.toFixed(1)) } };
report.versions = { node: process.version };
report.settings = { durationSeconds: DURATION, connections: CONNECTIONS, rounds: ROUNDS, clients: CLIENTS, killAfterMs: KILL_AFTER };
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const out = new URL(`./results/durability-${report.date.slice(0, 10)}.json`, import.meta.url);
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwritten to bench/results/${out.pathname.split('/').pop()}`);
