// `npm run bench` (fourth part): the whole Microsoft Graph v1.0 metadata (issue 5 figures):
// `edmock generate` on it, and `edmock serve --metadata` from the command to its first answered
// request, with the idle RSS after that. Each step runs the real CLI in a child process.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const GRAPH = process.env.BENCH_GRAPH ?? new URL('../../shared/graph-reference/v1.0-cleanMetadata.xml', import.meta.url).pathname;
const CLI = new URL('../dist/src/cli/edmock.js', import.meta.url).pathname;
if (!existsSync(GRAPH)) {
  console.log(`(the whole Graph metadata was not found at ${GRAPH}: skipped)`);
  process.exit(0);
}

function runToEnd(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`edmock ${args.join(' ')} exited with ${code}`))));
  });
}

const rssOf = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

// generate: metadata dir holding only the Graph file -> a temporary generated dir
const work = mkdtempSync(path.join(os.tmpdir(), 'edmock-graph-'));
mkdirSync(path.join(work, 'metadata'));
copyFileSync(GRAPH, path.join(work, 'metadata', 'graph.xml'));
const generateStart = performance.now();
await runToEnd(['generate', '--metadata-dir', path.join(work, 'metadata'), '--out', path.join(work, 'generated')]);
const generateMs = performance.now() - generateStart;
const validatorsBytes = statSync(path.join(work, 'generated', 'graph', 'validators.mjs')).size;
rmSync(work, { recursive: true, force: true });

// serve: from the command to the first answered request, then idle RSS
async function coldStart() {
  const port = 40000 + Math.floor(Math.random() * 20000);
  const start = performance.now();
  const child = spawn(process.execPath, [CLI, 'serve', '--port', String(port), '--metadata', `/v1.0=${GRAPH}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  let firstAnswerMs;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/v1.0/users?$top=1`);
      await response.text();
      if (response.status === 200) { firstAnswerMs = performance.now() - start; break; }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (performance.now() - start > 60_000) throw new Error('no answer within 60 s');
  }
  // A first create compiles its type's validator on demand: its cost, once.
  const createStart = performance.now();
  const created = await fetch(`http://127.0.0.1:${port}/v1.0/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: 'Adele', accountEnabled: true }) });
  await created.text();
  const firstCreateMs = performance.now() - createStart;
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const idleRss = rssOf(child.pid);
  child.kill();
  return { firstAnswerMs, firstCreateMs, createStatus: created.status, idleRss };
}
const serve = await coldStart();

const report = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1), platform: `${os.platform()} ${os.release()}` },
  versions: { node: process.version },
  metadataBytes: statSync(GRAPH).size,
  generateMs: Math.round(generateMs),
  generatedValidatorsBytes: validatorsBytes,
  coldStartToFirstAnswerMs: Math.round(serve.firstAnswerMs),
  firstCreateMs: Math.round(serve.firstCreateMs),
  firstCreateStatus: serve.createStatus,
  idleRssMiB: +(serve.idleRss / 2 ** 20).toFixed(0),
  targets: { generateMs: 15000, coldStartToFirstAnswerMs: 2000, idleRssMiB: 400 },
};
console.log(`\nwhole Graph v1.0 metadata (${(report.metadataBytes / 2 ** 20).toFixed(1)} MB)`);
console.log(`  edmock generate                        ${(report.generateMs / 1000).toFixed(1)} s   (target < 15 s; validators module ${(validatorsBytes / 2 ** 20).toFixed(0)} MB)`);
console.log(`  serve --metadata: first answer after   ${(report.coldStartToFirstAnswerMs / 1000).toFixed(2)} s  (target < 2 s)`);
console.log(`  first create (compiles its validator)  ${report.firstCreateMs} ms (status ${report.firstCreateStatus})`);
console.log(`  idle RSS                               ${report.idleRssMiB} MiB (target < 400 MiB)`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/graph-${report.date.slice(0, 10)}.json`, import.meta.url);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwritten to bench/results/${file.pathname.split('/').pop()}`);
