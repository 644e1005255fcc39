// `node bench/profile.mjs '<path>'` (after `npm run build`): runs the bench server under
// --cpu-prof, loads one path with autocannon for 5 s, and leaves the .cpuprofile in
// bench/results/profiles/ (open it in Chrome DevTools, or sum the self times).
import { fork } from 'node:child_process';
import autocannon from 'autocannon';

const url = process.argv[2];
if (!url) throw new Error("usage: node bench/profile.mjs '/beta/deviceAppManagement/mobileApps/page/userStatuses?$top=10'");
const dir = new URL('./results/profiles/', import.meta.url).pathname;
const child = fork(new URL('./serve-edmock.mjs', import.meta.url), {
  execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  env: { ...process.env, BENCH_ENTITIES: process.env.BENCH_ENTITIES ?? '1000' },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const { address } = await new Promise((resolve) => child.once('message', resolve));
await new Promise((resolve) => autocannon({ url: address + url, duration: 5, connections: 10 }, resolve));
child.kill('SIGINT');
await new Promise((resolve) => child.once('exit', resolve));
console.log(`profile written to ${dir}`);
