// `npm run bench` (third part): memory per stored entity, and GET-by-key latency with 1,000 and
// with 1,000,000 entities in the collection (it should not grow: lookups are Map gets).
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createServer } from '../dist/src/server/create-server.js';
import { createEntity } from '../dist/src/odata/handlers/deep-insert.js';
import { resolvePath } from '../dist/src/odata/path/resolve-path.js';

const LARGE = Number(process.env.BENCH_LARGE ?? 1_000_000);
const app = await createServer({ fixtures: false });
const beta = app.edmock.services.find((s) => s.prefix === '/beta');
createEntity(beta.service, beta.store, 'deviceAppManagement/mobileApps', 'microsoft.graph.mobileApp', { '@odata.type': '#microsoft.graph.webApp', id: 'app' });
const target = resolvePath(beta.service, beta.store, '/deviceAppManagement/mobileApps/app/userStatuses');
let loaded = 0;
const loadTo = (count) => {
  for (; loaded < count; loaded++) {
    createEntity(beta.service, beta.store, target.collectionPath, target.type, {
      id: `u${String(loaded).padStart(7, '0')}`, userName: `user ${loaded}`, userPrincipalName: `user${loaded}@contoso.example`,
      installedDeviceCount: loaded % 10, failedDeviceCount: loaded % 1000, notInstalledDeviceCount: loaded % 3,
    });
  }
};
const rss = () => { globalThis.gc?.(); return process.memoryUsage().rss; };
async function getByKeyLatency(samples) {
  const times = [];
  for (let i = 0; i < samples; i++) {
    const id = `u${String(Math.floor(Math.random() * loaded)).padStart(7, '0')}`;
    const start = performance.now();
    const response = await app.inject(`/beta/deviceAppManagement/mobileApps/app/userStatuses/${id}`);
    times.push(performance.now() - start);
    if (response.statusCode !== 200) throw new Error(`${id}: ${response.statusCode}`);
  }
  times.sort((a, b) => a - b);
  return { p50: +times[Math.floor(times.length / 2)].toFixed(3), p99: +times[Math.floor(times.length * 0.99)].toFixed(3) };
}

loadTo(1000);
const small = await getByKeyLatency(3000);
const before = rss();
const start = performance.now();
loadTo(LARGE);
const loadSeconds = (performance.now() - start) / 1000;
const bytesPerEntity = (rss() - before) / (LARGE - 1000);
const large = await getByKeyLatency(3000);
const report = {
  date: new Date().toISOString(), node: process.version, entities: LARGE,
  loadSeconds: +loadSeconds.toFixed(1), rssBytesPerEntity: Math.round(bytesPerEntity),
  getByKeyMs: { at1000: small, [`at${LARGE}`]: large },
};
console.log(`\nstore growth: ${LARGE} entities loaded in ${report.loadSeconds} s, about ${report.rssBytesPerEntity} bytes of RSS each`);
console.log(`GET by key (in-process): p50 ${small.p50} ms / p99 ${small.p99} ms at 1,000; p50 ${large.p50} ms / p99 ${large.p99} ms at ${LARGE}`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL(`./results/store-${report.date.slice(0, 10)}.json`, import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
await app.close();
