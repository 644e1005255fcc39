import { odataErrors } from '../errors.js';
import type { BatchPart } from './batch-part.js';

// The order a batch runs in. JSON Format 4.01 §19.1 lets a request name, in `dependsOn`, the
// requests and atomicity groups that must succeed before it; an atomicity group runs as one unit
// (all or nothing). Everything else runs in the order the batch lists it, which is one of the
// orders a service may choose (Graph: "in any order") and the only one a test can predict.
// A batch whose dependencies cannot be honoured is refused before anything runs, naming the
// request: a repeated id, a dependency on nothing, a cycle.

/** Parts that run together: one part, or every part of an atomicity group, in batch order. */
export interface BatchUnit {
  /** The part's id, or the group's. */
  readonly id: string;
  readonly group: string | undefined;
  readonly parts: BatchPart[];
  /** Units that must succeed first. */
  readonly after: BatchUnit[];
}

/** The units of a batch, each after those it depends on; otherwise in batch order. */
export function batchOrder(parts: BatchPart[]): BatchUnit[] {
  const units = unitsOf(parts);
  const byId = unitIndex(units);
  for (const unit of units) {
    const after = new Set<BatchUnit>();
    for (const part of unit.parts) {
      for (const dependency of part.dependsOn) {
        const target = byId.get(dependency);
        if (target === undefined) throw odataErrors.batchInvalid(`Request '${part.id}' depends on '${dependency}', which is no request or atomicity group of this batch.`, part.id);
        if (target !== unit && !after.has(target)) {
          after.add(target);
          unit.after.push(target);
        }
      }
    }
  }
  return sorted(units);
}

function unitsOf(parts: BatchPart[]): BatchUnit[] {
  const units: BatchUnit[] = [];
  const groups = new Map<string, BatchUnit>();
  for (const part of parts) {
    const group = part.atomicityGroup;
    const existing = group === undefined ? undefined : groups.get(group);
    if (existing !== undefined) {
      existing.parts.push(part);
      continue;
    }
    const unit: BatchUnit = { id: group ?? part.id, group, parts: [part], after: [] };
    if (group !== undefined) groups.set(group, unit);
    units.push(unit);
  }
  return units;
}

/**
 * Every id a `dependsOn` may name: parts (to their unit) and groups. OData matches ids exactly
 * (Protocol §11.7.3); Graph refuses ids that differ only in case ("not case sensitive, must be
 * unique"), and so does edmock.
 */
function unitIndex(units: BatchUnit[]): Map<string, BatchUnit> {
  const byId = new Map<string, BatchUnit>();
  const seen = new Set<string>();
  for (const unit of units) {
    for (const part of unit.parts) {
      const folded = part.id.toLowerCase();
      if (seen.has(folded)) throw odataErrors.batchInvalid(`The id '${part.id}' is used by more than one request of the batch.`, part.id);
      seen.add(folded);
      byId.set(part.id, unit);
    }
  }
  for (const unit of units) {
    if (unit.group === undefined) continue;
    const owner = byId.get(unit.group);
    if (owner !== undefined && owner !== unit) throw odataErrors.batchInvalid(`The atomicity group '${unit.group}' has the id of a request outside it.`, unit.group);
    byId.set(unit.group, unit);
  }
  return byId;
}

/**
 * Depth-first topological order that keeps batch order wherever dependencies allow; a cycle is
 * refused. Iterative: with `--batch-limit 0` a chain of dependencies may be as long as the body
 * allows, deeper than the call stack.
 */
function sorted(units: BatchUnit[]): BatchUnit[] {
  const order: BatchUnit[] = [];
  const state = new Map<BatchUnit, 'visiting' | 'done'>();
  for (const root of units) {
    if (state.has(root)) continue;
    state.set(root, 'visiting');
    const path: { unit: BatchUnit; next: number }[] = [{ unit: root, next: 0 }];
    while (path.length > 0) {
      const top = path[path.length - 1] as { unit: BatchUnit; next: number };
      const dependency = top.unit.after[top.next++];
      if (dependency === undefined) {
        state.set(top.unit, 'done');
        order.push(top.unit);
        path.pop();
        continue;
      }
      const seen = state.get(dependency);
      if (seen === 'done') continue;
      if (seen === 'visiting') throw cycleError(path.map((step) => step.unit), dependency);
      state.set(dependency, 'visiting');
      path.push({ unit: dependency, next: 0 });
    }
  }
  return order;
}

function cycleError(path: BatchUnit[], repeated: BatchUnit) {
  const ids = [...path.slice(path.indexOf(repeated)), repeated].map((unit) => `'${unit.id}'`);
  // A message names the cycle, not every one of thousands of requests in it.
  const cycle = ids.length <= 12 ? ids.join(' -> ') : `${ids.slice(0, 6).join(' -> ')} -> ... -> ${ids.slice(-3).join(' -> ')}`;
  return odataErrors.batchInvalid(`The requests of the batch depend on each other in a cycle: ${cycle}.`, repeated.id);
}
