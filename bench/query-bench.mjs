// `npm run bench`: query performance over a large store (issue 3). Builds the server from dist/
// (run after `npm run build`), loads 100,000 userAppInstallStatus entities through the same create
// path as a POST, then times requests over real HTTP on 127.0.0.1, one at a time, bounded in count.
// Prints a table and writes bench/results/query-<date>.json with the machine and versions.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createServer } from '../dist/src/server/create-server.js';
import { createEntity } from '../dist/src/odata/handlers/deep-insert.js';
import { resolvePath } from '../dist/src/odata/path/resolve-path.js';

const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 100_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 40);
const APP = '11111111-1111-4111-8111-111111111111';
const COLLECTION = `/beta/deviceAppManagement/mobileApps/${APP}/userStatuses`;

const app = await createServer({ pageSize: 100 });
const beta = app.edmock.services.find((s) => s.prefix === '/beta');
const target = resolvePath(beta.service, beta.store, COLLECTION.slice('/beta'.length));
const loadStart = performance.now();
for (let i = 0; i < ENTITIES; i++) {
  createEntity(beta.service, beta.store, target.collectionPath, target.type, {
    id: `u${String(i).padStart(6, '0')}`,
    userName: `user ${i}`,
    userPrincipalName: `user${i}@contoso.example`,
    installedDeviceCount: i % 10,
    failedDeviceCount: (i * 7919) % 1000,
    notInstalledDeviceCount: i % 3,
  });
}
const loadMs = performance.now() - loadStart;
const address = await app.listen({ port: 0, host: '127.0.0.1' });
const base = `${address}${COLLECTION}`;

async function time(url) {
  const start = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${response.status} ${body.slice(0, 300)}`);
  return { ms: performance.now() - start, body };
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, p50: +at(0.5).toFixed(2), p99: +at(0.99).toFixed(2), max: +sorted.at(-1).toFixed(2) };
}

const scenarios = [
  ['$filter matching 10% + $top=10', `${base}?$filter=installedDeviceCount%20eq%207&$top=10`],
  ['$filter matching nothing (full scan)', `${base}?$filter=userName%20eq%20'nobody'`],
  ['$filter 10% + $count=true + $top=10', `${base}?$filter=installedDeviceCount%20eq%207&$top=10&$count=true`],
  ['$orderby + $top=10 (sorts everything)', `${base}?$orderby=failedDeviceCount%20desc&$top=10`],
  ['first page (100) without options', base],
  ['GET by key', `${base}/u050000`],
];
const results = {};
for (const [name, url] of scenarios) {
  await time(url); // warm-up
  const samples = [];
  for (let i = 0; i < REPEAT; i++) samples.push((await time(url)).ms);
  results[name] = stats(samples);
}

// Every page of the collection by following nextLinks: each entity exactly once.
async function pageThrough(url) {
  const start = performance.now();
  const seen = new Set();
  const pageTimes = [];
  let next = url;
  while (next) {
    const { ms, body } = await time(next);
    pageTimes.push(ms);
    const page = JSON.parse(body);
    for (const entity of page.value) seen.add(entity.id);
    next = page['@odata.nextLink'];
  }
  return { totalMs: +(performance.now() - start).toFixed(0), pages: pageTimes.length, entities: seen.size, perPage: stats(pageTimes) };
}
const paging = await pageThrough(`${base}?$select=id`);
const pagingFiltered = await pageThrough(`${base}?$select=id&$filter=installedDeviceCount%20eq%207&$orderby=failedDeviceCount`);

await app.close();
const report = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1), platform: `${os.platform()} ${os.release()}` },
  versions: { node: process.version },
  entities: ENTITIES,
  loadMs: +loadMs.toFixed(0),
  requestsMs: results,
  pagingAll: paging,
  pagingFilteredOrdered: pagingFiltered,
};
console.log(`Loaded ${ENTITIES} entities through validated creates in ${report.loadMs} ms\n`);
console.log('scenario'.padEnd(44), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), 'max ms'.padStart(8));
for (const [name, s] of Object.entries(results)) console.log(name.padEnd(44), String(s.p50).padStart(8), String(s.p99).padStart(8), String(s.max).padStart(8));
for (const [name, p] of [['paging through all (100/page)', paging], ['paging 10% filtered + ordered', pagingFiltered]]) {
  console.log(`${name}: ${p.entities} entities in ${p.pages} pages, ${p.totalMs} ms total, p50 ${p.perPage.p50} ms / p99 ${p.perPage.p99} ms per page`);
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/query-${report.date.slice(0, 10)}.json`, import.meta.url);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwritten to bench/results/${file.pathname.split('/').pop()}`);
