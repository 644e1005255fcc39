import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { importDocs } from '../../../src/docs/run-import.js';
import { createServer } from '../../../src/server/create-server.js';
import { disagreeingPage } from '../../helpers/docs-corpus.js';
import { CLI, CORPUS_DIR, corpusMissing } from '../../helpers/paths.js';

const execFileAsync = promisify(execFile);

// `edmock docs check|import|replay` as a user runs them on the corpus: output and exit codes.
// What each command finds is pinned, in process, by test/docs.

if (corpusMissing) {
  t.plan(0, corpusMissing);
} else {
  t.test('edmock docs check: human output, --json, exit 1 on errors', async (t) => {
    const human = spawnSync(process.execPath, [CLI, 'docs', 'check', CORPUS_DIR], { encoding: 'utf8', timeout: 60_000 });
    t.equal(human.status, 1);
    t.match(human.stdout, /003_9e47ed566db0d7be\.txt:69: error undocumented-operation/);
    const json = spawnSync(process.execPath, [CLI, 'docs', 'check', '--json', path.join(CORPUS_DIR, '004_36cf32ab72334cf6.txt')], { encoding: 'utf8', timeout: 60_000 });
    t.equal(json.status, 0, 'page 004 has no defect');
    t.same(JSON.parse(json.stdout), []);
  });

  t.test('edmock docs import after an import of a disagreeing page: nothing left to add, the conflict still reported', async (t) => {
    const dir = t.testdir();
    await cp('metadata', path.join(dir, 'metadata'), { recursive: true });
    await writeFile(path.join(dir, 'page.md'), await disagreeingPage());
    const { metadata: [first] } = await importDocs([path.join(dir, 'page.md')], path.join(dir, 'metadata'));
    t.equal(first?.written, true, 'the first import wrote its changes');
    const cli = execFileSync(process.execPath, [CLI, 'docs', 'import', path.join(dir, 'page.md'), '--out', path.join(dir, 'metadata')], { encoding: 'utf8', timeout: 60_000 });
    t.match(cli, /v1\.0\.xml: 0 change\(s\)|v1\.0\.xml: unchanged/, 'a second import has nothing left to add');
    t.match(cli, /! conflict: .*devicesCount/, 'and still reports the conflict');
  });

  t.test('edmock docs import --check: writes nothing, reports the changes for clients, exits 1 on the --fail-on class', async (t) => {
    const dir = t.testdir();
    await cp('metadata', dir, { recursive: true });
    const file = path.join(dir, 'beta.xml');
    const trimmed = (await readFile(file, 'utf8')).replace(/(<EntityType Name="userAppInstallStatus"[^]*?)\s*<Property Name="userName" Type="Edm.String" \/>/, '$1');
    await writeFile(file, trimmed);
    const run = (...flags: string[]) => spawnSync(process.execPath, [CLI, 'docs', 'import', CORPUS_DIR, '--out', dir, '--check', ...flags], { encoding: 'utf8', timeout: 60_000 });
    const breaking = run();
    t.equal(breaking.status, 0, 'an added property breaks no client');
    t.match(breaking.stdout, /beta\.xml: 1 change\(s\) to write \(--check: nothing written\)/);
    t.match(breaking.stdout, /for clients of the current file: 0 breaking, 1 compatible/);
    t.equal(run('--fail-on', 'any').status, 1, '--fail-on any fails on it');
    t.equal(await readFile(file, 'utf8'), trimmed, 'nothing written');
    const misuse = spawnSync(process.execPath, [CLI, 'docs', 'import', CORPUS_DIR, '--fail-on', 'any'], { encoding: 'utf8', timeout: 60_000 });
    t.equal(misuse.status, 2);
    t.match(misuse.stderr, /--fail-on goes with --check/);
  });

  t.test('edmock docs replay --url against a running server, with --junit', async (t) => {
    const app = await createServer();
    t.teardown(() => app.close());
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const junit = path.join(t.testdir(), 'replay.xml');
    // Asynchronous: the server answering the CLI runs in this very process.
    const run = await execFileAsync(process.execPath, [CLI, 'docs', 'replay', CORPUS_DIR, '--url', address, '--junit', junit], { encoding: 'utf8', timeout: 60_000 });
    t.match(run.stdout, /# 5 passed, 0 failed/);
    t.match(await readFile(junit, 'utf8'), /tests="5" failures="0"/);
    const listed = await fetch(`${address}/beta/deviceAppManagement/mobileApps/11111111-1111-4111-8111-111111111111/userStatuses`);
    t.equal(((await listed.json()) as { value: unknown[] }).value.length, 3, 'the examples were sent to that server (fixture + 000 + 004)');
  });
}
