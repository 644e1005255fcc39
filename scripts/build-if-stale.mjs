#!/usr/bin/env node
// Runs `tsc -p <project>` only when a file the project compiles (its `include` globs), a directory
// holding them (a file added, removed or renamed changes its directory's mtime) or a tsconfig*.json
// is newer than the stamp the last successful build left. `npm start` and `npm test` call it so
// that a fresh install (built by `prepare`) starts at once, while an edit is never served stale.
//
//   node scripts/build-if-stale.mjs [--force] [tsconfig.json ...]
//
// After a build it removes compiled files whose source is gone, so a moved test or module does
// not keep running from its old place in the build directory.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const COMPILED = /(\.d\.ts|\.js)(\.map)?$/;

/** The tsconfig with what it extends merged in: the include list and the output directory. */
function readProject(file) {
  const config = JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));
  const base = config.extends ? readProject(config.extends) : { include: [], outDir: undefined };
  return {
    include: config.include ?? base.include,
    outDir: config.compilerOptions?.outDir ?? base.outDir,
  };
}

/** A glob of tsconfig's `include` (`src/**` + `/*.ts`, `generated/*` + `/types.ts`) as a regular expression. */
function globToRegExp(glob) {
  const segments = glob.split('/');
  const pattern = segments.map((segment, i) => {
    if (segment === '**') return '(?:[^/]+/)*';
    const literal = segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*');
    return i < segments.length - 1 ? `${literal}/` : literal;
  });
  return new RegExp(`^${pattern.join('')}$`);
}

/** Every file and directory below `dir` (relative to the root), skipping what is never a source. */
function* walk(dir) {
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const relative = dir === '.' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      yield { path: relative, directory: true };
      yield* walk(relative);
    } else yield { path: relative, directory: false };
  }
}

/** The newest mtime among the project's sources, their directories and every tsconfig*.json. */
function newestInput(project) {
  let newest = 0;
  const consider = (relative) => { newest = Math.max(newest, statSync(path.join(ROOT, relative)).mtimeMs); };
  for (const file of readdirSync(ROOT)) if (/^tsconfig.*\.json$/.test(file)) consider(file);
  for (const glob of project.include) {
    const top = glob.split('/')[0];
    if (!existsSync(path.join(ROOT, top))) continue;
    const matches = globToRegExp(glob);
    consider(top);
    for (const entry of walk(top)) {
      if (entry.directory || matches.test(entry.path)) consider(entry.path);
    }
  }
  return newest;
}

/** Compiled files under the output directory whose `.ts` source no longer exists. */
function pruneOrphans(project) {
  const tops = new Set(project.include.map((glob) => glob.split('/')[0]));
  for (const top of tops) {
    const outTop = path.join(project.outDir, top);
    if (!existsSync(path.join(ROOT, outTop))) continue;
    for (const entry of walk(outTop)) {
      if (entry.directory || !COMPILED.test(entry.path)) continue;
      const source = path.relative(project.outDir, entry.path).replace(COMPILED, '.ts');
      if (!existsSync(path.join(ROOT, source))) rmSync(path.join(ROOT, entry.path));
    }
  }
}

function build(file, force) {
  const project = readProject(file);
  if (!project.outDir) throw new Error(`${file}: compilerOptions.outDir is required`);
  const stamp = path.join(ROOT, project.outDir, `.built-${file}`);
  const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  if (!force && builtAt > newestInput(project)) return;
  // The stamp's time is taken before compiling: a source saved during the build stays newer.
  const startedAt = new Date();
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', file], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  pruneOrphans(project);
  mkdirSync(path.dirname(stamp), { recursive: true });
  writeFileSync(stamp, `${startedAt.toISOString()}\n`);
  utimesSync(stamp, startedAt, startedAt);
}

const args = process.argv.slice(2);
const force = args.includes('--force');
const projects = args.filter((arg) => arg !== '--force');
for (const file of projects.length > 0 ? projects : ['tsconfig.json']) build(file, force);
