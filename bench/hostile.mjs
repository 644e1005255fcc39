// A hostile run against a spawned `edmock serve`, over raw sockets: seeded fuzz requests (the
// generators of test/fuzz, plus damage at the HTTP level), then 4 MB bodies the server must
// refuse, then the glob that backtracks. It counts what a client must never see: the server
// gone, a 5xx, an error that is not an OData JSON error, no answer within the deadline; and the
// server's RSS after the big bodies. Not part of `npm run bench`: it measures robustness, not
// speed. See bench/README.md.
//
//   node bench/hostile.mjs
//   HOSTILE_REQUESTS   fuzz requests (default 20000)
//   HOSTILE_SEED       seed of the inputs (default 1)
//   HOSTILE_TIMEOUT_MS deadline of one answer (default 5000)
//   HOSTILE_PARALLEL   requests in flight (default 8)
//   HOSTILE_BODIES     4 MB bodies sent for the memory figure (default 300)
//   HOSTILE_SERVER     another checkout (built) whose `edmock serve` to run; default this one,
//                      whose test/fuzz generators are used either way (HOSTILE_LABEL names it
//                      in the result file; default its git commit)
//   HOSTILE_GLOB_MS    how long the backtracking glob may take before the server is stopped
//                      (default 10000; 0 skips that step, which is last because it may leave
//                      the server stuck)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer as createNetServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER_ROOT = process.env.HOSTILE_SERVER ? path.resolve(process.env.HOSTILE_SERVER) : ROOT;
const env = (name, fallback) => (process.env[name] === undefined || process.env[name] === '' ? fallback : Number(process.env[name]));
const REQUESTS = env('HOSTILE_REQUESTS', 20_000);
const SEED = env('HOSTILE_SEED', 1);
const TIMEOUT_MS = env('HOSTILE_TIMEOUT_MS', 5_000);
const PARALLEL = env('HOSTILE_PARALLEL', 8);
const BODIES = env('HOSTILE_BODIES', 300);
const GLOB_MS = env('HOSTILE_GLOB_MS', 10_000);

