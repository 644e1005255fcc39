import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import t, { type Test } from 'tap';
import { UsageError } from '../../src/cli/args.js';
import { diffCommand } from '../../src/cli/diff.js';
import { edited, SHOP } from '../edm/diff/shop-model.js';

// `edmock diff` in-process: what each format prints and the exit status each --fail-on gives.

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await diffCommand(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { status, stdout: out.join('\n'), stderr: err.join('\n') };
}

async function files(t: Test) {
  const dir = t.testdir();
  const write = async (name: string, xml: string) => { const file = path.join(dir, name); await writeFile(file, xml); return file; };
  return {
    base: await write('base.xml', SHOP),
    // one breaking change (a property removed) and one compatible (an enum member added)
    mixed: await write('mixed.xml', edited('<Member Name="Green" Value="1"/>', '<Member Name="Green" Value="1"/><Member Name="Blue" Value="2"/>', edited('<Property Name="Name" Type="Edm.String" MaxLength="100"/>', ''))),
    additive: await write('additive.xml', edited('<Member Name="Green" Value="1"/>', '<Member Name="Green" Value="1"/><Member Name="Blue" Value="2"/>')),
  };
}

t.test('text: grouped by element kind, then a summary; exit 1 on a breaking change', async (t) => {
  const { base, mixed } = await files(t);
  const result = await run(base, mixed);
  t.equal(result.status, 1);
  t.same(result.stdout.split('\n'), [
    `${base} -> ${mixed}`,
    '',
    'Properties',
    '  breaking    Test.Shop.Item/Name: removed (Edm.String)',
    '',
    'Enum members',
    '  compatible  Test.Shop.Colour/Blue: member added (value 2)',
    '',
    '1 breaking, 1 compatible, 0 annotation (2 changes)',
  ]);
});

t.test('--fail-on: breaking (default), any, none', async (t) => {
  const { base, mixed, additive } = await files(t);
  t.equal((await run(base, additive)).status, 0, 'compatible only: 0 by default');
  t.equal((await run(base, additive, '--fail-on', 'any')).status, 1, 'any change fails with any');
  t.equal((await run(base, base, '--fail-on', 'any')).status, 0, 'no change passes with any');
  t.equal((await run(base, mixed, '--fail-on', 'none')).status, 0, 'none never fails');
  t.equal((await run(base, mixed, '--fail-on', 'breaking')).status, 1);
});

t.test('--format json: counts and every change with its class and rule', async (t) => {
  const { base, mixed } = await files(t);
  const result = await run(base, mixed, '--format', 'json');
  t.equal(result.status, 1);
  t.same(JSON.parse(result.stdout), {
    old: base, new: mixed, counts: { breaking: 1, compatible: 1, annotation: 0 },
    changes: [
      { class: 'breaking', rule: 'property-removed', kind: 'property', path: 'Test.Shop.Item/Name', message: 'removed (Edm.String)' },
      { class: 'compatible', rule: 'enum-member-added', kind: 'enumMember', path: 'Test.Shop.Colour/Blue', message: 'member added (value 2)' },
    ],
  });
});

t.test('--format markdown: breaking changes in a table, the others folded', async (t) => {
  const { base, mixed } = await files(t);
  const { stdout } = await run(base, mixed, '--format', 'markdown');
  t.match(stdout, '**1 breaking, 1 compatible, 0 annotation (2 changes)**');
  t.match(stdout, '#### Breaking changes (1)\n\n| Kind | Path | Change | Rule |\n| --- | --- | --- | --- |\n| Properties | `Test.Shop.Item/Name` | removed (Edm.String) | property-removed |');
  t.match(stdout, '<details><summary>Compatible changes (1)</summary>\n\n| Kind | Path | Change | Rule |\n| --- | --- | --- | --- |\n| Enum members | `Test.Shop.Colour/Blue` | member added (value 2) | enum-member-added |\n\n</details>');
});

t.test('a served $metadata against a file', async (t) => {
  const { mixed } = await files(t);
  const server = createServer((request, response) => {
    if (request.url === '/svc/$metadata') response.writeHead(200, { 'content-type': 'application/xml' }).end(SHOP);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const served = await run(`${root}/svc/$metadata`, mixed, '--format', 'json');
  t.equal(served.status, 1);
  t.same(JSON.parse(served.stdout).counts, { breaking: 1, compatible: 1, annotation: 0 });
  const missing = await run(`${root}/nothing/$metadata`, mixed);
  t.equal(missing.status, 2, 'an answer other than 200 is trouble');
  t.equal(missing.stderr, `edmock diff: ${root}/nothing/$metadata: HTTP 404 Not Found`);
});

t.test('trouble: a missing file or invalid metadata exits 2 and says why', async (t) => {
  const { base } = await files(t);
  const dir = path.dirname(base);
  const missing = await run(base, path.join(dir, 'nope.xml'));
  t.equal(missing.status, 2);
  t.match(missing.stderr, /nope\.xml: no such file$/);
  const broken = path.join(dir, 'broken.xml');
  await writeFile(broken, SHOP.replace('Type="S.Colour"', 'Type="S.Missing"'));
  const invalid = await run(base, broken);
  t.equal(invalid.status, 2);
  t.equal(invalid.stderr, `edmock diff: invalid metadata: ${broken}: Property 'Colour' of EntityType 'Test.Shop.Item': unresolved type 'S.Missing'`);
});

t.test('usage mistakes are UsageErrors (exit 2 from the command line)', async (t) => {
  await t.rejects(run('one.xml'), { message: 'expects two metadata documents, OLD and NEW', command: 'diff' });
  t.type(await run('one.xml').catch((error: unknown) => error), UsageError);
  await t.rejects(run('a.xml', 'b.xml', '--format', 'html'), new UsageError('diff', "--format is text, markdown or json, not 'html'"));
  await t.rejects(run('a.xml', 'b.xml', '--fail-on', 'some'), new UsageError('diff', "--fail-on is breaking, any or none, not 'some'"));
  await t.rejects(run('a.xml', 'b.xml', '--colour'), new UsageError('diff', "unknown option '--colour'"));
});
