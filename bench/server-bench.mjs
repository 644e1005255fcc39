// `npm run bench` (second part): edmock against a bare Fastify baseline, each in its own process,
// loaded by autocannon from this process over 127.0.0.1, bounded in time. The figure that matters
// is the ratio edmock / baseline of requests per second, measured back to back, which is robust
// to a noisy machine.
//
// Three comparisons:
// 1. The bundled beta service against the baseline: the issue 5 targets. The request-path
//    scenarios run on a server holding the seed data and a page-sized collection; the $filter
//    scenarios on one holding 100,000 more entities. A large heap makes V8's parallel garbage
//    collector compete with the load generator for this machine's two cores, which costs every
//    request alike (see the extra "GET by key, 100k stored" row), so it is measured on its own.
// 2. and 3. The same scenarios on the same entity type (managedDeviceMobileAppConfigurationUserStatus)
//    served from the small bundled v1.0 metadata and from the whole Graph v1.0 metadata, both
//    holding 100,000 entities: the ratios should agree within 10%.
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const GRAPH = process.env.BENCH_GRAPH ?? new URL('../../shared/graph-reference/v1.0-cleanMetadata.xml', import.meta.url).pathname;
const withGraph = existsSync(GRAPH);

function start(script, env = {}) {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(script, import.meta.url), { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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

const json = { 'content-type': 'application/json' };
const betaBody = JSON.stringify({ userName: 'Bench', userPrincipalName: 'bench@contoso.example', installedDeviceCount: 4, failedDeviceCount: 1, notInstalledDeviceCount: 7 });
const v1Body = JSON.stringify({ userDisplayName: 'Bench', userPrincipalName: 'bench@contoso.example', devicesCount: 4, status: 'compliant', lastReportedDateTime: '2026-01-06T08:00:00Z' });

/** The scenarios of issue 5 for one service: `base` is the parent collection, `filter` matches 10%. */
function scenarios({ prefix, base, body, patch, filter, miss, metadata }) {
  return [
    { name: 'POST create', edmock: { path: `${base}/page/userStatuses`, method: 'POST', headers: json, body }, baseline: { path: '/echo', method: 'POST', headers: json, body }, target: 0.75 },
    { name: 'GET by key', edmock: { path: `${base}/page/userStatuses/u000001` }, baseline: { path: '/entity' }, target: 0.8 },
    { name: 'GET page of 10', edmock: { path: `${base}/page/userStatuses?$top=10` }, baseline: { path: '/page10' }, target: 0.7 },
    { name: 'GET page of 100', edmock: { path: `${base}/page/userStatuses?$top=100` }, baseline: { path: '/page100' }, target: 0.35 },
    { name: '$filter 10% of 100k + $top=10', large: true, edmock: { path: `${base}/big/userStatuses?$filter=${filter}&$top=10` }, baseline: { path: '/page10' }, target: 0.5 },
    { name: 'PATCH', edmock: { path: `${base}/page/userStatuses/u000002`, method: 'PATCH', headers: json, body: patch }, baseline: { path: '/echo', method: 'PATCH', headers: json, body: patch }, target: null },
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

async function measure(label, edmock, edmockLarge, baseline, list) {
  const rows = [];
  for (const scenario of list) {
    const server = scenario.large ? edmockLarge : edmock;
    if (scenario.scan) {
      // A $filter that matches nothing scans every entity: its cost per request, one at a time.
      const scan = await run(`${server.address}${scenario.scan}`, { connections: 1, duration: Math.max(2, DURATION / 2) });
      rows.push({ set: label, scenario: 'full scan of 100k ($filter matching nothing), ms per request', edmock: { msPerRequest: +scan.latency.mean.toFixed(2) } });
      continue;
    }
    const { path: edmockPath, ...edmockOptions } = scenario.edmock;
    const { path: basePath, ...baseOptions } = scenario.baseline;
    const b = await run(`${baseline.address}${basePath}`, baseOptions);
    const e = await run(`${server.address}${edmockPath}`, edmockOptions);
    rows.push({
      set: label,
      scenario: scenario.name,
      edmock: { reqPerSec: Math.round(e.requests.average), p50: e.latency.p50, p99: e.latency.p99, errors: e.non2xx + e.errors },
      baseline: { reqPerSec: Math.round(b.requests.average), p50: b.latency.p50, p99: b.latency.p99 },
      ratio: +(e.requests.average / b.requests.average).toFixed(2),
      target: scenario.target,
    });
  }
  return rows;
}

const children = [];
const launch = async (script, env) => {
  const server = await start(script, env);
  children.push(server.child);
  return server;
};
const rows = [];
try {
  const baseline = await launch('./serve-baseline.mjs', withGraph ? { BENCH_GRAPH: GRAPH } : {});
  const betaSmall = await launch('./serve-edmock.mjs', { BENCH_SERVICE: 'beta' });
  const betaLarge = await launch('./serve-edmock.mjs', { BENCH_SERVICE: 'beta', BENCH_ENTITIES: '100000' });
  rows.push(...await measure('beta', betaSmall, betaLarge, baseline, scenarios(beta)));
  const heavy = await run(`${betaLarge.address}${beta.base}/page/userStatuses/u000001`);
  const base = await run(`${baseline.address}/entity`);
  rows.push({
    set: 'beta', scenario: 'GET by key, 100k stored', edmock: { reqPerSec: Math.round(heavy.requests.average), p50: heavy.latency.p50, p99: heavy.latency.p99, errors: heavy.non2xx + heavy.errors },
    baseline: { reqPerSec: Math.round(base.requests.average), p50: base.latency.p50, p99: base.latency.p99 }, ratio: +(heavy.requests.average / base.requests.average).toFixed(2), target: null,
  });
  for (const child of children.splice(1)) child.kill();

  // BENCH_SETS=beta skips the whole-metadata comparison (a quicker run).
  if (withGraph && process.env.BENCH_SETS !== 'beta') {
    const small = await launch('./serve-edmock.mjs', { BENCH_SERVICE: 'v1.0', BENCH_ENTITIES: '100000' });
    rows.push(...await measure('v1.0 (small metadata)', small, small, baseline, scenarios(v1)));
    small.child.kill();
    const graph = await launch('./serve-edmock.mjs', { BENCH_SERVICE: 'graph', BENCH_GRAPH: GRAPH, BENCH_ENTITIES: '100000' });
    rows.push(...await measure('v1.0 (whole Graph metadata)', graph, graph, baseline, scenarios({ ...v1, metadata: '/metadata-graph' })));
  } else {
    console.log(`(the whole Graph metadata was not found at ${GRAPH}: its comparison is skipped)`);
  }
} finally {
  for (const child of children) child.kill();
}

let set;
for (const row of rows) {
  if (row.set !== set) {
    set = row.set;
    console.log(`\n${set}\n${'scenario'.padEnd(34)}${'edmock req/s'.padStart(13)}${'p50'.padStart(6)}${'p99'.padStart(6)}${'base req/s'.padStart(12)}${'ratio'.padStart(7)}${'target'.padStart(8)}`);
  }
  if (!row.baseline) { console.log(`${row.scenario}: ${row.edmock.msPerRequest} ms`); continue; }
  const flag = row.target !== null && row.ratio < row.target ? '  (below target)' : '';
  console.log(`${row.scenario.padEnd(34)}${String(row.edmock.reqPerSec).padStart(13)}${String(row.edmock.p50).padStart(6)}${String(row.edmock.p99).padStart(6)}${String(row.baseline.reqPerSec).padStart(12)}${String(row.ratio).padStart(7)}${String(row.target ?? '-').padStart(8)}${flag}${row.edmock.errors ? `  ${row.edmock.errors} errors!` : ''}`);
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
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1), platform: `${os.platform()} ${os.release()}` },
  versions: { node: process.version },
  settings: { durationSeconds: DURATION, connections: CONNECTIONS },
  rows,
  graphComparison: comparison,
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/server-${report.date.slice(0, 10)}.json`, import.meta.url);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwritten to bench/results/${file.pathname.split('/').pop()}`);
