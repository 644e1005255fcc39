import type { EdmModel, EdmOperation, EdmParameter, EdmReturnType, EdmUnboundOperation } from '../model.js';
import { typeLabel, type ChangeLog } from './change.js';
import { limitDirection, scaleDirection } from './facets.js';

// Actions and functions, overload by overload. CSDL tells overloads apart by their binding
// parameter's type and, for functions, by the set of their parameter names; an overload is
// matched on exactly that first, then on its binding alone, and a lone leftover on each side is
// taken as the same overload changed (so a function that gained a parameter reads as such, not
// as one overload removed and another added).

type Overload = EdmUnboundOperation & Partial<Pick<EdmOperation, 'bindingType' | 'bindingCollection'>>;

const binding = (o: Overload) => (o.bindingType === undefined ? '' : typeLabel(o.bindingType, o.bindingCollection ?? false));
const identity = (o: Overload) => `${o.kind} ${binding(o)} ${o.kind === 'function' ? o.parameters.map((p) => p.name).sort().join(',') : ''}`;

/** `ns.f(a, b) on Collection(ns.T)`: the overload's path in the report. */
export function overloadLabel(o: Overload): string {
  const parameters = o.kind === 'function' ? `(${o.parameters.map((p) => p.name).join(', ')})` : '';
  return `${o.qualifiedName}${parameters}${o.bindingType === undefined ? '' : ` on ${binding(o)}`}`;
}

function byName(model: EdmModel): Map<string, Overload[]> {
  const groups = new Map<string, Overload[]>();
  for (const o of [...model.operations, ...model.unboundOperations] as Overload[]) {
    const group = groups.get(o.qualifiedName);
    if (group) group.push(o);
    else groups.set(o.qualifiedName, [o]);
  }
  return groups;
}

export function diffOperations(log: ChangeLog, before: EdmModel, after: EdmModel): void {
  const old = byName(before);
  const now = byName(after);
  for (const name of new Set([...old.keys(), ...now.keys()])) {
    const { pairs, removed, added } = matchOverloads(old.get(name) ?? [], now.get(name) ?? []);
    for (const o of removed) log.add('operation-removed', o.kind, overloadLabel(o), `${o.kind} overload removed`);
    for (const o of added) log.add('operation-added', o.kind, overloadLabel(o), `${o.kind} overload added`);
    for (const [was, is] of pairs) diffOverload(log, was, is);
  }
}

function matchOverloads(before: Overload[], after: Overload[]) {
  const pairs: [Overload, Overload][] = [];
  const removed = [...before];
  const added = [...after];
  for (const key of [identity, binding]) {
    for (const was of [...removed]) {
      const index = added.findIndex((is) => key(is) === key(was));
      if (index < 0) continue;
      pairs.push([was, added.splice(index, 1)[0] as Overload]);
      removed.splice(removed.indexOf(was), 1);
    }
  }
  if (removed.length === 1 && added.length === 1) pairs.push([removed.pop()!, added.pop()!]);
  return { pairs, removed, added };
}

function diffOverload(log: ChangeLog, before: Overload, after: Overload): void {
  const path = overloadLabel(after);
  const kind = after.kind;
  if (before.kind !== after.kind) log.add('operation-kind-changed', kind, path, `${before.kind} -> ${after.kind}`);
  if (binding(before) !== binding(after)) log.add('operation-binding-changed', kind, path, `binding ${binding(before) || '(unbound)'} -> ${binding(after) || '(unbound)'}`);
  if (before.composable !== after.composable) log.add(after.composable ? 'composable-set' : 'composable-cleared', kind, path, `IsComposable ${before.composable} -> ${after.composable}`);
  diffReturn(log, path, kind, before.returnType, after.returnType);
  const now = new Map(after.parameters.map((p) => [p.name, p]));
  for (const parameter of before.parameters) {
    const next = now.get(parameter.name);
    if (!next) log.add('parameter-removed', kind, path, `parameter ${parameter.name} removed`);
    else diffParameter(log, path, kind, parameter, next);
  }
  const old = new Set(before.parameters.map((p) => p.name));
  for (const p of after.parameters) {
    if (old.has(p.name)) continue;
    const type = typeLabel(p.type, p.collection);
    if (p.nullable) log.add('parameter-added-optional', kind, path, `parameter ${p.name} added (${type}, nullable)`);
    else log.add('parameter-added-required', kind, path, `parameter ${p.name} added (${type}, Nullable=false)`);
  }
}

function diffReturn(log: ChangeLog, path: string, kind: 'action' | 'function', before?: EdmReturnType, after?: EdmReturnType): void {
  if (!before && !after) return;
  if (!before) { log.add('return-added', kind, path, `now returns ${typeLabel(after!.type, after!.collection)}`); return; }
  if (!after) { log.add('return-removed', kind, path, `no longer returns ${typeLabel(before.type, before.collection)}`); return; }
  const [was, is] = [typeLabel(before.type, before.collection), typeLabel(after.type, after.collection)];
  if (was !== is) log.add('return-type-changed', kind, path, `return type ${was} -> ${is}`);
  if (before.nullable !== after.nullable) log.add(after.nullable ? 'return-nullable-relaxed' : 'return-nullable-tightened', kind, path, `return Nullable ${before.nullable} -> ${after.nullable}`);
}

function diffParameter(log: ChangeLog, path: string, kind: 'action' | 'function', before: EdmParameter, after: EdmParameter): void {
  const name = `parameter ${after.name}`;
  const [was, is] = [typeLabel(before.type, before.collection), typeLabel(after.type, after.collection)];
  if (was !== is) log.add('parameter-type-changed', kind, path, `${name}: type ${was} -> ${is}`);
  if (before.nullable !== after.nullable) log.add(after.nullable ? 'parameter-nullable-relaxed' : 'parameter-nullable-tightened', kind, path, `${name}: Nullable ${before.nullable} -> ${after.nullable}`);
  const facets = [
    ['MaxLength', limitDirection(before.maxLength, after.maxLength), before.maxLength, after.maxLength],
    ['Precision', limitDirection(before.precision, after.precision), before.precision, after.precision],
    ['Scale', scaleDirection(before.scale, after.scale), before.scale, after.scale],
  ] as const;
  for (const [facet, direction, old, now] of facets) {
    if (direction === 'same') continue;
    log.add(direction === 'lowered' ? 'parameter-facet-lowered' : 'parameter-facet-raised', kind, path, `${name}: ${facet} ${old ?? '(none)'} -> ${now ?? '(none)'}`);
  }
}
