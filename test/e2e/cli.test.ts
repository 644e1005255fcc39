import { spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import t from 'tap';
import { CLI } from '../helpers/paths.js';
import type { TapTest } from '../helpers/server.js';

// The CLI as a user runs it (built by `npm run test:e2e` before tap): serve, then speak HTTP to it.

/** Starts `edmock serve` on an ephemeral port; resolves with the banner once it listens. */
function serve(t: TapTest, args: string[]): Promise<{ banner: string; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.teardown(() => child.kill());
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no banner within 20 s: ${out}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /edmock listening on (http:\/\/\S+)/.exec(out);
      if (match && out.includes('\n')) {
        clearTimeout(timer);
        setTimeout(() => resolve({ banner: out, url: match[1] }), 100);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => { out += chunk.toString(); });
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
  t.match(banner, /1 entity sets and singletons: deviceAppManagement/);
  t.match(banner, new RegExp(`admin API: ${url}/_edmock`));
  t.match(banner, /^\{"level":30,.*"msg":"Server listening at/m, 'pino JSON when stdout is not a TTY');
});

t.test('serve --faults <file> and --auth with the permissions beside the metadata', async (t) => {
  const dir = t.testdir();
  const faults = `${dir}/faults.json`;
  await writeFile(faults, JSON.stringify({ seed: 3, rules: [{ fault: 'throttle', path: '/v1.0/**', every: 1, retryAfter: 5 }] }));
  const { banner, url } = await serve(t, ['--faults', faults, '--auth']);
  t.match(banner, /1 fault rule\(s\) in force/);
  t.match(banner, /auth: Authorization: Bearer <JWT> required/);
  const throttled = await fetch(`${url}/v1.0/deviceAppManagement`, { headers: { authorization: 'Bearer a.b.c' } });
  t.equal(throttled.status, 429);
  t.equal(throttled.headers.get('retry-after'), '5');
  const anonymous = await fetch(`${url}/beta/deviceAppManagement`);
  t.equal(anonymous.status, 401);
  const claims = Buffer.from(JSON.stringify({ scp: 'User.Read' })).toString('base64url');
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
