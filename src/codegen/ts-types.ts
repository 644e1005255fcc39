import type { EdmModel, EdmProperty, EdmStructuredType } from '../edm/model.js';

// TypeScript declarations of the entities as the server returns them (every declared property
// present, nullable ones possibly null) and of the enums as unions of member names.

const TS_PRIMITIVES: Record<string, string> = {
  'Edm.Boolean': 'boolean', 'Edm.Byte': 'number', 'Edm.SByte': 'number', 'Edm.Int16': 'number',
  'Edm.Int32': 'number', 'Edm.Int64': 'number', 'Edm.Decimal': 'number',
  'Edm.Double': "number | 'NaN' | 'INF' | '-INF'", 'Edm.Single': "number | 'NaN' | 'INF' | '-INF'",
  'Edm.Untyped': 'unknown', 'Edm.PrimitiveType': 'unknown',
};

const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/** TS names for every named type: the simple name in PascalCase, qualified where two namespaces clash. */
function typeNames(model: EdmModel): Map<string, string> {
  const all = [...Object.keys(model.entityTypes), ...Object.keys(model.complexTypes), ...Object.keys(model.enumTypes)];
  const bySimpleName = new Map<string, number>();
  const simple = (q: string) => q.slice(q.lastIndexOf('.') + 1);
  for (const q of all) bySimpleName.set(simple(q), (bySimpleName.get(simple(q)) ?? 0) + 1);
  return new Map(all.map((q) => [q, (bySimpleName.get(simple(q)) ?? 0) > 1 ? q.split('.').map(pascal).join('') : pascal(simple(q))]));
}

export function emitTypeDeclarations(model: EdmModel): string {
  const names = typeNames(model);
  const tsType = (p: EdmProperty): string => {
    const item = p.typeKind === 'primitive'
      ? (TS_PRIMITIVES[p.type] ?? (p.type.startsWith('Edm.Geo') ? 'Record<string, unknown>' : 'string'))
      : names.get(p.type)!;
    if (p.collection) return `Array<${p.nullable ? `${item} | null` : item}>`;
    return p.nullable ? `${item} | null` : item;
  };
  const lines: string[] = [];
  for (const e of Object.values(model.enumTypes)) {
    lines.push(`/** ${e.qualifiedName}${e.isFlags ? ' (flags: a comma-separated list of members)' : ''} */`);
    lines.push(`export type ${names.get(e.qualifiedName)} = ${e.isFlags ? 'string' : e.members.map((m) => `'${m.name}'`).join(' | ')};`, '');
  }
  const structured: EdmStructuredType[] = [...Object.values(model.complexTypes), ...Object.values(model.entityTypes)];
  structured.sort((a, b) => a.qualifiedName.localeCompare(b.qualifiedName));
  for (const t of structured) {
    const heritage = t.baseType ? ` extends ${names.get(t.baseType)}` : '';
    lines.push(`/** ${t.qualifiedName}${t.abstract ? ' (abstract)' : ''}${t.open ? ' (open)' : ''} */`);
    lines.push(`export interface ${names.get(t.qualifiedName)}${heritage} {`);
    if (!t.baseType) lines.push(`  '@odata.type'?: string;`);
    for (const p of t.properties) if (p.declaredBy === t.qualifiedName) lines.push(`  ${p.name}: ${tsType(p)};`);
    if (t.open) lines.push('  [dynamicProperty: string]: unknown;');
    lines.push('}', '');
  }
  lines.push(...entitySetMap(model, names));
  return lines.join('\n');
}

/**
 * Entity set and singleton name -> entity type: what `defineHandlers<EntitySets>(...)` takes, so a
 * handler module's set names and property names are checked against the model.
 */
function entitySetMap(model: EdmModel, names: Map<string, string>): string[] {
  const { entitySets, singletons } = model.container;
  const members = [
    ...Object.values(entitySets).map((set) => [set.name, set.entityType] as const),
    ...Object.values(singletons).map((singleton) => [singleton.name, singleton.type] as const),
  ];
  return [
    `/** The entity sets and singletons of ${model.container.namespace}.${model.container.name}, with their entity types (for defineHandlers). */`,
    'export interface EntitySets {',
    ...members.map(([name, type]) => `  ${/^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`}: ${names.get(type)};`),
    '}',
    '',
  ];
}