// The generators are the fuzz suite's (TypeScript, compiled with the tests).
const built = spawnSync(process.execPath, ['scripts/build-if-stale.mjs', 'tsconfig.json', 'tsconfig.test.json'], { cwd: ROOT, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
const { default: fc } = await import('fast-check');
const { method: methodArb, path: pathArb, queryString } = await import('../dist/test/fuzz/grammar.js');
const { writeRequest } = await import('../dist/test/fuzz/bodies.js');
const { queryOptions } = await import('../dist/test/fuzz/expressions.js');
const { BUNDLED_WRITES, COLLECTIONS } = await import('../dist/test/fuzz/bundled.js');
const { ERROR_CATALOG } = await import('../dist/src/odata/errors.js');
// The fault rules' generator (mulberry32): the same damage for the same seed on every machine.
const { seeded: random } = await import('../dist/src/toolkit/faults.js');
const CATALOG = new Set(Object.values(ERROR_CATALOG).map((e) => `${e.status} ${e.code}`));

// ---------------------------------------------------------------------------------------------
// The server

async function freePort() {
  const probe = createNetServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** `edmock serve` on a free port; resolves once it answers. Errors it logs are counted. */
async function startServer() {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/src/cli/edmock.js', 'serve', '--port', String(port), '--log-level', 'warn'], { cwd: SERVER_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const server = { child, port, errorLines: 0, warnLines: 0, exited: false };
  const count = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (/"level":50|\bERROR\b/.test(line)) server.errorLines++;
      else if (/"level":40|\bWARN\b/.test(line)) server.warnLines++;
    }
  };
  child.stdout.on('data', count);
  child.stderr.on('data', count);
  child.once('exit', () => { server.exited = true; });
  for (let i = 0; i < 200; i++) {
    const answer = await exchange(port, `GET /beta/$metadata HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, 1_000).catch(() => undefined);
    if (answer?.status === 200) return server;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the server did not start');
}

const rssMiB = (pid) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : undefined;
};

// ---------------------------------------------------------------------------------------------
// One exchange over a socket: the bytes out, the first response in (or why there is none)

/** The first HTTP response in `data`, once it is complete (Content-Length, chunked, or no body). */
function parseResponse(data, head, closed) {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(lines[0] ?? '')?.[1]);
  const headers = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = data.subarray(end + 4);
  if (head || status === 204 || status === 304 || (status >= 100 && status < 200)) return { status, headers, body: '' };
  if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    return rest.length >= length ? { status, headers, body: rest.subarray(0, length).toString('utf8') } : undefined;
  }
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const text = rest.toString('latin1');
    if (!/(^|\r\n)0\r\n\r\n/.test(text)) return undefined;
    let body = '';
    for (let at = 0; ;) {
      const lineEnd = text.indexOf('\r\n', at);
      const size = Number.parseInt(text.slice(at, lineEnd), 16);
      if (!(size > 0)) break;
      body += text.slice(lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
    return { status, headers, body: Buffer.from(body, 'latin1').toString('utf8') };
  }
  return closed ? { status, headers, body: rest.toString('utf8') } : undefined;
}

/** Sends bytes; resolves with the first response, or { none: 'timeout' | 'closed' | 'refused' }. */
function exchange(port, bytes, timeoutMs = TIMEOUT_MS, head = false) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let settled = false;
    const settle = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => settle({ none: 'timeout' }), timeoutMs);
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      const response = parseResponse(data, head, false);
      if (response) settle(response);
    });
    socket.on('error', (error) => settle({ none: error.code === 'ECONNREFUSED' ? 'refused' : 'closed' }));
    socket.on('close', () => settle(parseResponse(data, head, true) ?? { none: 'closed' }));
    socket.write(bytes);
  });
}

// ---------------------------------------------------------------------------------------------
// The inputs: the fuzz suite's requests, written out as HTTP/1.1, some of them damaged

const encodeUrl = (url) => url.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c)).replaceAll('#', '%23');

/** The fuzz suite's generators, as { method, url, body?, type? }. */
function requestArbitrary() {
  const plain = fc.tuple(methodArb, pathArb(), queryString).map(([method, path, query]) => ({ method, url: `${path}${query}` }));
  const write = writeRequest(BUNDLED_WRITES).map(([method, url, body, type]) => ({ method, url, body, type }));
  const query = fc.constantFrom(...COLLECTIONS).chain(([url, vocabulary]) => queryOptions(vocabulary).map((q) => ({ method: 'GET', url: `${url}?${q}` })));
  const admin = fc.tuple(fc.constantFrom('/_edmock/journal', '/_edmock/faults'), fc.stringMatching(/^\/[a-z/.*]{0,16}$/)).map(([url, glob]) => {
    // Globs of at most three wildcards: the run measures the backtracking one on its own, last.
    const bounded = glob.replace(/\*/g, (star, at) => (glob.slice(0, at).split('*').length > 3 ? '' : star));
    return url.endsWith('journal')
      ? { method: 'GET', url: `${url}?path=${encodeURIComponent(bounded)}` }
      : { method: 'POST', url, body: JSON.stringify({ fault: 'throttle', path: bounded, times: 1 }), type: 'application/json' };
  });
  return fc.oneof({ weight: 3, arbitrary: plain }, { weight: 3, arbitrary: write }, { weight: 3, arbitrary: query }, { weight: 1, arbitrary: admin });
}

/** A request as bytes: well formed, then with probability 0.3 damaged in one of these ways. */
const DAMAGE = [
  ['HTTP/1.0, no Host', (r) => r.replace(/ HTTP\/1\.1\r\n/, ' HTTP/1.0\r\n').replace(/Host: [^\r]*\r\n/, '')],
  ['no Host', (r) => r.replace(/Host: [^\r]*\r\n/, '')],
  ['two Hosts', (r) => r.replace(/Host: ([^\r]*)\r\n/, 'Host: $1\r\nHost: other.example\r\n')],
  ['HTTP/2.0 request line', (r) => r.replace(/ HTTP\/1\.1\r\n/, ' HTTP/2.0\r\n')],
  ['lower-case method', (r) => r.replace(/^[A-Z]+/, (m) => m.toLowerCase())],
  ['unknown method', (r) => r.replace(/^[A-Z]+/, 'BREW')],
  ['CONNECT', () => 'CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\nConnection: close\r\n\r\n'],
  ['absolute-form target', (r) => r.replace(/^([A-Z]+) \//, '$1 http://127.0.0.1/')],
  ['asterisk-form OPTIONS', () => 'OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'],
  ['raw UTF-8 in the target', (r) => r.replace(/^([A-Z]+ \/[^ ]*)/, '$1\u00e9\u4e2d')],
  ['NUL in the target', (r) => r.replace(/^([A-Z]+ \/[^ ]*)/, '$1\0')],
  ['space in the target', (r) => r.replace(/^([A-Z]+ \/[^ ]*)/, '$1 x')],
  ['bad header name', (r) => r.replace('\r\n\r\n', '\r\nBad Header: x\r\n\r\n')],
  ['obsolete line folding', (r) => r.replace('\r\n\r\n', '\r\nX-Folded: a\r\n b\r\n\r\n')],
  ['16 KiB header', (r) => r.replace('\r\n\r\n', `\r\nX-Long: ${'a'.repeat(16_384)}\r\n\r\n`)],
  ['300 KiB of headers', (r) => r.replace('\r\n\r\n', `\r\nX-Huge: ${'a'.repeat(300 * 1024)}\r\n\r\n`)],
  ['bare LF line ends', (r) => r.replaceAll('\r\n', '\n')],
  ['Content-Length too small', (r) => r.replace(/Content-Length: (\d+)/, (m, n) => `Content-Length: ${Math.max(0, Number(n) - 1)}`)],
  ['Content-Length not a number', (r) => r.replace(/Content-Length: \d+/, 'Content-Length: 1x')],
  ['two Content-Lengths', (r) => r.replace(/Content-Length: (\d+)/, 'Content-Length: $1\r\nContent-Length: 0')],
  ['chunked and Content-Length', (r) => r.replace(/Content-Length: (\d+)\r\n/, 'Content-Length: $1\r\nTransfer-Encoding: chunked\r\n')],
  ['bad chunk size', (r) => r.replace(/Content-Length: \d+\r\n([\s\S]*?\r\n\r\n)([\s\S]*)$/, 'Transfer-Encoding: chunked\r\n$1zz\r\n$2\r\n0\r\n\r\n')],
  ['chunked body', (r) => r.replace(/Content-Length: \d+\r\n([\s\S]*?\r\n\r\n)([\s\S]*)$/, (m, head, body) => `Transfer-Encoding: chunked\r\n${head}${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`)],
  ['Content-Encoding gzip', (r) => r.replace('\r\n\r\n', '\r\nContent-Encoding: gzip\r\n\r\n')],
  ['Expect: 100-continue', (r) => r.replace('\r\n\r\n', '\r\nExpect: 100-continue\r\n\r\n')],
  ['OData-Version 3.0', (r) => r.replace('\r\n\r\n', '\r\nOData-Version: 3.0\r\n\r\n')],
  ['Accept application/xml', (r) => r.replace('\r\n\r\n', '\r\nAccept: application/xml\r\n\r\n')],
  ['bad session header', (r) => r.replace('\r\n\r\n', '\r\nx-edmock-session: a b\r\n\r\n')],
  ['bad fault header', (r) => r.replace('\r\n\r\n', '\r\nx-edmock-fault: throttle; retry-after=x\r\n\r\n')],
  ['Prefer noise', (r) => r.replace('\r\n\r\n', '\r\nPrefer: return=minimal, odata.maxpagesize=-1, respond-async\r\n\r\n')],
  ['If-Match noise', (r) => r.replace('\r\n\r\n', '\r\nIf-Match: W/"x", *\r\n\r\n')],
  ['pipelined second request', (r) => r.replace('Connection: close\r\n', '') + 'GET /beta/$metadata HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'],
];

/** The request's bytes, and the damage done (none when it did not apply to this request). */
function toBytes(request, port, damage) {
  const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
  let text = `${request.method} ${encodeUrl(request.url)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n`;
  if (body) text += `Content-Type: ${request.type}\r\nContent-Length: ${body.length}\r\n`;
  text += `\r\n${body ? body.toString('latin1') : ''}`;
  const damaged = damage ? damage[1](text) : text;
  return { bytes: Buffer.from(damaged, 'latin1'), damage: damaged === text ? undefined : damage };
}

// ---------------------------------------------------------------------------------------------
// The verdict on one answer

function verdict(answer, method) {
  if (answer.none === 'timeout') return 'hang';
  if (answer.none) return 'dropped';
  const { status, body, headers } = answer;
  if (status >= 500 && status !== 501) return '5xx';
  if (status < 400 || method === 'HEAD') return status === 501 ? '501' : 'ok';
  try {
    const error = JSON.parse(body).error;
    if (typeof error?.code !== 'string' || typeof error.message !== 'string' || !/^application\/json/.test(headers['content-type'] ?? '')) return 'non-OData';
    if (!CATALOG.has(`${status} ${error.code}`)) return 'not in catalog';
  } catch {
    return 'non-OData';
  }
  return status === 501 ? '501' : 'ok';
}

// ---------------------------------------------------------------------------------------------
// The run

const started = Date.now();
const counts = { requests: 0, crashes: 0, '5xx': 0, 'non-OData': 0, 'not in catalog': 0, hang: 0, dropped: 0, 501: 0, ok: 0 };
const examples = {};
const damageCounts = {};
const note = (kind, input, answer) => {
  counts[kind]++;
  const list = (examples[kind] ??= []);
  if (list.length < 10) list.push({ input: input.slice(0, 400), answer: answer.none ?? `${answer.status} ${answer.body?.slice(0, 200) ?? ''}` });
};

let server = await startServer();
const rssAtStart = rssMiB(server.child.pid);
const requests = fc.sample(requestArbitrary(), { numRuns: REQUESTS, seed: SEED });
const dice = random(SEED);
const plan = requests.map((request) => ({ request, damage: dice() < 0.3 ? DAMAGE[Math.floor(dice() * DAMAGE.length)] : undefined }));

let next = 0;
let errorsLogged = 0;
let restarting;
/** After a crash: one new server, however many requests saw the old one go. */
async function replace(dead) {
  if (server !== dead) return;
  restarting ??= (async () => {
    errorsLogged += dead.errorLines;
    server = await startServer();
    restarting = undefined;
  })();
  await restarting;
}
async function worker() {
  while (next < plan.length) {
    const used = server;
    const { bytes, damage } = toBytes(plan[next].request, used.port, plan[next++].damage);
    // A HEAD answer has no body whatever its Content-Length says (RFC 9110 §9.3.2).
    const head = bytes.subarray(0, 5).toString('latin1') === 'HEAD ';
    const answer = await exchange(used.port, bytes, TIMEOUT_MS, head);
    counts.requests++;
    if (damage) damageCounts[damage[0]] = (damageCounts[damage[0]] ?? 0) + 1;
    const input = `${damage ? `[${damage[0]}] ` : ''}${bytes.toString('latin1')}`;
    if (used.exited || answer.none === 'refused') {
      // Counted once per server that went: the request in flight when it did is the suspect.
      if (!used.crashCounted) { used.crashCounted = true; note('crashes', input, answer); }
      await replace(used);
      continue;
    }
    const kind = verdict(answer, head ? 'HEAD' : 'other');
    if (kind === 'ok') counts.ok++;
    else note(kind, input, answer);
  }
}
await Promise.all(Array.from({ length: PARALLEL }, worker));
const fuzzSeconds = (Date.now() - started) / 1000;

// Memory: 4 MB bodies (under the 4 MiB limit) that validation refuses, one after the other.
await new Promise((resolve) => setTimeout(resolve, 1_000));
const rssBeforeBodies = rssMiB(server.child.pid);
const bigBody = JSON.stringify({ nosuch: 'x'.repeat(4 * 1024 * 1024 - 64) });
const bigStatuses = {};
for (let i = 0; i < BODIES; i++) {
  const answer = await exchange(server.port, `POST /beta/deviceAppManagement/mobileApps/11111111-1111-4111-8111-111111111111/userStatuses HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${bigBody.length}\r\n\r\n${bigBody}`, 30_000);
  const key = answer.none ?? String(answer.status);
  bigStatuses[key] = (bigStatuses[key] ?? 0) + 1;
}
await new Promise((resolve) => setTimeout(resolve, 1_000));
const rssAfterBodies = server.exited ? undefined : rssMiB(server.child.pid);

// The backtracking glob: the issue's, against a 3,000-character recorded path. Last, since a
// matcher that backtracks leaves the server unable to answer (or to stop on SIGTERM).
let glob = { skipped: true };
if (GLOB_MS > 0 && !server.exited) {
  const pattern = '/beta/*a*a*a*a*b';
  await exchange(server.port, `GET /beta/${'a'.repeat(3000)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  const t0 = performance.now();
  const answer = await exchange(server.port, `GET /_edmock/journal?path=${encodeURIComponent(pattern)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, GLOB_MS);
  const ms = Math.round(performance.now() - t0);
  glob = { pattern, pathLength: 3006, answered: !answer.none, ms: answer.none ? `> ${GLOB_MS}` : ms, status: answer.status ?? answer.none };
}

// Stop: SIGTERM first, as a user would; note whether it was obeyed within 5 s.
server.child.kill('SIGTERM');
const stopped = await new Promise((resolve) => {
  if (server.exited) resolve(true);
  const timer = setTimeout(() => resolve(false), 5_000);
  server.child.once('exit', () => { clearTimeout(timer); resolve(true); });
});
if (!stopped) server.child.kill('SIGKILL');
if (!glob.skipped) glob.sigtermObeyed = stopped;

// ---------------------------------------------------------------------------------------------
// Report

const rows = [
  ['inputs tried', counts.requests],
  ['  of them damaged at the HTTP level', Object.values(damageCounts).reduce((a, b) => a + b, 0)],
  ['crashes (server process gone)', counts.crashes],
  ['5xx answers (501 aside)', counts['5xx']],
  ['non-OData error bodies', counts['non-OData']],
  ['errors not in the catalog', counts['not in catalog']],
  ['hangs (no answer in ' + TIMEOUT_MS + ' ms)', counts.hang],
  ['connections closed without an answer', counts.dropped],
  ['501 NotImplemented (documented forms)', counts[501]],
  ['errors logged by the server', errorsLogged + server.errorLines],
  ['RSS at start (MiB)', rssAtStart],
  [`RSS before ${BODIES} rejected 4 MB bodies (MiB)`, rssBeforeBodies],
  [`RSS after them (MiB)`, rssAfterBodies ?? 'server gone'],
  ['  their answers', Object.entries(bigStatuses).map(([k, v]) => `${v} x ${k}`).join(', ')],
  ['slowest glob (issue\'s, 3,006-char path)', glob.skipped ? 'skipped' : `${glob.ms} ms${glob.answered ? '' : ' (no answer; server stopped)'}`],
  ['SIGTERM obeyed after the run', stopped ? 'yes' : 'no (SIGKILL)'],
  ['fuzz phase wall time (s)', fuzzSeconds.toFixed(1)],
];
const width = Math.max(...rows.map(([label]) => label.length));
console.log(`\nhostile run: ${REQUESTS} requests, seed ${SEED}, ${PARALLEL} in flight\n`);
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
for (const [kind, list] of Object.entries(examples).filter(([kind]) => kind !== '501')) {
  console.log(`\n${kind}: first ${list.length}`);
  for (const { input, answer } of list) console.log(`  ${JSON.stringify(input.slice(0, 160))}\n    -> ${JSON.stringify(answer).slice(0, 200)}`);
}

const date = new Date().toISOString().slice(0, 10);
mkdirSync(new URL('results/', import.meta.url), { recursive: true });
const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, load: os.loadavg().map((l) => +l.toFixed(1)) };
const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: SERVER_ROOT, encoding: 'utf8' }).stdout.trim() || undefined;
const settings = { REQUESTS, SEED, TIMEOUT_MS, PARALLEL, BODIES, GLOB_MS, server: process.env.HOSTILE_LABEL ?? commit ?? SERVER_ROOT };
const file = new URL(`results/hostile-${date}.json`, import.meta.url);
writeFileSync(file, `${JSON.stringify({ machine, settings, counts, damage: damageCounts, rss: { atStart: rssAtStart, beforeBodies: rssBeforeBodies, afterBodies: rssAfterBodies, bodies: bigStatuses }, glob, sigtermObeyed: stopped, errorsLogged: errorsLogged + server.errorLines, fuzzSeconds, examples }, null, 2)}\n`);
console.log(`\nwritten: ${fileURLToPath(file)}`);
