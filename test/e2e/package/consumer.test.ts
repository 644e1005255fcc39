import { execFileSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { REPO_ROOT } from '../../helpers/paths.js';

// edmock as a consumer project gets it: the packed tarball installed into a fresh project, its
// package exports and type declarations used from TypeScript, and createMockServer run from a
// test script. Dependencies come from the npm cache that `npm ci` filled (--prefer-offline).

const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', timeout: 240_000, stdio: ['ignore', 'pipe', 'pipe'] });

t.test('the packed package works from a consumer project', { timeout: 300_000 }, async (t) => {
  const dir = t.testdir();
  const packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], REPO_ROOT)) as { filename: string }[];
  const tarball = path.join(dir, packed[0]?.filename ?? '');
  const project = path.join(dir, 'consumer');
  await mkdir(project);
  await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], project);
  t.ok((await readdir(path.join(project, 'node_modules'))).includes('edmock'), 'installed');

  await writeFile(path.join(project, 'contract.ts'), `
import { createMockServer, SESSION_HEADER, type JournalEntry, type MockServer } from 'edmock';
import type { UserAppInstallStatus } from 'edmock/types/beta';

const mock: MockServer = await createMockServer({ journalSize: 50 });
const app = '/beta/deviceAppManagement/mobileApps/11111111-1111-4111-8111-111111111111';
mock.load<UserAppInstallStatus>(app + '/userStatuses', [{ id: 'typed', userName: 'From a fixture', installedDeviceCount: 2 }]);
const base = await mock.listen();
const response = await fetch(base + app + '/userStatuses/typed');
const body = (await response.json()) as UserAppInstallStatus;
const created = await fetch(base + app + '/userStatuses', { method: 'POST', headers: { 'content-type': 'application/json', [SESSION_HEADER]: 'one' }, body: JSON.stringify({ userName: 'isolated' }) });
mock.journal.verify({ method: 'GET', path: '/beta/**' }, 1);
mock.session('one').journal.verify({ method: 'POST', status: 201 }, 1);
const entries: JournalEntry[] = mock.journal.list();
console.log(JSON.stringify({ status: response.status, userName: body.userName, created: created.status, entries: entries.length }));
await mock.close();
`);
  await writeFile(path.join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false,
      types: ['node'], typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')],
    },
    include: ['contract.ts'],
  }));
  // The consumer's TypeScript and Node types are edmock's own here (no second download); module
  // resolution is the consumer's.
  try {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { cwd: project, encoding: 'utf8', timeout: 120_000 });
  } catch (error) {
    t.fail(`tsc: ${(error as { stdout?: string }).stdout ?? String(error)}`);
  }
  t.pass('the exports and declarations type-check in a strict NodeNext project');

  // Run it as the consumer would after compiling: the same code as JavaScript.
  await writeFile(path.join(project, 'contract.mjs'), `
import { createMockServer, SESSION_HEADER } from 'edmock';
const mock = await createMockServer({ journalSize: 50 });
const app = '/beta/deviceAppManagement/mobileApps/11111111-1111-4111-8111-111111111111';
mock.load(app + '/userStatuses', [{ id: 'typed', userName: 'From a fixture', installedDeviceCount: 2 }]);
const base = await mock.listen();
const response = await fetch(base + app + '/userStatuses/typed');
const body = await response.json();
const created = await fetch(base + app + '/userStatuses', { method: 'POST', headers: { 'content-type': 'application/json', [SESSION_HEADER]: 'one' }, body: JSON.stringify({ userName: 'isolated' }) });
mock.journal.verify({ method: 'GET', path: '/beta/**' }, 1);
mock.session('one').journal.verify({ method: 'POST', status: 201 }, 1);
console.log(JSON.stringify({ status: response.status, userName: body.userName, created: created.status, entries: mock.journal.list().length }));
await mock.close();
`);
  const output = execFileSync(process.execPath, ['contract.mjs'], { cwd: project, encoding: 'utf8', timeout: 60_000 });
  t.same(JSON.parse(output.trim()), { status: 200, userName: 'From a fixture', created: 201, entries: 1 });
  const help = execFileSync(process.execPath, [path.join(project, 'node_modules', '.bin', 'edmock'), '--help'], { encoding: 'utf8' });
  t.match(help, /edmock serve \[options\]/, 'the bin is installed');
});
