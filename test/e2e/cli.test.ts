import { spawn, spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import t from 'tap';
import { parseServeOptions } from '../../src/cli/serve-options.js';
import { CLI, REPO_ROOT } from '../helpers/paths.js';
import type { TapTest } from '../helpers/server.js';

const MODELS = `${REPO_ROOT}/test/models`;

// The CLI as a user runs it (built by `npm run test:e2e` before tap): serve, then speak HTTP to it.

interface Served {
  /** Both streams as they came, up to a moment after the banner. */
  banner: string;
  url: string;
  stdout: () => string;
  stderr: () => string;
}

/** Starts `edmock serve` on an ephemeral port; resolves with the banner once it listens. */
function serve(t: TapTest, args: string[]): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.teardown(() => child.kill());
    let out = '';
    let stdout = '';
    let stderr = '';
    const streams = { stdout: () => stdout, stderr: () => stderr };
    const timer = setTimeout(() => reject(new Error(`no banner within 20 s: ${out}`)), 20_000);
    const seen = () => {
      const match = /edmock listening on (http:\/\/\S+)/.exec(out);
      if (match && out.includes('\n')) {
        clearTimeout(timer);
        setTimeout(() => resolve({ banner: out, url: match[1], ...streams }), 100);
      }
    };
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); stdout += chunk.toString(); seen(); });
    child.stderr.on('data', (chunk: Buffer) => { out += chunk.toString(); stderr += chunk.toString(); seen(); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${code}: ${out}`)); });
  });
}

t.test('edmock serve: the bundled services, with fixture ids in the banner', async (t) => {
  const { banner, url } = await serve(t, []);
  t.match(url, /^http:\/\/127\.0\.0\.1:\d+$/, 'listens on 127.0.0.1 by default');
  t.match(banner, /\/beta\/ +\(beta;/);
  t.match(banner, /\/v1\.0\/ +\(v1\.0;/);
  t.match(banner, /fixture deviceAppManagement\/mobileApps\/11111111-1111-4111-8111-111111111111 +\(microsoft\.graph\.webApp\)/);
  const response = await fetch(`${url}/beta/deviceAppManagement/mobileApps/11111111-1111-4111-8111-111111111111/userStatuses`);
  t.equal(response.status, 200);
  t.equal(response.headers.get('odata-version'), '4.0');
  t.equal(((await response.json()) as { value: unknown[] }).value.length, 1);
});

t.test('edmock serve --metadata: a file at the root, or at a prefix (repeatable)', async (t) => {
  const dir = t.testdir();
  const file = `${dir}/tiny.xml`;
  await writeFile(file, `<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="tiny" Alias="t" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="item"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/><Property Name="size" Type="Edm.Int16" Nullable="false"/></EntityType>
<EntityContainer Name="c"><EntitySet Name="items" EntityType="t.item"/></EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`);
  const root = await serve(t, ['--metadata', file]);
  const created = await fetch(`${root.url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"size": 40000}' });
  t.equal(created.status, 400, 'validated against the given metadata (Int16 range)');
  t.equal((await fetch(`${root.url}/$metadata`)).status, 200);
  t.equal((await fetch(`${root.url}/beta/$metadata`)).status, 404, 'the bundled services are not mounted');

  const prefixed = await serve(t, ['--metadata', `/a=${file}`, '--metadata', `/b/c=${file}`]);
  t.equal((await fetch(`${prefixed.url}/a/items`)).status, 200);
  const post = await fetch(`${prefixed.url}/b/c/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"i1","size":1}' });
  t.equal(post.status, 201);
  t.equal(post.headers.get('location'), `${prefixed.url}/b/c/items('i1')`);
  t.same(((await (await fetch(`${prefixed.url}/a/items`)).json()) as { value: unknown[] }).value, [], 'each prefix has its own store');
});

t.test('edmock serve with broken metadata exits 1 naming the element', async (t) => {
  const dir = t.testdir();
  await writeFile(`${dir}/broken.xml`, '<edmx:Edmx xmlns:edmx="x"><edmx:DataServices><Schema Namespace="n"><EntityType Name="e"/><EntityContainer Name="c"><EntitySet Name="es" EntityType="n.e"/></EntityContainer></Schema></edmx:DataServices></edmx:Edmx>');
  const result = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--metadata', `${dir}/broken.xml`], { encoding: 'utf8', timeout: 20_000 });
  t.equal(result.status, 1);
  t.match(result.stderr, /edmock: invalid metadata: .*broken\.xml: EntityType 'n\.e': has no Key and inherits none, but EntitySet 'es' holds it/);
});

t.test('edmock generate --check passes on the committed tree; unknown commands exit 2', async (t) => {
  const check = spawnSync(process.execPath, [CLI, 'generate', '--check'], { encoding: 'utf8', timeout: 60_000 });
  t.equal(check.status, 0, check.stderr);
  t.match(check.stdout, /generated\/ is up to date \(beta, v1\.0\)/);
  const unknown = spawnSync(process.execPath, [CLI, 'launch'], { encoding: 'utf8', timeout: 20_000 });
  t.equal(unknown.status, 2);
  t.match(unknown.stderr, /unknown command 'launch'/);
  const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8', timeout: 20_000 });
  t.match(help.stdout, /edmock serve/);
  t.match(help.stdout, /edmock generate/);
});

t.test('edmock --help, and --help for each command', async (t) => {
  const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  const all = run(['--help']);
  t.equal(all.status, 0);
  for (const command of ['edmock serve', 'edmock generate', 'edmock docs import', 'edmock docs check', 'edmock docs replay']) t.match(all.stdout, command);
  t.match(run(['serve', '--help']).stdout, /--data <file>[\s\S]*--faults <file>[\s\S]*--auth[\s\S]*--tls/);
  t.match(run(['generate', '--help']).stdout, /^edmock generate \[--check\]/);
  t.match(run(['docs', '--help']).stdout, /^edmock docs import/);
  const unknown = run(['nonsense']);
  t.equal(unknown.status, 2);
  t.match(unknown.stderr, /unknown command 'nonsense'/);
});

t.test('the start banner lists entity sets and singletons and the admin API; logs are JSON lines off a terminal', async (t) => {
  const { banner, url } = await serve(t, ['--log-level', 'info']);
  t.match(banner, /^ {4}1 singleton: deviceAppManagement$/m, 'one singleton, said in the singular');
  t.match(banner, new RegExp(`admin API: ${url}/_edmock`));
  t.match(banner, /^\{"level":30,.*"msg":"Server listening at/m, 'pino JSON when stdout is not a TTY');
});

t.test('the start banner says when throttling limits and change notifications are on', async (t) => {
  const plain = await serve(t, []);
  t.notMatch(plain.banner, /throttling limits|change notifications/, 'neither by default, nor on a model without a subscriptions set');
  const { banner } = await serve(t, ['--throttle', 'graph', '--metadata', `/v1.0=${MODELS}/notifications.xml`]);
  t.match(banner, /^ {2}throttling limits in force: preset graph: Microsoft Graph service-specific throttling limits.*\(\/_edmock\/throttle\)$/m);
  t.match(banner, /^ {2}change notifications: POST to a subscriptions set sends the validation request, then notifies$/m);
});

t.test('serve --faults <file> and --auth with the permissions beside the metadata', async (t) => {
  const dir = t.testdir();
  const faults = `${dir}/faults.json`;
  await writeFile(faults, JSON.stringify({ seed: 3, rules: [{ fault: 'throttle', path: '/v1.0/**', every: 1, retryAfter: 5 }] }));
  const { banner, url } = await serve(t, ['--faults', faults, '--auth']);
  t.match(banner, /^ {2}1 fault rule in force$/m);
  t.match(banner, /auth: Authorization: Bearer <JWT> required/);
  t.match(banner, /admin API: Authorization: Bearer <a JWT with the role edmock\.admin> required/);
  const throttled = await fetch(`${url}/v1.0/deviceAppManagement`, { headers: { authorization: 'Bearer a.b.c' } });
  t.equal(throttled.status, 429);
  t.equal(throttled.headers.get('retry-after'), '5');
  const anonymous = await fetch(`${url}/beta/deviceAppManagement`);
  t.equal(anonymous.status, 401);
  const claims = Buffer.from(JSON.stringify({ scp: 'User.Read', aud: 'https://graph.microsoft.com' })).toString('base64url');
  const denied = await fetch(`${url}/beta/deviceAppManagement/mobileApps/11111111-1111-4111-8111-111111111111/userStatuses`, {
    method: 'POST', headers: { authorization: `Bearer e30.${claims}.x`, 'content-type': 'application/json' }, body: '{}',
  });
  t.equal(denied.status, 403, 'metadata/beta.permissions.json, from docs import, applies');
  const broken = `${dir}/broken.json`;
  await writeFile(broken, JSON.stringify({ rules: [{ fault: 'explode' }] }));
  const failed = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--faults', broken], { encoding: 'utf8', timeout: 20_000 });
  t.equal(failed.status, 1);
  t.match(failed.stderr, /--faults .*broken\.json: Invalid fault rule: 'fault' must be one of/);
});

const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000 });

t.test('serve refuses a host other hosts reach while the admin API has no admin token: exit 2', (t) => {
  const open = run(['serve', '--port', '0', '--host', '0.0.0.0']);
  t.equal(open.status, 2);
  t.match(open.stderr, /--host 0\.0\.0\.0: other hosts could reach the admin API \(\/_edmock\).*--admin-token <secret>.*--unsafe-open-admin/);
  t.end();
});

/** Like `run`, without blocking, so that a table of cases runs side by side. */
function runAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill(), 60_000);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('close', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
  });
}

t.test('edmock --version and -v print the version of package.json', async (t) => {
  const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
  for (const flag of ['--version', '-v']) {
    const result = run([flag]);
    t.equal(result.status, 0, flag);
    t.equal(result.stdout, `${version}\n`, `${flag}: the version alone, for scripts`);
    t.equal(result.stderr, '');
  }
});

t.test('an unknown option is named, points at --help and exits 2, before anything starts', async (t) => {
  const cases: Array<[string[], string, string]> = [
    [['serve', '--bogus'], 'edmock serve', '--bogus'],
    [['--bogus'], 'edmock', '--bogus'],
    [['generate', '--nope'], 'edmock generate', '--nope'],
    [['docs', 'check', '--zz', 'page.md'], 'edmock docs check', '--zz'],
  ];
  const results = await Promise.all(cases.map(([args]) => runAsync(args)));
  for (const [i, [args, command, option]] of cases.entries()) {
    const result = results[i];
    t.equal(result.status, 2, args.join(' '));
    t.equal(result.stderr, `${command}: unknown option '${option}'\nSee \`${command} --help\`.\n`, args.join(' '));
    t.equal(result.stdout, '', `${args.join(' ')}: nothing on stdout`);
  }
});

