import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { watchServices } from '../../src/cli/watch.js';
import { loadHandlersFile } from '../../src/mock/load-handlers.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { startServer } from '../helpers/server.js';

// `serve --watch --handlers FILE`: an edit of the handlers file is in force without a restart;
// a broken edit is logged and the handlers that were stay.

const MODEL = path.join(REPO_ROOT, 'test', 'handlers', 'people.xml');

const handlersGreeting = (greeting: string) =>
  `export default { operations: { Greeting: ({ binding }) => \`${greeting}, \${binding.Name}\` } };\n`;

t.test('an edited handlers file is reloaded; a broken one leaves the previous handlers', async (t) => {
  const dir = t.testdir({ 'handlers.mjs': handlersGreeting('Hi') });
  const file = path.join(dir, 'handlers.mjs');
  const metadataFile = path.join(dir, 'people.xml');
  await copyFile(MODEL, metadataFile);
  const client = await startServer(t, { services: [{ prefix: '', metadataFile }], fixtures: false, handlers: await loadHandlersFile(file) });
  const logs: string[] = [];
  const watcher = watchServices(client.app, { metadataDir: dir, handlersFile: file, log: (line) => logs.push(line), debounceMs: 50 });
  t.teardown(() => watcher.close());
  t.equal((await client.post('/People', { Id: 'ada', Name: 'Ada', Age: 36 })).status, 201);
  const greeting = async () => (await client.get("/People('ada')/Hooks.Test.Greeting")).body.value as string;
  t.equal(await greeting(), 'Hi, Ada');

  const until = async (check: () => boolean | Promise<boolean>, what: string) => {
    for (let i = 0; i < 100; i++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    t.fail(`timed out waiting for ${what}`);
  };
  await writeFile(file, handlersGreeting('Welcome'));
  await until(async () => (await greeting()) === 'Welcome, Ada', 'the edited handler');
  t.ok(logs.some((line) => line === `handlers reloaded from ${file}`));

  await writeFile(file, 'export default { entitySets: { People: { beforeCreat() {} } } };\n');
  await until(() => logs.some((line) => line.startsWith('handlers reload failed')), 'the broken edit to be logged');
  t.match(logs.find((line) => line.startsWith('handlers reload failed')), /entitySets\.People\.beforeCreat is not a hook/);
  t.equal(await greeting(), 'Welcome, Ada');
});
