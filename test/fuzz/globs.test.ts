import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import t from 'tap';
import { startServer, type Client } from '../helpers/server.js';
import { PATHOLOGICAL_GLOBS } from './corpus.js';
import { breach, fuzzParameters, send } from './harness.js';

// The path globs of journal filters and fault rules (`*` within a segment, `**` across), checked
// against a reference matcher written for the test: the journal lists exactly the entries whose
// path the glob matches, and a rule answers exactly the requests whose path it matches.
//
// The generated globs are bounded (at most three wildcards, short paths): the suite stays fast
// even on a matcher that backtracks. The pathological glob is the test at the end, run in a
// worker thread it can stop, so that a matcher that backtracks fails it instead of hanging it.

/** Reference glob match by dynamic programming: `**` any text, `*` any text without `/`. */
export function globMatches(glob: string, path: string): boolean {
  const tokens: string[] = [];
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] === '*' && glob[i + 1] === '*') { tokens.push('**'); i++; } else tokens.push(glob[i]);
  }
  // reachable[j]: the tokens so far can match path.slice(0, j).
  let reachable = Array.from({ length: path.length + 1 }, (_, j) => j === 0);
  for (const token of tokens) {
    const next = new Array<boolean>(path.length + 1).fill(false);
    for (let j = 0; j <= path.length; j++) {
      if (token === '**' || token === '*') {
        const carried = j > 0 && next[j - 1] && (token === '**' || path[j - 1] !== '/');
        next[j] = reachable[j] || carried;
      } else next[j] = j > 0 && reachable[j - 1] && path[j - 1] === token;
    }
    reachable = next;
  }
  return reachable[path.length];
}

const PATH_CHARS = ['a', 'b', 'a', 'b', '/', '.', '(', ')', "'", '$', '+', '-', '~'];
const pathChar = fc.constantFrom(...PATH_CHARS);
/** A recorded path: under /beta/ (journaled like any service request), up to 24 more characters. */
const recordedPath = fc.string({ unit: pathChar, maxLength: 24 }).map((rest) => `/beta/${rest}`);
/** A glob: literal characters (regular-expression metacharacters among them) and at most three wildcards. */
const glob = fc.tuple(
  fc.array(fc.string({ unit: fc.constantFrom(...PATH_CHARS, '?', '[', ']', '^', '|', '{', '\\'), maxLength: 6 }), { minLength: 1, maxLength: 4 }),
  fc.array(fc.constantFrom('*', '**'), { minLength: 3, maxLength: 3 }),
  fc.constantFrom('/beta/', '/beta', '/', '/**/', '/*/'),
).map(([parts, stars, start]) => start + parts.map((part, i) => `${part}${i < parts.length - 1 ? stars[i] ?? '' : ''}`).join(''));

async function journalPaths(client: Client, filter: string): Promise<string[]> {
  const response = await client.get(`/_edmock/journal?path=${encodeURIComponent(filter)}`);
  if (response.status !== 200) throw new Error(`journal filter ${filter} -> ${response.status} ${response.text}`);
  return (response.body.value as { path: string }[]).map((e) => e.path);
}

t.test('the reference matcher', async (t) => {
  t.ok(globMatches('/beta/**', '/beta/a/b'));
  t.ok(globMatches('/beta/*/b', '/beta/a/b'));
  t.notOk(globMatches('/beta/*', '/beta/a/b'), '* stays within a segment');
  t.ok(globMatches('/beta/a.b', '/beta/a.b'));
  t.notOk(globMatches('/beta/a.b', '/beta/axb'), '. is literal');
  t.ok(globMatches('/**', '/'));
  t.notOk(globMatches('/beta', '/beta/'));
});

t.test('a journal filter lists exactly the entries whose path its glob matches', async (t) => {
  const client = await startServer(t);
  await fc.assert(fc.asyncProperty(fc.array(recordedPath, { minLength: 1, maxLength: 4 }), glob, async (paths, filter) => {
    await client.delete('/_edmock/journal');
    for (const path of paths) await send(client.app, { method: 'GET', url: path });
    const recorded = await journalPaths(client, '/**');
    const listed = await journalPaths(client, filter);
    const expected = recorded.filter((path) => globMatches(filter, path));
    if (JSON.stringify(listed) !== JSON.stringify(expected)) {
      throw new Error(`glob ${filter} over ${JSON.stringify(recorded)} listed ${JSON.stringify(listed)}, expected ${JSON.stringify(expected)}`);
    }
  }), fuzzParameters(150));
  t.pass('every generated filter listed what the reference matches');
});

t.test('a fault rule answers exactly the requests whose path its glob matches', async (t) => {
  const client = await startServer(t);
  await fc.assert(fc.asyncProperty(glob, fc.array(recordedPath, { minLength: 1, maxLength: 3 }), async (rulePath, paths) => {
    await client.delete('/_edmock/faults');
    await client.delete('/_edmock/journal');
    const rule = await client.post('/_edmock/faults', { fault: 'throttle', path: rulePath });
    if (rule.status !== 201) throw new Error(`fault rule ${rulePath} -> ${rule.status} ${rule.text}`);
    for (const path of paths) {
      const answer = await send(client.app, { method: 'GET', url: path });
      const problem = breach(answer);
      if (problem !== undefined) throw new Error(`GET ${path} under rule ${rulePath} -> ${problem}`);
    }
    const entries = (await client.get('/_edmock/journal')).body.value as { path: string; status: number }[];
    for (const entry of entries) {
      if ((entry.status === 429) !== globMatches(rulePath, entry.path)) {
        throw new Error(`rule ${rulePath}: ${entry.path} answered ${entry.status}, the reference says it ${globMatches(rulePath, entry.path) ? 'matches' : 'does not match'}`);
      }
    }
  }), fuzzParameters(150));
  t.pass('every generated rule answered what the reference matches');
});

/**
 * Runs one glob against one path in a worker: the statuses of the journal filter and of the
 * request under a fault rule, 'hang' for a step that missed its deadline (counted from 'ready').
 */
function inWorker(job: { glob: string; path: string }, deadlineMs: number): Promise<(number | 'hang')[]> {
  const worker = new Worker(new URL('./glob-worker.js', import.meta.url), { workerData: job });
  const statuses: (number | 'hang')[] = [];
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = () => { clearTimeout(timer); void worker.terminate(); resolve([statuses[0] ?? 'hang', statuses[1] ?? 'hang']); };
    worker.on('message', (message: number | 'ready') => {
      clearTimeout(timer);
      if (message === 'ready') timer = setTimeout(finish, deadlineMs);
      else if (statuses.push(message) === 2) finish();
    });
    worker.once('error', (error) => { clearTimeout(timer); reject(error); });
  });
}

// The glob. A backtracking matcher took over 25 s on it (and the server ignored SIGTERM
// meanwhile); the worker is stopped once a deadline passes.
t.test('a pathological glob answers at once', async (t) => {
  const { glob, path } = PATHOLOGICAL_GLOBS;
  const [journal, fault] = await inWorker({ glob, path }, 1_500);
  t.equal(journal, 200, `journal filter ${glob} over a 3,000-character path answers`);
  t.equal(fault, 404, `a request for a 3,000-character path under fault rule ${glob} answers`);
});
