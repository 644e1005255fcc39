// `npm run bench` (second part): edmock against a bare Fastify baseline, each in its own process,
// loaded by autocannon from this process over 127.0.0.1, bounded in time. The figure that matters
// is the ratio edmock / baseline of requests per second, measured back to back, which is robust
// to a noisy machine.
//
// Three comparisons:
// 1. The bundled beta service against the baseline: the issue 5 targets. The five request-path
//    scenarios (create, GET by key, pages of 10 and 100, PATCH) are also run against a second
//    baseline, serve-handwritten.mjs: a hand-written Fastify + Ajv + Map server for the same URLs,
//    which does the same lookup, validation and serialisation and nothing generic around it.
//    Its ratio (`vsHand`, edmock / hand-written) is what edmock's generality costs a request.
//    The request-path scenarios run on a server holding the seed data and a page-sized
//    collection; the $filter
//    scenarios on one holding 100,000 more entities. A large heap makes V8's parallel garbage
//    collector compete with the load generator for this machine's two cores, which costs every
//    request alike (see the extra "GET by key, 100k stored" row), so it is measured on its own.
//
// BENCH_SECONDS (default 5) bounds each run, BENCH_WARMUP (default 1) the unmeasured load before
// it; BENCH_CONNECTIONS (default 16, what the issue asking for the hand-written baseline used)
// sets the load; BENCH_ROUNDS (default 1) repeats each scenario's runs back to back, in reverse
// order every other round, and reports the medians (the results keep each round's figures).
// Each run also counts the server's CPU time per request: its ratios (`cpuRatio`, `cpuVsHand`:
// the other server's CPU per request over edmock's) move far less than requests per second
// when other work shares the machine, and agree with them on a quiet one. BENCH_SETS=request runs only the
// five request-path scenarios of beta against both baselines (about a minute and a quarter);
// BENCH_SETS=beta all of beta; otherwise the whole-metadata comparison follows.
// 2. and 3. The same scenarios on the same entity type (managedDeviceMobileAppConfigurationUserStatus)
//    served from the small bundled v1.0 metadata and from the whole Graph v1.0 metadata, both
//    holding 100,000 entities: the ratios should agree within 10%.
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
const SETS = process.env.BENCH_SETS;
// Seconds of load before each measured run, not counted: the first second of a run on a fresh
// server is mostly JIT warm-up, which would favour whichever server needs less of it.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const GRAPH = process.env.BENCH_GRAPH ?? new URL('../../shared/graph-reference/v1.0-cleanMetadata.xml', import.meta.url).pathname;
const withGraph = existsSync(GRAPH);
const loadAtStart = os.loadavg().map((l) => +l.toFixed(1));

