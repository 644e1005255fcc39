// `node bench/profile.mjs '<path>'` (after `npm run build`): runs the bench server under
// --cpu-prof, loads one path with autocannon for 5 s, and leaves the .cpuprofile in
// bench/results/profiles/ (open it in Chrome DevTools, or `node bench/profile-summary.mjs <file>`
// for the self times by function and by file).
// BENCH_METHOD and BENCH_BODY profile a write (a JSON body: POST or PATCH);
// BENCH_SERVER=serve-handwritten.mjs profiles the hand-written server instead, to compare;
// BENCH_PROF_INTERVAL sets the sampling interval in microseconds (default 1000).
import { fork } from 'node:child_process';
import autocannon from 'autocannon';

const url = process.argv[2];
if (!url) throw new Error("usage: node bench/profile.mjs '/beta/deviceAppManagement/mobileApps/page/userStatuses?$top=10'");
const dir = new URL('./results/profiles/', import.meta.url).pathname;
const child = fork(new URL(`./${process.env.BENCH_SERVER ?? 'serve-edmock.mjs'}`, import.meta.url), {
  execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${process.env.BENCH_PROF_INTERVAL ?? 1000}`],
  env: { ...process.env, BENCH_ENTITIES: process.env.BENCH_ENTITIES ?? '1000' },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const { address } = await new Promise((resolve) => child.once('message', resolve));
const write = process.env.BENCH_METHOD
  ? { method: process.env.BENCH_METHOD, headers: { 'content-type': 'application/json' }, body: process.env.BENCH_BODY ?? '{}' }
  : {};
const result = await new Promise((resolve) => autocannon({ url: address + url, duration: Number(process.env.BENCH_SECONDS ?? 5), connections: 10, ...write }, (_error, r) => resolve(r)));
console.log(`${Math.round(result.requests.average)} req/s, ${result.non2xx} non-2xx`);
child.kill('SIGINT');
await new Promise((resolve) => child.once('exit', resolve));
console.log(`profile written to ${dir}`);
