// `node bench/profile-summary.mjs <file.cpuprofile> [rows]`: where a CPU profile's time went,
// by self time once requests arrive, per function and per source file (node_modules grouped by package, node's own
// code as `node:`), as a share of the time that was not idle.
import { readFileSync } from 'node:fs';

const [file, rowsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: node bench/profile-summary.mjs <file.cpuprofile> [rows]');
const rows = Number(rowsArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8'));

// Startup (loading modules, seeding the store) is not what a request costs: samples count from
// the first one taken inside Node's HTTP parser callback, when the load has begun.
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const servingRequest = (id) => {
  for (let at = id; at !== undefined; at = parentOf.get(at)) if (byId.get(at).callFrame.functionName === 'parserOnIncoming') return true;
  return false;
};
const first = profile.samples.findIndex(servingRequest);

// Samples count once each; their interval is the time delta that follows them.
const selfByNode = new Map();
profile.samples.forEach((id, i) => {
  if (i >= first) selfByNode.set(id, (selfByNode.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
});

const where = (url) => {
  if (!url) return '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 13).split('/').slice(0, url.slice(modules + 13).startsWith('@') ? 2 : 1).join('/');
  if (url.startsWith('node:')) return 'node:';
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? url.slice(dist + 6) : url.slice(url.lastIndexOf('/') + 1);
};
const byFunction = new Map();
const byFile = new Map();
let busy = 0;
for (const node of profile.nodes) {
  const self = selfByNode.get(node.id) ?? 0;
  const { functionName, url, lineNumber } = node.callFrame;
  // Waiting for the network is not the server's cost; GC and `(program)` (V8 itself) are.
  if (functionName === '(idle)' || self === 0) continue;
  busy += self;
  const fileName = where(url);
  const key = `${functionName || '(anonymous)'}  ${fileName}${url ? `:${lineNumber + 1}` : ''}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + self);
  byFile.set(fileName, (byFile.get(fileName) ?? 0) + self);
}
// Inclusive time of the project's own functions (everything below them counted once per sample):
// what each step of the request path costs with the library and runtime work it causes.
const ownCode = (url) => url && !url.includes('node_modules/') && !url.startsWith('node:');
const inclusive = new Map();
profile.samples.forEach((id, i) => {
  if (i < first) return;
  const delta = profile.timeDeltas[i + 1] ?? 0;
  const seen = new Set();
  for (let at = id; at !== undefined; at = parentOf.get(at)) {
    const { functionName, url, lineNumber } = byId.get(at).callFrame;
    if (!ownCode(url)) continue;
    const key = `${functionName || '(anonymous)'}  ${where(url)}:${lineNumber + 1}`;
    if (!seen.has(key)) seen.add(key);
  }
  for (const key of seen) inclusive.set(key, (inclusive.get(key) ?? 0) + delta);
});

const show = (title, map) => {
  console.log(`\n${title} (busy ${(busy / 1000).toFixed(0)} ms)`);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    console.log(`${(us / busy * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`);
  }
};
show('self time by function', byFunction);
show('self time by file', byFile);
show('inclusive time of own functions', inclusive);
