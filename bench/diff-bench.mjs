// `npm run bench` (diff): `edmock diff` on the whole Microsoft Graph v1.0 metadata against a copy
// changed mechanically (properties dropped and added, an enum member renumbered), timed from
// reading both files to the classified change list. Target (issue 14): under 5 s.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadEdmx } from '../dist/src/edm/build-model.js';
import { diffModels } from '../dist/src/edm/diff/diff-models.js';

const GRAPH = process.env.BENCH_GRAPH ?? new URL('../../shared/graph-reference/v1.0-cleanMetadata.xml', import.meta.url).pathname;
if (!existsSync(GRAPH)) {
  console.log(`diff bench: the whole Graph metadata was not found at ${GRAPH}: skipped`);
  process.exit(0);
}

/** Every 40th optional property dropped, a property added to every 30th entity type, one enum member renumbered. */
function changedCopy(xml) {
  let property = 0;
  let entityType = 0;
  const edited = xml
    .replace(/<Property Name="\w+" Type="[^"]+"(?: Nullable="true")? ?\/>/g, (element) => (++property % 40 === 0 ? '' : element))
    .replace(/<EntityType Name="\w+"[^>]*[^/]>/g, (open) => (++entityType % 30 === 0 ? `${open}<Property Name="benchAdded${entityType}" Type="Edm.String"/>` : open));
  return edited.replace(/(<EnumType Name="\w+">\s*<Member Name="\w+" Value=")0(")/, '$19999$2');
}

const work = mkdtempSync(path.join(os.tmpdir(), 'edmock-diff-'));
const changedFile = path.join(work, 'changed.xml');
writeFileSync(changedFile, changedCopy(readFileSync(GRAPH, 'utf8')));

const start = performance.now();
const before = loadEdmx(GRAPH).model;
const after = loadEdmx(changedFile).model;
const loaded = performance.now();
const diff = diffModels(before, after);
const end = performance.now();
rmSync(work, { recursive: true, force: true });

const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const rules = {};
for (const change of diff.changes) rules[change.rule] = (rules[change.rule] ?? 0) + 1;
console.log(`diff bench: whole Graph v1.0 metadata against a changed copy: ${seconds(end - start)} (loading both ${seconds(loaded - start)}, diff ${seconds(end - loaded)}), target under 5 s`);
console.log(`  ${diff.counts.breaking} breaking, ${diff.counts.compatible} compatible, ${diff.counts.annotation} annotation; by rule: ${JSON.stringify(rules)}`);
