import type { Fail } from './edm-error.js';
import type { EdmEnumMember, EdmEnumType } from './model.js';
import type { RawEnumType, RawSchema } from './read-edmx.js';

/** Every enum type of the schemas, keyed and sorted by qualified name. */
export function buildEnumTypes(schemas: RawSchema[], fail: Fail): Record<string, EdmEnumType> {
  const enumTypes: Record<string, EdmEnumType> = {};
  for (const schema of schemas) {
    for (const raw of schema.EnumType ?? []) {
      const enumType = buildEnumType(schema.Namespace as string, raw, fail);
      enumTypes[enumType.qualifiedName] = enumType;
    }
  }
  const sorted: Record<string, EdmEnumType> = {};
  for (const name of Object.keys(enumTypes).sort()) sorted[name] = enumTypes[name] as EdmEnumType;
  return sorted;
}

function buildEnumType(namespace: string, raw: RawEnumType, fail: Fail): EdmEnumType {
  const qualifiedName = `${namespace}.${raw.Name}`;
  const element = `EnumType '${qualifiedName}'`;
  const isFlags = raw.IsFlags === 'true';
  const members = readMembers(raw, element, fail);
  // No members is tolerated: Graph's v1.0 metadata declares such placeholders (auditLogRecordType).
  return { name: raw.Name as string, qualifiedName, underlyingType: raw.UnderlyingType ?? 'Edm.Int32', isFlags, members };
}

function readMembers(raw: RawEnumType, element: string, fail: Fail): EdmEnumMember[] {
  const seen = new Set<string>();
  return (raw.Member ?? []).map((member, index) => {
    if (!member.Name) fail(element, `member #${index + 1} has no Name`);
    const name = member.Name;
    if (seen.has(name)) fail(`Member '${name}' of ${element}`, 'duplicate member name');
    seen.add(name);
    // CSDL 10.2.2: without Value, members are numbered from 0 in order (flags enums need values).
    const value = member.Value === undefined ? index : Number(member.Value);
    if (!Number.isInteger(value)) fail(`Member '${name}' of ${element}`, `Value '${member.Value}' is not an integer`);
    return { name, value };
  });
}
