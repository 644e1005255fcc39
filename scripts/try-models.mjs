#!/usr/bin/env node
// Serves each EDMX file of a directory with edmock, in turn, and drives it the way
// test/server/any-model.test.ts drives our own models (every entity set through its life, every
// singleton, every operation once), then prints one row per file: what the model declares, how
// many steps passed, failed and were skipped, and the first failure. For models that are not ours
// to keep in the repository (public examples a user might try first): point it at a copy.
//
//   node scripts/try-models.mjs DIR [--failures]
//
// --failures lists every failed step under the table. Files without an EntityContainer are only
// referenced by others (edmx:Reference) and get a row saying so. Exits 1 when a step failed.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--'));
if (!dir) {
  console.error('usage: node scripts/try-models.mjs DIR [--failures]');
  process.exit(2);
}
const listFailures = args.includes('--failures');

// The driver is test code: compiled with the tests (dist/test), as npm test builds it.
const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-if-stale.mjs'), 'tsconfig.json', 'tsconfig.test.json'], { stdio: 'inherit', cwd: ROOT });
if (build.status !== 0) process.exit(build.status ?? 1);
const { driveModelFile } = await import(pathToFileURL(path.join(ROOT, 'dist', 'test', 'helpers', 'model-driver', 'drive-model.js')).href);

const files = readdirSync(dir).filter((f) => /\.(xml|edmx)$/i.test(f)).sort();
const rows = [];
const failures = [];
for (const file of files) {
  const full = path.join(dir, file);
  if (!/<(\w+:)?EntityContainer\b/.test(readFileSync(full, 'utf8'))) {
    rows.push([file, '-', '-', '-', '-', '-', '-', 'no EntityContainer: only referenced by other files']);
    continue;
  }
  const started = Date.now();
  const report = await driveModelFile(full);
  const count = (status) => report.steps.filter((s) => s.status === status).length;
  const failed = report.steps.filter((s) => s.status === 'fail');
  for (const step of failed) failures.push(`${file}: ${step.name}: ${step.detail}`);
  const first = failed[0] ? `${failed[0].name}: ${failed[0].detail.split('\n')[0]}` : '';
  rows.push([file, report.entitySets ?? '?', report.singletons ?? '?', report.operations ?? '?', count('pass'), failed.length, count('skip'), `${first} (${Date.now() - started} ms)`]);
}

const header = ['model', 'sets', 'singletons', 'operations', 'pass', 'fail', 'skip', 'first failure'];
const cell = (value) => String(value).replaceAll('|', '\\|');
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
for (const row of rows) console.log(`| ${row.map(cell).join(' | ')} |`);
if (listFailures && failures.length > 0) console.log(`\n${failures.join('\n')}`);
process.exitCode = failures.length > 0 ? 1 : 0;
