import type { EdmEnumType, EdmModel } from '../model.js';
import type { ChangeLog } from './change.js';

// Enum types and their members, matched by name; a member's value is what a client exchanging
// numbers (or combining flags) reads.

export function diffEnumTypes(log: ChangeLog, before: EdmModel, after: EdmModel): void {
  for (const [name, type] of Object.entries(before.enumTypes)) {
    const next = after.enumTypes[name];
    if (!next) log.add('type-removed', 'enumType', name, `enum type removed (${type.members.length} members)`);
    else diffEnum(log, type, next);
  }
  for (const [name, type] of Object.entries(after.enumTypes)) {
    if (!Object.hasOwn(before.enumTypes, name)) log.add('type-added', 'enumType', name, `enum type added (${type.members.length} members)`);
  }
}

function diffEnum(log: ChangeLog, before: EdmEnumType, after: EdmEnumType): void {
  const name = after.qualifiedName;
  if (before.underlyingType !== after.underlyingType) log.add('enum-underlying-changed', 'enumType', name, `UnderlyingType ${before.underlyingType} -> ${after.underlyingType}`);
  if (before.isFlags !== after.isFlags) log.add(after.isFlags ? 'enum-flags-set' : 'enum-flags-cleared', 'enumType', name, `IsFlags ${before.isFlags} -> ${after.isFlags}`);
  const now = new Map(after.members.map((m) => [m.name, m.value]));
  const old = new Map(before.members.map((m) => [m.name, m.value]));
  for (const member of before.members) {
    const value = now.get(member.name);
    if (value === undefined) log.add('enum-member-removed', 'enumMember', `${name}/${member.name}`, `member removed (value ${member.value})`);
    else if (value !== member.value) log.add('enum-member-renumbered', 'enumMember', `${name}/${member.name}`, `value ${member.value} -> ${value}`);
  }
  for (const member of after.members) {
    if (!old.has(member.name)) log.add('enum-member-added', 'enumMember', `${name}/${member.name}`, `member added (value ${member.value})`);
  }
}
