import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { CLI, REPO_ROOT } from '../helpers/paths.js';

// `edmock diff` as CI runs it: the exit status is the gate.

const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'diff', ...args], { encoding: 'utf8', timeout: 20_000 });
const BETA = path.join(REPO_ROOT, 'metadata', 'beta.xml');
const V1 = path.join(REPO_ROOT, 'metadata', 'v1.0.xml');

t.test('additions pass, removals fail, the summary is the last line', async (t) => {
  const forward = run(V1, BETA);
  t.equal(forward.status, 0);
  t.match(forward.stdout.trimEnd().split('\n').at(-1), /^0 breaking, \d+ compatible, 0 annotation \(\d+ changes\)$/);
  const back = run(BETA, V1);
  t.equal(back.status, 1);
  t.match(back.stdout, /breaking {4}microsoft\.graph\.mobileApp\/userStatuses: removed/);
  t.equal(run(BETA, V1, '--fail-on', 'none').status, 0);
});

t.test('usage mistakes and unreadable inputs exit 2', async (t) => {
  t.match(run('--help').stdout, /^edmock diff <old> <new> \[--format text\|markdown\|json\]/, '--help prints the usage');
  const one = run(BETA);
  t.equal(one.status, 2);
  t.match(one.stderr, /^edmock diff: expects two metadata documents, OLD and NEW\n\nedmock diff <old> <new>/);
  const format = run(BETA, V1, '--format', 'yaml');
  t.equal(format.status, 2);
  t.match(format.stderr, "edmock diff: --format is text, markdown or json, not 'yaml'");
  const empty = path.join(t.testdir(), 'empty.xml');
  await writeFile(empty, '');
  const unreadable = run(BETA, empty);
  t.equal(unreadable.status, 2);
  t.match(unreadable.stderr, /^edmock diff: /);
});
