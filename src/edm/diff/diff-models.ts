import type { EdmModel } from '../model.js';
import { ChangeLog, type EdmChange } from './change.js';
import { diffContainer } from './diff-container.js';
import { diffEnumTypes } from './diff-enums.js';
import { diffOperations } from './diff-operations.js';
import { diffStructuredTypes } from './diff-structured.js';
import type { ChangeClass } from './rules.js';

// `edmock diff`'s core: every change from one model to another, matched by qualified name (the
// models have resolved aliases already), each classified by the rule in rules.ts.
//
// Not compared, because the model does not keep them: navigation properties' Partner, type
// definitions (properties carry their underlying type, so a changed definition shows on them),
// annotations other than property annotations.

export interface EdmDiff {
  changes: EdmChange[];
  counts: Record<ChangeClass, number>;
}

export function diffModels(before: EdmModel, after: EdmModel): EdmDiff {
  const log = new ChangeLog();
  diffSchemas(log, before, after);
  diffStructuredTypes(log, before, after);
  diffEnumTypes(log, before, after);
  diffOperations(log, before, after);
  diffContainer(log, before.container, after.container);
  const counts: Record<ChangeClass, number> = { breaking: 0, compatible: 0, annotation: 0 };
  for (const change of log.changes) counts[change.class]++;
  return { changes: log.changes, counts };
}

function diffSchemas(log: ChangeLog, before: EdmModel, after: EdmModel): void {
  for (const ns of before.namespaces) if (!after.namespaces.includes(ns)) log.add('schema-removed', 'schema', ns, 'schema removed');
  for (const ns of after.namespaces) if (!before.namespaces.includes(ns)) log.add('schema-added', 'schema', ns, 'schema added');
  const aliasOf = (model: EdmModel, ns: string) => Object.entries(model.aliases).find(([, n]) => n === ns)?.[0];
  for (const ns of after.namespaces) {
    if (!before.namespaces.includes(ns)) continue;
    const [was, is] = [aliasOf(before, ns), aliasOf(after, ns)];
    if (was !== is) log.add('alias-changed', 'schema', ns, `Alias ${was ?? '(none)'} -> ${is ?? '(none)'}`);
  }
}
