import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ERROR_CATALOG } from '../../src/odata/errors.js';

// The catalog of errors (src/odata/errors.ts) and the table users read (docs/errors.md) must say
// the same thing, and nothing outside the catalog may build an error response of its own.

const root = process.cwd();

function tableRows(markdown: string): { name: string; code: string; status: number; when: string }[] {
  const rows: { name: string; code: string; status: number; when: string }[] = [];
  for (const line of markdown.split('\n')) {
    const match = /^\| `([A-Za-z]+)` \| `([A-Za-z_]+)` \| (\d{3}) \| (.+) \|$/.exec(line);
    if (match) rows.push({ name: match[1], code: match[2], status: Number(match[3]), when: match[4] });
  }
  return rows;
}

t.test('docs/errors.md lists every catalog entry with its code, status and when it happens, and nothing else', async (t) => {
  const rows = tableRows(readFileSync(path.join(root, 'docs', 'errors.md'), 'utf8'));
  const catalog = Object.entries(ERROR_CATALOG).map(([name, entry]) => ({ name, code: entry.code, status: entry.status, when: entry.when }));
  t.ok(catalog.length > 40, 'the catalog is read');
  t.same(rows, catalog, 'the table is the catalog, row for row, in order');
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sourceFiles(file) : file.endsWith('.ts') ? [file] : [];
  });
}

t.test('errors are raised by name: no module but the catalog constructs an ODataError', async (t) => {
  const offenders = sourceFiles(path.join(root, 'src'))
    .filter((file) => path.relative(root, file) !== path.join('src', 'odata', 'errors.ts'))
    .filter((file) => /new ODataError\(/.test(readFileSync(file, 'utf8')))
    .map((file) => path.relative(root, file));
  t.same(offenders, []);
});
