import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { keysNamed, openApiErrors } from '../../helpers/openapi.js';
import { CLI, GRAPH_V1_METADATA as GRAPH, graphV1Missing } from '../../helpers/paths.js';

// `edmock openapi` on the whole Microsoft Graph v1.0 metadata: the CLI as a user runs it, its
// output valid OpenAPI 3.0, with the URLs Graph's users know.

if (graphV1Missing) {
  t.plan(0, graphV1Missing);
} else {
  t.test('edmock openapi --metadata <whole Graph v1.0>: valid OpenAPI 3.0', async (t) => {
    const out = path.join(t.testdir(), 'graph.openapi.json');
    const run = spawnSync(process.execPath, [CLI, 'openapi', '--metadata', GRAPH, '--server-url', 'http://127.0.0.1:4000/v1.0', '--out', out], { encoding: 'utf8' });
    t.equal(run.status, 0, run.stderr);
    t.match(run.stderr, /^wrote \d+ paths to /, 'says what it wrote');
    const document = JSON.parse(await readFile(out, 'utf8')) as { servers: unknown; paths: Record<string, unknown> };
    t.same(await openApiErrors(document), []);
    t.same(document.servers, [{ url: 'http://127.0.0.1:4000/v1.0' }]);
    const paths = new Set(Object.keys(document.paths).map(keysNamed));
    t.ok(paths.size > 5000, `${paths.size} paths`);
    for (const known of ['/users', '/users/{id}', '/users/{id}/messages/{id}', '/deviceAppManagement/mobileApps/{id}', '/groups/{id}/members', '/me']) {
      t.ok(paths.has(known), known);
    }
  });
}
