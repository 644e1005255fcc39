import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { formatJunit, formatTap, replayDocs } from '../../src/docs/replay-pages.js';
import { createServer } from '../../src/server/create-server.js';
import { corpusAvailable, CORPUS_DIR } from '../helpers/docs-corpus.js';

const execFileAsync = promisify(execFile);

// `edmock docs replay`: each page's example against the mock, compared with the page's response.

if (!corpusAvailable) {
  t.plan(0, `skipped: docs corpus not found at ${CORPUS_DIR}`);
} else {
  t.test('every example of the corpus replays against the in-process mock', async (t) => {
    const results = await replayDocs([CORPUS_DIR], { metadataDir: 'metadata' });
    t.equal(results.length, 5);
    for (const result of results) t.same(result.failures, [], result.name);
    const tap = formatTap(results);
    t.match(tap, /^TAP version 14\n1\.\.5\nok 1 - 000_4c478914accb00e4\.txt:69 POST \/beta\/deviceAppManagement\/mobileApps\/\{mobileAppId\}\/userStatuses/);
    t.match(tap, /# 5 passed, 0 failed$/);
    t.match(formatJunit(results), /<testsuite name="edmock docs replay" tests="5" failures="0">/);
  });

  t.test('a response the mock does not give is reported, with what differs', async (t) => {
    const dir = t.testdir();
    const page = (await readFile(path.join(CORPUS_DIR, '004_36cf32ab72334cf6.txt'), 'utf8'))
      .replace('HTTP/1.1 201 Created', 'HTTP/1.1 200 OK')
      // The first occurrence is the request's: the page now sends one name and shows another.
      .replace('"userName": "User Name value",', '"userName": "Someone else",');
    await writeFile(path.join(dir, 'changed.txt'), page);
    const [result] = await replayDocs([path.join(dir, 'changed.txt')], { metadataDir: 'metadata' });
    t.equal(result?.ok, false);
    t.match(result?.failures, [/^status 201, expected 200: \{"@odata\.context"/, /^'userName' is "Someone else", the page shows "User Name value"$/]);
    const junit = formatJunit(result ? [result] : []);
    t.match(junit, /failures="1"/);
    t.match(junit, /<failure message="status 201, expected 200/);
  });

  t.test('edmock docs replay --url against a running server, with --junit', async (t) => {
    const app = await createServer();
    t.teardown(() => app.close());
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const junit = path.join(t.testdir(), 'replay.xml');
    // Asynchronous: the server answering the CLI runs in this very process.
    const run = await execFileAsync(process.execPath, ['dist/src/cli/edmock.js', 'docs', 'replay', CORPUS_DIR, '--url', address, '--junit', junit], { encoding: 'utf8', timeout: 60_000 });
    t.match(run.stdout, /# 5 passed, 0 failed/);
    t.match(await readFile(junit, 'utf8'), /tests="5" failures="0"/);
    const listed = await fetch(`${address}/beta/deviceAppManagement/mobileApps/11111111-1111-4111-8111-111111111111/userStatuses`);
    t.equal(((await listed.json()) as { value: unknown[] }).value.length, 3, 'the examples were sent to that server (fixture + 000 + 004)');
  });

  t.test('path parameters bind to an entity that exists, creating one in an empty collection', async (t) => {
    const dir = t.testdir();
    const metadataDir = path.join(dir, 'metadata');
    await mkdir(metadataDir);
    await copyFile('metadata/beta.xml', path.join(metadataDir, 'beta.xml'));
    // No fixtures for a copied metadata directory's services: every collection starts empty.
    const results = await replayDocs([path.join(CORPUS_DIR, '002_0ee7c172b0a4fef6.txt')], { metadataDir });
    t.same(results.map((r) => r.failures), [[]], 'a mobile app was created to hold the status');
  });
}
