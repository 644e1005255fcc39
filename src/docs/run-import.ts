import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEdmx } from '../edm/build-model.js';
import { importPages, type ImportResult } from './import-pages.js';
import { readPages } from './read-page.js';

// `edmock docs import <pages> --out metadata/`: writes <version>.xml only where the pages add
// something, so a file whose content the pages already cover keeps its exact text (comments too).

export async function importDocs(inputs: string[], outDir: string): Promise<(ImportResult & { written: boolean; file: string })[]> {
  const existing = (version: string) => {
    const file = path.join(outDir, `${version}.xml`);
    return existsSync(file) ? parseEdmx(readFileSync(file, 'utf8'), file) : undefined;
  };
  const results = importPages(await readPages(inputs), existing);
  await mkdir(outDir, { recursive: true });
  return Promise.all(results.map(async (result) => {
    const file = path.join(outDir, `${result.version}.xml`);
    const written = result.changes.length > 0 || !existsSync(file);
    if (written) await writeFile(file, result.edmx);
    return { ...result, written, file };
  }));
}

export function formatImport(results: Awaited<ReturnType<typeof importDocs>>): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`${result.file}: ${result.written ? `${result.changes.length} change(s) written` : 'unchanged'}`);
    for (const change of result.changes) lines.push(`  + ${change}`);
    for (const conflict of result.conflicts) lines.push(`  ! conflict: ${conflict}`);
  }
  return lines.join('\n');
}
