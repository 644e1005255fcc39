import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEdmx } from '../edm/build-model.js';
import { diffModels, type EdmDiff } from '../edm/diff/diff-models.js';
import { summaryLine } from '../edm/diff/render.js';
import type { EdmModel } from '../edm/model.js';
import { importPages, type ImportResult } from './import-pages.js';
import { importPermissions, type PermissionImport } from './import-permissions.js';
import { readPages } from './read-page.js';

// `edmock docs import <pages> --out metadata/`: writes <version>.xml only where the pages add
// something, so a file whose content the pages already cover keeps its exact text (comments too),
// and <version>.permissions.json where the pages document scopes.

export interface DocsImport {
  /**
   * Each version's result; `diff` is what the written (or, with `check`, would-be) metadata
   * changes for a client of the current file (`edmock diff`'s classes), where there was one.
   */
  metadata: (ImportResult & { written: boolean; file: string; diff?: EdmDiff })[];
  /** <version>.permissions.json beside the metadata, for `serve --auth`. */
  permissions: PermissionImport[];
}

/**
 * `check`: write nothing, only report what an import would change (a CI step that fails on
 * breaking changes before anyone regenerates the mock).
 */
export async function importDocs(inputs: string[], outDir: string, options: { check?: boolean } = {}): Promise<DocsImport> {
  const current = new Map<string, EdmModel>();
  const existing = (version: string) => {
    const file = path.join(outDir, `${version}.xml`);
    const model = existsSync(file) ? parseEdmx(readFileSync(file, 'utf8'), file) : undefined;
    if (model) current.set(version, model);
    return model;
  };
  const pages = await readPages(inputs);
  const results = importPages(pages, existing);
  if (!options.check) await mkdir(outDir, { recursive: true });
  const metadata = await Promise.all(results.map(async (result) => {
    const file = path.join(outDir, `${result.version}.xml`);
    const changed = result.changes.length > 0 || !existsSync(file);
    if (changed && !options.check) await writeFile(file, result.edmx);
    const before = current.get(result.version);
    return { ...result, written: changed && !options.check, file, ...(before && changed ? { diff: diffModels(before, result.model) } : {}) };
  }));
  return { metadata, permissions: options.check ? [] : await importPermissions(pages, outDir) };
}

export function formatImport(results: DocsImport): string {
  const lines: string[] = [];
  for (const result of results.metadata) {
    const state = result.written ? `${result.changes.length} change(s) written` : result.changes.length > 0 ? `${result.changes.length} change(s) to write (--check: nothing written)` : 'unchanged';
    lines.push(`${result.file}: ${state}`);
    for (const change of result.changes) lines.push(`  + ${change}`);
    for (const conflict of result.conflicts) lines.push(`  ! conflict: ${conflict}`);
    if (result.diff) {
      lines.push(`  for clients of the current file: ${summaryLine(result.diff)}`);
      for (const change of result.diff.changes) if (change.class === 'breaking') lines.push(`  ! breaking: ${change.path}: ${change.message}`);
    }
  }
  for (const result of results.permissions) {
    const state = result.written ? `${result.changes.length} change(s) written` : existsSync(result.file) ? 'unchanged' : 'not written: the pages document no scopes';
    lines.push(`${result.file}: ${state}`);
    for (const change of result.changes) lines.push(`  + ${change}`);
    for (const operation of result.undocumented) lines.push(`  ? no scopes documented for ${operation}`);
  }
  return lines.join('\n');
}
