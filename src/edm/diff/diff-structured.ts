import type { EdmComplexType, EdmEntityType, EdmModel, EdmStructuredType } from '../model.js';
import type { ChangeLog } from './change.js';
import { diffNavigation, diffProperty } from './diff-members.js';

// Entity and complex types: the type itself, its key, and its members. The model flattens
// inheritance (each type lists its inherited members), so a change to a base type's member would
// show on every derived type: it is reported once, on the type that declares the member, and on
// a derived type only where that type sees something else than its declarer does (its base type
// changed, say).

type Structured = EdmEntityType | EdmComplexType;
type Member = { name: string; declaredBy: string };

const structuredTypes = (model: EdmModel): Map<string, Structured> =>
  new Map<string, Structured>([...Object.entries(model.entityTypes), ...Object.entries(model.complexTypes)]);

export function diffStructuredTypes(log: ChangeLog, before: EdmModel, after: EdmModel): void {
  const old = structuredTypes(before);
  const now = structuredTypes(after);
  for (const [name, type] of old) {
    const next = now.get(name);
    if (!next) log.add('type-removed', type.kind === 'entity' ? 'entityType' : 'complexType', name, `${type.kind} type removed`);
    else diffType(log, { old, now }, type, next);
  }
  for (const [name, type] of now) {
    if (!old.has(name)) log.add('type-added', type.kind === 'entity' ? 'entityType' : 'complexType', name, `${type.kind} type added`);
  }
}

interface Types { old: Map<string, Structured>; now: Map<string, Structured> }

function diffType(log: ChangeLog, types: Types, before: Structured, after: Structured): void {
  const name = after.qualifiedName;
  const kind = after.kind === 'entity' ? 'entityType' : 'complexType';
  if (before.kind !== after.kind) log.add('type-kind-changed', kind, name, `${before.kind} type -> ${after.kind} type`);
  if (before.baseType !== after.baseType) log.add('base-type-changed', kind, name, `base type ${before.baseType ?? '(none)'} -> ${after.baseType ?? '(none)'}`);
  if (before.abstract !== after.abstract) log.add(after.abstract ? 'abstract-set' : 'abstract-cleared', kind, name, `Abstract ${before.abstract} -> ${after.abstract}`);
  if (before.open !== after.open) log.add(after.open ? 'open-set' : 'open-cleared', kind, name, `OpenType ${before.open} -> ${after.open}`);
  if (before.kind === 'entity' && after.kind === 'entity') diffKey(log, types, before, after);
  const properties = (t: EdmStructuredType) => t.properties;
  eachMemberChange(types, before, after, properties, (path, old, now) => diffProperty(log, path, old, now));
  const navigations = (t: EdmStructuredType) => t.navigationProperties;
  eachMemberChange(types, before, after, navigations, (path, old, now) => diffNavigation(log, path, old, now));
}

const keyOf = (type: Structured | undefined) => (type?.kind === 'entity' ? JSON.stringify(type.keyProperties) : '');
const keyText = (type: EdmEntityType) => `(${type.keyProperties.map((k) => (k.name === k.path.join('/') ? `${k.name}: ${k.type}` : `${k.path.join('/')} as ${k.name}: ${k.type}`)).join(', ') || 'none'})`;

function diffKey(log: ChangeLog, types: Types, before: EdmEntityType, after: EdmEntityType): void {
  if (keyOf(before) === keyOf(after)) return;
  // A key inherited from an unchanged base type is reported on that base type.
  const base = before.baseType === after.baseType ? before.baseType : undefined;
  if (base && keyOf(types.old.get(base)) === keyOf(before) && keyOf(types.now.get(base)) === keyOf(after)) return;
  log.add('key-changed', 'key', after.qualifiedName, `key ${keyText(before)} -> ${keyText(after)}`);
}

/** A member's content without where it is declared: what a client sees of it. */
const signatures = new WeakMap<object, string>();
function signature(member: Member | undefined): string {
  if (!member) return '';
  let text = signatures.get(member);
  if (text === undefined) {
    const { declaredBy: _declaredBy, ...content } = member;
    text = JSON.stringify(content);
    signatures.set(member, text);
  }
  return text;
}

function eachMemberChange<M extends Member>(
  types: Types, before: Structured, after: Structured,
  membersOf: (type: EdmStructuredType) => M[],
  diff: (path: string, before: M | undefined, after: M | undefined) => void,
): void {
  const name = after.qualifiedName;
  const old = new Map(membersOf(before).map((m) => [m.name, m]));
  const now = new Map(membersOf(after).map((m) => [m.name, m]));
  const names = new Set([...old.keys(), ...now.keys()]);
  for (const member of names) {
    const [was, is] = [old.get(member), now.get(member)];
    if (signature(was) === signature(is)) continue;
    if (reportedByDeclarer(types, name, member, was, is, membersOf)) continue;
    diff(`${name}/${member}`, was, is);
  }
}

/** Whether the type declaring the member (a base type) sees exactly the same change. */
function reportedByDeclarer<M extends Member>(
  types: Types, typeName: string, member: string, was: M | undefined, is: M | undefined,
  membersOf: (type: EdmStructuredType) => M[],
): boolean {
  const declarers = new Set([was?.declaredBy, is?.declaredBy]);
  if (declarers.has(typeName)) return false;
  for (const declarer of declarers) {
    if (declarer === undefined) continue;
    const oldType = types.old.get(declarer);
    const newType = types.now.get(declarer);
    const atDeclarerBefore = oldType ? membersOf(oldType).find((m) => m.name === member) : undefined;
    const atDeclarerAfter = newType ? membersOf(newType).find((m) => m.name === member) : undefined;
    if (signature(atDeclarerBefore) === signature(was) && signature(atDeclarerAfter) === signature(is)) return true;
  }
  return false;
}