t.test('edmock docs without a subcommand is a mistake, with the docs help', async (t) => {
  const bare = run(['docs']);
  t.equal(bare.status, 2);
  t.match(bare.stderr, /^edmock docs: name a subcommand \(import, check, replay\)\n\nedmock docs import [\s\S]*edmock docs check [\s\S]*edmock docs replay /);
  t.equal(bare.stdout, '');
  const unknown = run(['docs', 'frob', 'page.md']);
  t.equal(unknown.status, 2);
  t.match(unknown.stderr, /^edmock docs: unknown subcommand 'frob' \(import, check, replay\)/);
  const noPages = run(['docs', 'check']);
  t.equal(noPages.status, 2);
  t.match(noPages.stderr, /^edmock docs check: name the pages \(files or directories\)/);
  const help = run(['docs', '--help']);
  t.equal(help.status, 0, 'asking for the help is not a mistake');
  t.match(help.stdout, /^edmock docs import/);
});

const NUMBER_MISTAKES: Array<[string[], string]> = [
  [['--body-limit', '-5'], "--body-limit: '-5' is not a positive whole number"],
  [['--body-limit=-5'], "--body-limit: '-5' is not a positive whole number"],
  [['--body-limit', '0'], "--body-limit: '0' is not a positive whole number"],
  [['--body-limit', '1e3'], "--body-limit: '1e3' is not a positive whole number"],
  [['--page-size', '-1'], "--page-size: '-1' is not a positive whole number"],
  [['--page-size', '2.5'], "--page-size: '2.5' is not a positive whole number"],
  [['--port', '-1'], "--port: '-1' is not a port number (0 to 65535)"],
  [['--port', '70000'], "--port: '70000' is not a port number (0 to 65535)"],
  [['--port='], "--port: '' is not a port number (0 to 65535)"],
  [['--port', '0x10'], "--port: '0x10' is not a port number (0 to 65535)"],
  [['--journal-size', '-1'], "--journal-size: '-1' is not a whole number from 0 to 1000000"],
  [['--journal-size', '2000000'], "--journal-size: '2000000' is not a whole number from 0 to 1000000"],
];

