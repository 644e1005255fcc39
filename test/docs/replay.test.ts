import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { formatJunit, formatTap, replayDocs } from '../../src/docs/replay-pages.js';
import { CORPUS_DIR, corpusMissing } from '../helpers/paths.js';

// `edmock docs replay`: each page's example against the mock, compared with the page's response.
// Replaying against a running server from the command line is in test/e2e.

if (corpusMissing) {
  t.plan(0, corpusMissing);
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
