import type { EdmChange, ElementKind } from './change.js';
import type { EdmDiff } from './diff-models.js';
import type { ChangeClass } from './rules.js';

// The three forms of a diff report: text for a terminal, markdown for a pull-request comment,
// JSON for tools. Text and markdown group changes by element kind (in the order below), then
// by path.

const KIND_HEADINGS: Record<ElementKind, string> = {
  schema: 'Schemas', entityType: 'Entity types', complexType: 'Complex types', enumType: 'Enum types',
  key: 'Keys', property: 'Properties', navigationProperty: 'Navigation properties', enumMember: 'Enum members',
  action: 'Actions', function: 'Functions', entitySet: 'Entity sets', singleton: 'Singletons',
  navigationBinding: 'Navigation property bindings', actionImport: 'Action imports',
  functionImport: 'Function imports', annotation: 'Annotations',
};

const CLASSES: ChangeClass[] = ['breaking', 'compatible', 'annotation'];

export interface DiffSources { old: string; new: string }

/** `2 breaking, 5 compatible, 1 annotation change(s)`. */
export function summaryLine(diff: EdmDiff): string {
  const total = diff.changes.length;
  return `${diff.counts.breaking} breaking, ${diff.counts.compatible} compatible, ${diff.counts.annotation} annotation (${total} change${total === 1 ? '' : 's'})`;
}

function grouped(changes: EdmChange[]): [ElementKind, EdmChange[]][] {
  const groups = new Map<ElementKind, EdmChange[]>();
  for (const kind of Object.keys(KIND_HEADINGS) as ElementKind[]) groups.set(kind, []);
  for (const change of changes) groups.get(change.kind)!.push(change);
  const byPath = (a: EdmChange, b: EdmChange) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return [...groups].filter(([, list]) => list.length > 0).map(([kind, list]) => [kind, list.sort(byPath)]);
}

export function renderText(diff: EdmDiff, sources: DiffSources): string {
  const lines = [`${sources.old} -> ${sources.new}`];
  for (const [kind, changes] of grouped([...diff.changes])) {
    lines.push('', KIND_HEADINGS[kind]);
    for (const c of changes) lines.push(`  ${c.class.padEnd(10)}  ${c.path}: ${c.message}`);
  }
  lines.push('', summaryLine(diff));
  return lines.join('\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Breaking changes in the open, the others folded, so that a long diff stays readable in a review. */
export function renderMarkdown(diff: EdmDiff, sources: DiffSources): string {
  const lines = [`### Metadata changes: \`${cell(sources.old)}\` → \`${cell(sources.new)}\``, '', `**${summaryLine(diff)}**`];
  for (const changeClass of CLASSES) {
    const changes = diff.changes.filter((c) => c.class === changeClass);
    if (changes.length === 0) continue;
    const title = `${changeClass[0]!.toUpperCase()}${changeClass.slice(1)} changes (${changes.length})`;
    const table = ['| Kind | Path | Change | Rule |', '| --- | --- | --- | --- |'];
    for (const [kind, list] of grouped(changes)) {
      for (const c of list) table.push(`| ${KIND_HEADINGS[kind]} | \`${cell(c.path)}\` | ${cell(c.message)} | ${c.rule} |`);
    }
    if (changeClass === 'breaking') lines.push('', `#### ${title}`, '', ...table);
    else lines.push('', `<details><summary>${title}</summary>`, '', ...table, '', '</details>');
  }
  return lines.join('\n');
}

export function renderJson(diff: EdmDiff, sources: DiffSources): string {
  return JSON.stringify({ old: sources.old, new: sources.new, counts: diff.counts, changes: diff.changes }, null, 2);
}