function start(script, env = {}) {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(script, import.meta.url), { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (message) => resolve({ child, address: message.address }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

function load(url, options) {
  return new Promise((resolve, reject) => {
    autocannon({ url, duration: DURATION, connections: CONNECTIONS, ...options }, (error, result) => {
      if (error) reject(error);
      else resolve(result);
    });
  });
}

/** CPU time (user + system, microseconds) a server process has used so far. */
const cpuTime = (server) => new Promise((resolve) => {
  server.child.once('message', (message) => resolve(message.cpu.user + message.cpu.system));
  server.child.send('cpu');
});

/**
 * One measured run against `server`, after an unmeasured warm-up. Besides autocannon's figures,
 * `cpuPerRequest`: the server's CPU microseconds per request. Requests per second fall when other
 * work shares the machine; CPU time per request much less so, which makes it the steadier figure
 * for comparing servers on a busy machine.
 */
async function run(server, path, options = {}) {
  const url = `${server.address}${path}`;
  if (WARMUP > 0) await load(url, { ...options, duration: WARMUP });
  const before = await cpuTime(server);
  const result = await load(url, options);
  result.cpuPerRequest = (await cpuTime(server) - before) / Math.max(1, result.requests.total);
  return result;
}

const json = { 'content-type': 'application/json' };
const betaBody = JSON.stringify({ userName: 'Bench', userPrincipalName: 'bench@contoso.example', installedDeviceCount: 4, failedDeviceCount: 1, notInstalledDeviceCount: 7 });
const v1Body = JSON.stringify({ userDisplayName: 'Bench', userPrincipalName: 'bench@contoso.example', devicesCount: 4, status: 'compliant', lastReportedDateTime: '2026-01-06T08:00:00Z' });

/**
 * The scenarios of issue 5 for one service: `base` is the parent collection, `filter` matches 10%.
 * `hand` marks the ones the hand-written server answers (same path, same request), and
 * `handTarget` the least edmock / hand-written ratio asked for.
 */
function scenarios({ prefix, base, body, patch, filter, miss, metadata }) {
  return [
    { name: 'POST create', hand: true, edmock: { path: `${base}/page/userStatuses`, method: 'POST', headers: json, body }, baseline: { path: '/echo', method: 'POST', headers: json, body }, target: 0.75, handTarget: 0.8 },
    { name: 'GET by key', hand: true, edmock: { path: `${base}/page/userStatuses/u000001` }, baseline: { path: '/entity' }, target: 0.8, handTarget: 0.8 },
    { name: 'GET page of 10', hand: true, edmock: { path: `${base}/page/userStatuses?$top=10` }, baseline: { path: '/page10' }, target: 0.7, handTarget: 0.8 },
    { name: 'GET page of 100', hand: true, edmock: { path: `${base}/page/userStatuses?$top=100` }, baseline: { path: '/page100' }, target: 0.35, handTarget: 0.8 },
    { name: '$filter 10% of 100k + $top=10', large: true, edmock: { path: `${base}/big/userStatuses?$filter=${filter}&$top=10` }, baseline: { path: '/page10' }, target: 0.5 },
    { name: 'PATCH', hand: true, handTarget: null, edmock: { path: `${base}/page/userStatuses/u000002`, method: 'PATCH', headers: json, body: patch }, baseline: { path: '/echo', method: 'PATCH', headers: json, body: patch }, target: null },
    { name: 'GET /$metadata', edmock: { path: `${prefix}/$metadata` }, baseline: { path: metadata }, target: 0.95 },
    { name: 'full scan', large: true, scan: `${base}/big/userStatuses?$filter=${miss}` },
  ];
}

const beta = {
  prefix: '/beta', base: '/beta/deviceAppManagement/mobileApps', body: betaBody, patch: '{"failedDeviceCount":3}',
  filter: 'installedDeviceCount%20eq%207', miss: "userName%20eq%20'nobody'", metadata: '/metadata',
};
const v1 = {
  prefix: '/v1.0', base: '/v1.0/deviceAppManagement/mobileAppConfigurations', body: v1Body, patch: '{"devicesCount":3}',
  filter: 'devicesCount%20eq%207', miss: "userDisplayName%20eq%20'nobody'", metadata: '/metadata',
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const summary = (results) => ({
  reqPerSec: Math.round(median(results.map((r) => r.requests.average))),
  cpuMicrosPerRequest: +median(results.map((r) => r.cpuPerRequest)).toFixed(1),
  p50: median(results.map((r) => r.latency.p50)),
  p99: median(results.map((r) => r.latency.p99)),
});
const ratioOf = (rounds, a, b) => +median(rounds.map((r) => r[a].requests.average / r[b].requests.average)).toFixed(2);
/** The same ratio from CPU time per request: b's CPU per request over a's (higher is faster). */
const cpuRatioOf = (rounds, a, b) => +median(rounds.map((r) => r[b].cpuPerRequest / r[a].cpuPerRequest)).toFixed(2);

/** `hand`: the hand-written server, for the scenarios marked `hand` (undefined: not compared). */
async function measure(label, edmock, edmockLarge, baseline, list, hand) {
  const rows = [];
  for (const scenario of list) {
    const server = scenario.large ? edmockLarge : edmock;
    if (scenario.scan) {
      // A $filter that matches nothing scans every entity: its cost per request, one at a time.
      const scan = await run(server, scenario.scan, { connections: 1, duration: Math.max(2, DURATION / 2) });
      rows.push({ set: label, scenario: 'full scan of 100k ($filter matching nothing), ms per request', edmock: { msPerRequest: +scan.latency.mean.toFixed(2) } });
      continue;
    }
    const { path: edmockPath, ...edmockOptions } = scenario.edmock;
    const { path: basePath, ...baseOptions } = scenario.baseline;
    const withHand = hand !== undefined && scenario.hand;
    // The runs of one round back to back, so that each ratio compares like with like; every
    // other round in reverse, so that a machine slowing down or speeding up favours no server.
    const runs = [['b', baseline, basePath, baseOptions], ['e', server, edmockPath, edmockOptions]];
    if (withHand) runs.splice(1, 0, ['h', hand, edmockPath, edmockOptions]);
    const rounds = [];
    for (let round = 0; round < ROUNDS; round++) {
      const results = {};
      for (const [name, target, path, options] of round % 2 ? [...runs].reverse() : runs) results[name] = await run(target, path, options);
      rounds.push(results);
    }
    const errors = rounds.reduce((sum, { e }) => sum + e.non2xx + e.errors, 0);
    const row = {
      set: label,
      scenario: scenario.name,
      edmock: { ...summary(rounds.map((r) => r.e)), errors },
      baseline: summary(rounds.map((r) => r.b)),
      ratio: ratioOf(rounds, 'e', 'b'),
      cpuRatio: cpuRatioOf(rounds, 'e', 'b'),
      target: scenario.target,
    };
    if (withHand) {
      const handErrors = rounds.reduce((sum, { h }) => sum + h.non2xx + h.errors, 0);
      row.handwritten = { ...summary(rounds.map((r) => r.h)), errors: handErrors };
      row.handVsBaseline = ratioOf(rounds, 'h', 'b');
      row.vsHand = ratioOf(rounds, 'e', 'h');
      row.cpuVsHand = cpuRatioOf(rounds, 'e', 'h');
      row.handTarget = scenario.handTarget;
    }
    if (ROUNDS > 1) row.rounds = rounds.map((r) => Object.fromEntries(Object.entries(r).map(([name, result]) => [name, { reqPerSec: Math.round(result.requests.average), cpuMicrosPerRequest: +result.cpuPerRequest.toFixed(1) }])));
    rows.push(row);
  }
  return rows;
}

const children = [];
const launch = async (script, env) => {
  const server = await start(script, env);
  children.push(server.child);
  return server;
};
/** The comparisons BENCH_SETS asks for, each with the servers it needs. */
async function measureSets() {
  const rows = [];
  const baseline = await launch('./serve-baseline.mjs', withGraph ? { BENCH_GRAPH: GRAPH } : {});
  const hand = await launch('./serve-handwritten.mjs');
  const betaSmall = await launch('./serve-edmock.mjs', { BENCH_SERVICE: 'beta' });
  if (SETS === 'request') return measure('beta', betaSmall, betaSmall, baseline, scenarios(beta).filter((s) => s.hand), hand);
  const betaLarge = await launch('./serve-edmock.mjs', { BENCH_SERVICE: 'beta', BENCH_ENTITIES: '100000' });
  rows.push(...await measure('beta', betaSmall, betaLarge, baseline, scenarios(beta), hand));
  const heavy = await run(betaLarge, `${beta.base}/page/userStatuses/u000001`);
  const base = await run(baseline, '/entity');
  rows.push({
    set: 'beta', scenario: 'GET by key, 100k stored', edmock: { reqPerSec: Math.round(heavy.requests.average), p50: heavy.latency.p50, p99: heavy.latency.p99, errors: heavy.non2xx + heavy.errors },
    baseline: { reqPerSec: Math.round(base.requests.average), p50: base.latency.p50, p99: base.latency.p99 }, ratio: +(heavy.requests.average / base.requests.average).toFixed(2), target: null,
  });
  for (const child of children.splice(1)) child.kill();

  // BENCH_SETS=beta skips the whole-metadata comparison (a quicker run).
  if (withGraph && SETS !== 'beta') {
    const small = await launch('./serve-edmock.mjs', { BENCH_SERVICE: 'v1.0', BENCH_ENTITIES: '100000' });
    rows.push(...await measure('v1.0 (small metadata)', small, small, baseline, scenarios(v1)));
    small.child.kill();
    const graph = await launch('./serve-edmock.mjs', { BENCH_SERVICE: 'graph', BENCH_GRAPH: GRAPH, BENCH_ENTITIES: '100000' });
    rows.push(...await measure('v1.0 (whole Graph metadata)', graph, graph, baseline, scenarios({ ...v1, metadata: '/metadata-graph' })));
  } else if (!withGraph) {
    console.log(`(the whole Graph metadata was not found at ${GRAPH}: its comparison is skipped)`);
  }
  return rows;
}

let rows;
try {
  rows = await measureSets();
} finally {
  for (const child of children) child.kill();
}

const cell = (value, width) => String(value ?? '-').padStart(width);
let set;
for (const row of rows) {
  if (row.set !== set) {
    set = row.set;
    console.log(`\n${set} (${CONNECTIONS} connections)\n${'scenario'.padEnd(34)}${'edmock req/s'.padStart(13)}${'p50'.padStart(6)}${'p99'.padStart(6)}${'base req/s'.padStart(12)}${'ratio'.padStart(7)}${'target'.padStart(8)}`
      + `${'hand req/s'.padStart(12)}${'hand/base'.padStart(11)}${'vs hand'.padStart(9)}${'target'.padStart(8)}${'cpu: vs base'.padStart(14)}${'vs hand'.padStart(9)}`);
  }
  if (!row.baseline) { console.log(`${row.scenario}: ${row.edmock.msPerRequest} ms`); continue; }
  const flag = row.target !== null && row.ratio < row.target ? '  (below target)' : '';
  const handFlag = row.handTarget != null && row.vsHand < row.handTarget ? '  (below the hand-written target)' : '';
  const errors = (row.edmock.errors ? `  ${row.edmock.errors} errors!` : '') + (row.handwritten?.errors ? `  ${row.handwritten.errors} hand-written errors!` : '');
  console.log(`${row.scenario.padEnd(34)}${cell(row.edmock.reqPerSec, 13)}${cell(row.edmock.p50, 6)}${cell(row.edmock.p99, 6)}${cell(row.baseline.reqPerSec, 12)}${cell(row.ratio, 7)}${cell(row.target, 8)}`
    + `${cell(row.handwritten?.reqPerSec, 12)}${cell(row.handVsBaseline, 11)}${cell(row.vsHand, 9)}${cell(row.handTarget, 8)}${cell(row.cpuRatio, 14)}${cell(row.cpuVsHand, 9)}${flag}${handFlag}${errors}`);
}
const graphRows = rows.filter((r) => r.set === 'v1.0 (whole Graph metadata)' && r.ratio !== undefined);
const comparison = graphRows.map((g) => {
  const s = rows.find((r) => r.set === 'v1.0 (small metadata)' && r.scenario === g.scenario);
  return { scenario: g.scenario, small: s.ratio, graph: g.ratio, change: +((g.ratio / s.ratio - 1) * 100).toFixed(0) };
});
if (comparison.length) {
  console.log('\nwhole Graph metadata vs small metadata (ratio change, within 10% is the target)');
  for (const c of comparison) console.log(`${c.scenario.padEnd(34)}${String(c.small).padStart(7)}${String(c.graph).padStart(7)}${`${c.change > 0 ? '+' : ''}${c.change}%`.padStart(7)}`);
}
const report = {
  date: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1), platform: `${os.platform()} ${os.release()}`,
    // How busy the machine was with other work: load averages at the start and at the end.
    loadAverage: { start: loadAtStart, end: os.loadavg().map((l) => +l.toFixed(1)) },
  },
  versions: { node: process.version },
  settings: { durationSeconds: DURATION, connections: CONNECTIONS, rounds: ROUNDS, sets: SETS ?? 'all', journalSize: process.env.BENCH_JOURNAL ?? 'default' },
  rows,
  graphComparison: comparison,
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
// A request-path-only run is kept apart from the full runs the README quotes.
const file = new URL(`./results/server-${SETS === 'request' ? 'request-' : ''}${report.date.slice(0, 10)}.json`, import.meta.url);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwritten to bench/results/${file.pathname.split('/').pop()}`);
