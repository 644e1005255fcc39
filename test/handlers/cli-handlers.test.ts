import path from 'node:path';
import t from 'tap';
import { parseServeOptions } from '../../src/cli/serve-options.js';
import { serveCli } from '../helpers/cli-server.js';
import { REPO_ROOT } from '../helpers/paths.js';

// `edmock serve --handlers FILE` in its own process: a TypeScript module loads in plain Node 20,
// without the loader the test runner brings along.

const HERE = path.join(REPO_ROOT, 'test', 'handlers');

t.test('--handlers is resolved from the working directory', async (t) => {
  const settings = parseServeOptions(['--handlers', 'some/handlers.ts'], REPO_ROOT, {});
  t.equal(settings === 'help' ? undefined : settings.handlersFile, path.resolve('some/handlers.ts'));
});

t.test('serve --handlers people-handlers.ts answers with the TypeScript hooks', async (t) => {
  // Without NODE_OPTIONS: nothing of the test runner's own TypeScript loading reaches the server.
  const previous = process.env.NODE_OPTIONS;
  delete process.env.NODE_OPTIONS;
  t.teardown(() => { if (previous !== undefined) process.env.NODE_OPTIONS = previous; });
  const server = await serveCli(t, ['--metadata', path.join(HERE, 'people.xml'), '--handlers', path.join(HERE, 'people-handlers.ts')]);
  const post = (body: unknown) => fetch(`${server.url}/People`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const refused = await post({ Id: 'old', Name: 'Old', Age: 151 });
  t.equal(refused.status, 400);
  t.match(await refused.json(), { error: { code: 'BadRequest', message: 'Nobody is that old.', target: 'Age' } });
  const created = await post({ Id: 'eve', Name: 'Eve', Age: 30 });
  t.equal(created.status, 201);
  t.match(await created.json(), { Id: 'eve', Name: 'EVE' });
  const audit = await fetch(`${server.url}/AuditLog('ts-eve')`);
  t.match(await audit.json(), { Message: 'EVE joined' });
});

t.test('serve refuses to start with a handlers file that does not load', async (t) => {
  await t.rejects(serveCli(t, ['--metadata', path.join(HERE, 'people.xml'), '--handlers', path.join(HERE, 'people.xml')]), { message: /--handlers .*people\.xml: cannot be loaded/ });
});
