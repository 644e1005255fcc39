import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { checkPermissionTable, type PermissionEntry, type PermissionTable } from '../toolkit/auth.js';
import type { DocPage } from './page.js';

// The pages' permission tables -> metadata/<version>.permissions.json, which `serve --auth`
// reads: per operation (method and path template), the delegated and application scopes that
// grant it. Placeholders (TODO) and "Not supported." give no scope. Merging keeps every entry
// and scope already in the file, as the metadata import does.

export interface PermissionImport {
  version: string;
  file: string;
  written: boolean;
  changes: string[];
  /** Operations whose pages list no usable scope (placeholders), so nothing can be checked. */
  undocumented: string[];
}

const versionOf = (page: DocPage): string | undefined => page.examples.find((e) => e.request.version)?.request.version;

function scopesOf(page: DocPage, kind: RegExp): string[] {
  return page.permissions.filter((p) => kind.test(p.kind)).flatMap((p) => p.scopes);
}

export async function importPermissions(pages: DocPage[], outDir: string): Promise<PermissionImport[]> {
  const byVersion = new Map<string, { entries: PermissionEntry[]; undocumented: string[] }>();
  for (const page of pages) {
    const version = versionOf(page);
    if (version === undefined) continue;
    let group = byVersion.get(version);
    if (!group) byVersion.set(version, (group = { entries: [], undocumented: [] }));
    // Personal Microsoft accounts cannot be told from work accounts by a token's claims.
    const delegated = scopesOf(page, /^delegated \(work or school/i);
    const application = scopesOf(page, /^application/i);
    for (const operation of page.operations) {
      const source = `${path.basename(page.file)}:${page.permissions[0]?.line ?? operation.line}`;
      if (delegated.length === 0 && application.length === 0) group.undocumented.push(`${operation.method} ${operation.path} (${source})`);
      else group.entries.push({ method: operation.method, path: operation.path, delegated, application, source });
    }
  }
  const results: PermissionImport[] = [];
  for (const [version, { entries, undocumented }] of [...byVersion].sort(([a], [b]) => a.localeCompare(b))) {
    const file = path.join(outDir, `${version}.permissions.json`);
    const table: PermissionTable = existsSync(file) ? checkPermissionTable(JSON.parse(readFileSync(file, 'utf8')), file) : { permissions: [] };
    const changes: string[] = [];
    for (const entry of entries) {
      const known = table.permissions.find((e) => e.method === entry.method && e.path === entry.path);
      if (!known) {
        table.permissions.push(entry);
        changes.push(`permission ${entry.method} ${entry.path}: delegated ${entry.delegated.join(', ') || 'none'}; application ${entry.application.join(', ') || 'none'}`);
        continue;
      }
      for (const kind of ['delegated', 'application'] as const) {
        for (const scope of entry[kind]) {
          if (known[kind].includes(scope)) continue;
          known[kind].push(scope);
          changes.push(`permission ${entry.method} ${entry.path}: + ${kind} ${scope}`);
        }
      }
    }
    const written = changes.length > 0 && table.permissions.length > 0;
    if (written) {
      table.permissions.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
      await writeFile(file, `${JSON.stringify({ '//': 'Scopes per operation, from the API reference pages (edmock docs import); read by edmock serve --auth.', ...table }, null, 2)}\n`);
    }
    results.push({ version, file, written, changes, undocumented });
  }
  return results;
}
