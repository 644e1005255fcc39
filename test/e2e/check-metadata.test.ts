import { spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { CLI, REPO_ROOT } from '../helpers/paths.js';

// `edmock check-metadata` as a user runs it: the lines, the summary and the exit code.

const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'check-metadata', ...args], { encoding: 'utf8', timeout: 20_000 });
const TOLERATED = path.join(REPO_ROOT, 'test', 'models', 'tolerated.xml');

t.test('warnings only: one line each with severity and location, a summary, exit 0', async (t) => {
  const result = run(TOLERATED);
  t.equal(result.status, 0);
  const lines = result.stdout.trimEnd().split('\n');
  t.equal(lines.length, 10, 'nine diagnostics and the summary');
  t.match(lines, [`warning  ${TOLERATED}  edmx:Reference 'units.xml': file 'units.xml' not found; the namespaces it includes are unavailable`]);
  t.ok(lines.includes(`warning  ${TOLERATED}  EntityType 'Example.Lab.Sample': key property 'Weight' has the floating-point type 'Edm.Single', which CSDL does not allow in a key; served anyway`));
  t.equal(lines.at(-1), `${TOLERATED}: 0 errors, 9 warnings; can be served`);
});

t.test('an error: listed last, exit 1; --format json says the same', async (t) => {
  const file = path.join(t.testdir(), 'broken.xml');
  await writeFile(file, `<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="n" xmlns="http://docs.oasis-open.org/odata/ns/edm" Colour="blue"><EntityType Name="e"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="n.missing" Nullable="false"/></EntityType>
<EntityContainer Name="c"><EntitySet Name="es" EntityType="n.e"/></EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`);
  const text = run(file);
  t.equal(text.status, 1);
  t.same(text.stdout.trimEnd().split('\n'), [
    `warning  ${file}  Schema 'n': unknown attribute 'Colour' ignored`,
    `error    ${file}  Property 'id' of EntityType 'n.e': unresolved type 'n.missing'`,
    `${file}: 1 error, 1 warning; cannot be served`,
  ]);
  const json = run(file, '--format', 'json');
  t.equal(json.status, 1);
  t.match(JSON.parse(json.stdout), { file, errors: 1, warnings: 1, diagnostics: [{ severity: 'warning' }, { severity: 'error', element: "Property 'id' of EntityType 'n.e'", source: file }] });
});

t.test('no file: a usage mistake, exit 2', async (t) => {
  const result = run();
  t.equal(result.status, 2);
  t.match(result.stderr, /edmock check-metadata: expects one EDMX file/);
});

t.test('serve --metadata prints the number of warnings and where to read them, not the warnings', async (t) => {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--metadata', TOLERATED], { stdio: ['ignore', 'ignore', 'pipe'] });
  t.teardown(() => child.kill());
  const stderr = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no warnings line within 20 s: ${text}`)), 20_000);
    child.stderr.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (/to list them\n/.test(text)) { clearTimeout(timer); resolve(text); }
    });
  });
  t.ok(stderr.includes(`9 warnings about ${TOLERATED}: run \`edmock check-metadata ${TOLERATED}\` to list them`));
  t.notMatch(stderr, /floating-point/, 'the warnings themselves are not printed');
});
