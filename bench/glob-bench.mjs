// The slowest path glob (journal filters, fault rules): globs built to make a backtracking
// matcher explode, against long paths, each timed over a few runs (median kept). The figure to
// watch is the slowest case; the glob matcher is linear in glob x path, so it stays in
// milliseconds where a regular expression took seconds to minutes.
import { writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileGlob, MAX_GLOB_LENGTH } from '../dist/src/toolkit/glob.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const RUNS = 5;

const longest = `/${'*a'.repeat((MAX_GLOB_LENGTH - 2) / 2)}b`;
const cases = [
  { name: '*a*a*a*a*b, 150-char segment', glob: '/beta/*a*a*a*a*b', path: `/beta/${'a'.repeat(150)}` },
  { name: '*a*a*a*a*b, 256 KiB segment', glob: '/beta/*a*a*a*a*b', path: `/beta/${'a'.repeat(256 * 1024)}` },
  { name: '**a**a**a**a**b, 256 KiB of a/', glob: '/beta/**a**a**a**a**b', path: `/beta/${'a/'.repeat(128 * 1024)}` },
  { name: `${MAX_GLOB_LENGTH}-char *a*a..., 256 KiB segment`, glob: longest, path: `/${'a'.repeat(256 * 1024)}` },
  { name: `${MAX_GLOB_LENGTH}-char **a**a..., 256 KiB`, glob: `/${'**a'.repeat(340)}b`, path: `/${'a'.repeat(256 * 1024)}` },
];

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = cases.map(({ name, glob, path: target }) => {
  const compiled = compileGlob(glob);
  const times = [];
  let matched;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    matched = compiled.test(target);
    times.push(performance.now() - started);
  }
  return { name, globLength: glob.length, pathLength: target.length, matched, medianMs: +median(times).toFixed(2) };
});
for (const r of results) console.log(`${r.name.padEnd(44)} ${String(r.medianMs).padStart(9)} ms  (matched: ${r.matched})`);
const slowest = results.reduce((a, b) => (b.medianMs > a.medianMs ? b : a));
console.log(`slowest glob: ${slowest.medianMs} ms (${slowest.name})`);
mkdirSync(path.join(here, 'results'), { recursive: true });
const file = path.join(here, 'results', `glob-${new Date().toISOString().slice(0, 10)}.json`);
writeFileSync(file, `${JSON.stringify({ machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model }, node: process.version, runs: RUNS, results, slowest }, null, 2)}\n`);
