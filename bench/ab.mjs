// `node bench/ab.mjs <other checkout> '<path>'` (both built): is a change to the request path
// faster? Runs bench/serve-edmock.mjs from this checkout (A) and from the other one (B), each in
// its own process, and loads them in turns (A B B A, repeated) with the same request, so that a
// machine whose speed drifts during the run slows both alike. Prints B / A of requests per second
// for each pair and their median, and the same ratio from the servers' CPU time per request
// (A's over B's), which a busy machine disturbs less. BENCH_METHOD and BENCH_BODY make it a write; BENCH_SECONDS
// (default 3) per run, BENCH_ROUNDS (default 4) pairs of pairs, BENCH_CONNECTIONS (default 16).
// The other checkout needs package.json, dist/, generated/, fixtures/, metadata/ and bench/; it
// may be this one, to compare settings: BENCH_B_ENV='BENCH_JOURNAL=0' starts B with that env.
import { fork } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';

const [other, url] = process.argv.slice(2);
if (!other || !url) throw new Error("usage: node bench/ab.mjs <other checkout> '/beta/deviceAppManagement/mobileApps/page/userStatuses/u000001'");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const write = process.env.BENCH_METHOD
  ? { method: process.env.BENCH_METHOD, headers: { 'content-type': 'application/json' }, body: process.env.BENCH_BODY ?? '{}' }
  : {};

const bEnv = Object.fromEntries((process.env.BENCH_B_ENV ?? '').split(/\s+/).filter(Boolean).map((pair) => pair.split('=', 2)));
const start = (root, env = {}) => new Promise((resolve, reject) => {
  const child = fork(path.join(root, 'bench', 'serve-edmock.mjs'), { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.once('message', (message) => resolve({ child, address: message.address }));
  child.once('exit', (code) => reject(new Error(`${root}: the server exited with ${code}`)));
});
const cpuTime = (server) => new Promise((resolve) => {
  server.child.once('message', (message) => resolve(message.cpu.user + message.cpu.system));
  server.child.send('cpu');
});
/** Requests per second and CPU microseconds per request of one run. */
const load = async (server) => {
  const before = await cpuTime(server);
  const result = await new Promise((resolve, reject) => {
    autocannon({ url: server.address + url, duration: SECONDS, connections: CONNECTIONS, ...write }, (error, r) => {
      if (error) reject(error);
      else if (r.non2xx + r.errors > 0) reject(new Error(`${r.non2xx + r.errors} failed requests`));
      else resolve(r);
    });
  });
  return { rate: result.requests.average, cpu: (await cpuTime(server) - before) / result.requests.total };
};
const median = (values) => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const a = await start(new URL('..', import.meta.url).pathname);
const b = await start(path.resolve(other), bEnv);
try {
  // Both warm before anything counts.
  await load(a);
  await load(b);
  const ratios = [];
  const cpuRatios = [];
  for (let round = 0; round < ROUNDS; round++) {
    const runs = [await load(a), await load(b), await load(b), await load(a)];
    const [rateA, rateB] = [runs[0].rate + runs[3].rate, runs[1].rate + runs[2].rate];
    const [cpuA, cpuB] = [runs[0].cpu + runs[3].cpu, runs[1].cpu + runs[2].cpu];
    ratios.push(rateB / rateA);
    cpuRatios.push(cpuA / cpuB);
    console.log(`A ${Math.round(rateA / 2)} req/s ${(cpuA / 2).toFixed(1)} us CPU, B ${Math.round(rateB / 2)} req/s ${(cpuB / 2).toFixed(1)} us CPU: B/A ${ratios.at(-1).toFixed(3)}, by CPU ${cpuRatios.at(-1).toFixed(3)}`);
  }
  console.log(`median B/A ${median(ratios).toFixed(3)}, by CPU ${median(cpuRatios).toFixed(3)} (${ROUNDS} rounds of ${SECONDS} s runs, ${CONNECTIONS} connections)`);
} finally {
  a.child.kill();
  b.child.kill();
}