t.test('invalid numbers for serve get the CLI\'s own message and exit 2, never a stack trace', async (t) => {
  // A few through the built CLI (each start loads the server, which is slow on a busy machine);
  // no --port 0 here: a value that slipped through would start a server on 4000 or fail to.
  const spawned = NUMBER_MISTAKES.filter(([args]) => ['-5', '2000000'].includes(args[1] ?? ''));
  const results = await Promise.all(spawned.map(([args]) => runAsync(['serve', ...args])));
  for (const [i, [args, message]] of spawned.entries()) {
    const result = results[i];
    t.equal(result.status, 2, args.join(' '));
    t.equal(result.stderr, `edmock serve: ${message}\nSee \`edmock serve --help\`.\n`, args.join(' '));
  }
  // All of them through the same parser, in this process.
  for (const [args, message] of NUMBER_MISTAKES) {
    t.throws(() => parseServeOptions(args, '.'), { name: 'Error', command: 'serve', message }, args.join(' '));
  }
  t.match(parseServeOptions(['--port', '0', '--body-limit', '10', '--page-size', '5', '--journal-size', '0'], '.'), { port: 0, bodyLimit: 10, pageSize: 5, journalSize: 0 }, 'and valid ones pass');
});

t.test('on a pipe, stdout is JSON lines only: the banner goes to stderr, watch reloads are log records; counts read right', async (t) => {
  const dir = t.testdir();
  const file = `${dir}/shop.xml`;
  const shop = (extra: string) => `<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="shop" Alias="s" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="item"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/>${extra}</EntityType>
<EntityContainer Name="c"><EntitySet Name="items" EntityType="s.item"/><EntitySet Name="orders" EntityType="s.item"/><Singleton Name="me" Type="s.item"/></EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`;
  await writeFile(file, shop(''));
  const faults = `${dir}/faults.json`;
  await writeFile(faults, JSON.stringify({ rules: [{ fault: 'throttle', path: '/items', every: 2 }, { fault: 'throttle', path: '/orders', every: 2 }] }));
  const served = await serve(t, ['--metadata', file, '--faults', faults, '--watch', '--log-requests']);
  t.match(served.stderr(), /^edmock listening on http:\/\/127\.0\.0\.1:\d+\n/, 'the banner on stderr');
  t.match(served.stderr(), /^ {4}2 entity sets and 1 singleton: items, me, orders$/m, 'counts in the plural and the singular');
  t.match(served.stderr(), /^ {2}2 fault rules in force$/m);
  t.ok(served.stderr().split('\n').includes(`  watching ${dir}`), 'what --watch follows, in the banner');
  t.equal((await fetch(`${served.url}/items`)).status, 200);
  await writeFile(file, shop('<Property Name="size" Type="Edm.Int32"/>'));
  for (let i = 0; i < 200 && !served.stdout().includes('[watch]'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  const records = served.stdout().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { level: number; msg?: string });
  t.ok(records.some((r) => r.msg?.startsWith('Server listening at')), 'Fastify\'s own record');
  t.ok(records.some((r) => r.level === 30 && /^\[watch\] \/ reloaded from .*shop\.xml: 0 breaking, 1 compatible, 0 annotation \(1 change\); \+ property shop\.item\/size$/.test(r.msg ?? '')), 'the reload, as a log record');
  t.notMatch(served.stdout(), /edmock listening on/, 'no banner among the logs');
  t.notMatch(served.stderr(), /"level"/, 'no logs among the banner');
});

t.test('--data-sync: group (the default) or always, and only with --data', async (t) => {
  t.match(parseServeOptions(['--data', 'store.json'], '.'), { data: 'store.json', dataSync: 'group' }, 'a write waits for a grouped sync by default');
  t.match(parseServeOptions(['--data', 'store.json', '--data-sync', 'always'], '.'), { dataSync: 'always' });
  t.throws(() => parseServeOptions(['--data-sync', 'always'], '.'), { command: 'serve', message: '--data-sync goes with --data' });
  t.throws(() => parseServeOptions(['--data', 'store.json', '--data-sync', 'none'], '.'), { command: 'serve', message: "--data-sync: 'none' is not one of group, always" }, 'there is no mode without a sync');
});
