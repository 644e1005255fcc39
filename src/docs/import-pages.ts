import { parseEdmx } from '../edm/build-model.js';
import type { EdmEnumType, EdmModel, EdmNavigationProperty, EdmProperty } from '../edm/model.js';
import { writeEdmx } from '../edm/write-edmx.js';
import { docTypeToEdm } from './check-pages.js';
import type { DocPage } from './page.js';
import { pageVersion } from './services-by-version.js';

// `edmock docs import`: what reference pages say about types, properties, enums and paths, merged
// into the metadata of their version. The existing metadata is the starting point and nothing in
// it is removed or retyped: where a page disagrees, the disagreement is reported with both
// sources and the metadata stays as it was. Pages do not state nullability; a new property is
// nullable when it is a string and required otherwise, the pattern of Graph's Intune types.

export interface ImportResult {
  version: string;
  edmx: string;
  model: EdmModel;
  changes: string[];
  conflicts: string[];
}

interface DraftType {
  name: string;
  baseType?: string;
  abstract: boolean;
  open: boolean;
  key: string[];
  properties: EdmProperty[];
  navigation: EdmNavigationProperty[];
}

interface Draft {
  /** Enums named in any page, for rows typed `Enumeration` (matched by their members). */
  pageEnums: Map<string, string[]>;
  namespace: string;
  alias: string;
  types: Map<string, DraftType>;
  enums: Map<string, EdmEnumType>;
  base: EdmModel;
  changes: string[];
  conflicts: string[];
}

const GRAPH_NAMESPACE = 'microsoft.graph';

function emptyModel(): EdmModel {
  return parseEdmx(`<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="${GRAPH_NAMESPACE}" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="entity" Abstract="true"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
<EntityContainer Name="GraphService"/></Schema></edmx:DataServices></edmx:Edmx>`);
}

function draftOf(model: EdmModel): Draft {
  const namespace = model.container.namespace;
  const alias = Object.entries(model.aliases).find(([, ns]) => ns === namespace)?.[0] ?? 'graph';
  const types = new Map<string, DraftType>();
  for (const type of Object.values(model.entityTypes)) {
    const baseKey = type.baseType ? model.entityTypes[type.baseType]?.key ?? [] : [];
    const draft: DraftType = {
      name: type.name, abstract: type.abstract, open: type.open, key: baseKey.length ? [] : type.key,
      properties: type.properties.filter((p) => p.declaredBy === type.qualifiedName),
      navigation: type.navigationProperties.filter((n) => n.declaredBy === type.qualifiedName),
    };
    if (type.baseType) draft.baseType = type.baseType;
    types.set(type.qualifiedName, draft);
  }
  const enums = new Map(Object.values(model.enumTypes).map((e) => [e.qualifiedName, { ...e, members: [...e.members] }]));
  return { pageEnums: new Map(), namespace, alias, types, enums, base: model, changes: [], conflicts: [] };
}

function ancestry(draft: Draft, qualifiedName: string): DraftType[] {
  const chain: DraftType[] = [];
  for (let name: string | undefined = qualifiedName; name; name = draft.types.get(name)?.baseType) {
    const type = draft.types.get(name);
    if (!type) break;
    chain.push(type);
  }
  return chain;
}

function ensureType(draft: Draft, simpleName: string, source: string): string {
  const qualified = `${draft.namespace}.${simpleName}`;
  if (!draft.types.has(qualified)) {
    draft.types.set(qualified, { name: simpleName, baseType: `${draft.namespace}.entity`, abstract: false, open: false, key: [], properties: [], navigation: [] });
    draft.changes.push(`added EntityType ${qualified} (${source})`);
  }
  return qualified;
}

/** The enum a page's property row means: by name, or for `Enumeration` by the same members. */
function enumFor(draft: Draft, typeName: string, members: string[] | undefined, rowSource: string): string | undefined {
  if (typeName === 'Enumeration') {
    if (!members) return undefined;
    const sameMembers = (names: string[]) => names.length === members.length && names.every((name) => members.includes(name));
    const known = [...draft.enums.values()].find((e) => sameMembers(e.members.map((m) => m.name)));
    if (known) return known.qualifiedName;
    // Another page, of this version or another, may name the enum these members belong to.
    const named = [...draft.pageEnums].find(([, names]) => sameMembers(names));
    return named ? enumFor(draft, named[0], named[1], rowSource) : undefined;
  }
  const qualified = `${draft.namespace}.${typeName}`;
  const existing = draft.enums.get(qualified);
  if (!members) return existing ? qualified : undefined;
  if (!existing) {
    // Numbered in page order, as CSDL numbers members without values; the metadata's values win when it has them.
    draft.enums.set(qualified, { name: typeName, qualifiedName: qualified, underlyingType: 'Edm.Int32', isFlags: false, members: members.map((name, value) => ({ name, value })) });
    draft.changes.push(`added EnumType ${qualified} with ${members.length} members (${rowSource})`);
    return qualified;
  }
  const known = new Set(existing.members.map((m) => m.name));
  const missing = existing.members.filter((m) => !members.includes(m.name)).map((m) => m.name);
  const added = members.filter((m) => !known.has(m));
  for (const name of added) {
    const value = Math.max(-1, ...existing.members.map((m) => m.value)) + 1;
    existing.members.push({ name, value });
    draft.changes.push(`added member ${name}=${value} to ${qualified} (${rowSource})`);
  }
  if (missing.length > 0) draft.conflicts.push(`${qualified}: the metadata has ${missing.join(', ')}, which ${rowSource} does not list`);
  return qualified;
}

function importProperties(draft: Draft, page: DocPage, typeName: string): void {
  const chain = ancestry(draft, typeName);
  const own = chain[0] as DraftType;
  for (const row of page.properties) {
    const source = `${page.file}:${row.line}`;
    const inherited = chain.flatMap((t) => t.properties).find((p) => p.name === row.name);
    const primitive = docTypeToEdm(row.type);
    const enumName = primitive ? undefined : enumFor(draft, row.type, row.enumMembers, source);
    const type = primitive ?? enumName;
    if (!type) {
      draft.conflicts.push(`${typeName}/${row.name}: ${source} types it '${row.type}', which names no primitive or enum type${row.type === 'Enumeration' ? ' with those members' : ''}`);
      continue;
    }
    if (inherited) {
      if (inherited.type !== type) draft.conflicts.push(`${typeName}/${row.name}: the metadata says '${inherited.type}', ${source} says '${row.type}'`);
      continue;
    }
    own.properties.push({
      name: row.name, type, typeKind: primitive ? 'primitive' : 'enum', collection: false,
      nullable: type === 'Edm.String', declaredBy: typeName,
    });
    draft.changes.push(`added property ${typeName}/${row.name}: ${type} (${source})`);
  }
}

/** The singleton, entity sets and navigation properties a documented path passes through. */
function importPath(draft: Draft, path: string, leafType: string, source: string, byReference: boolean): void {
  const segments = path.split('/').filter(Boolean);
  const reference = segments.at(-1) === '$ref';
  if (reference) segments.pop();
  const [first, ...rest] = segments;
  if (!first) return;
  const container = draft.base.container;
  const keyed = (index: number) => /^\{\w+\}$/.test(segments[index + 1] ?? '');
  const typeForKey = (index: number) => (segments[index + 1] as string).slice(1, -1).replace(/Id$/, '');
  let ownerType: string;
  if (Object.hasOwn(container.singletons, first)) ownerType = container.singletons[first]!.type;
  else if (Object.hasOwn(container.entitySets, first)) ownerType = container.entitySets[first]!.entityType;
  else if (keyed(0)) {
    ownerType = ensureType(draft, typeForKey(0), source);
    container.entitySets[first] = { name: first, entityType: ownerType, navigationBindings: [] };
    draft.changes.push(`added EntitySet ${first} (${source})`);
  } else {
    ownerType = ensureType(draft, first, source);
    container.singletons[first] = { name: first, type: ownerType, navigationBindings: [] };
    draft.changes.push(`added Singleton ${first} (${source})`);
  }
  for (let i = 0; i < rest.length; i++) {
    const segment = rest[i] as string;
    if (/^\{\w+\}$/.test(segment)) continue;
    const index = i + 1; // index in `segments`
    const last = index === segments.length - 1;
    const targetType = last ? leafType : keyed(index) ? ensureType(draft, typeForKey(index), source) : ensureType(draft, segment, source);
    const collection = last || keyed(index);
    const contained = !(last && (reference || byReference));
    const existing = ancestry(draft, ownerType).flatMap((t) => t.navigation).find((n) => n.name === segment);
    if (existing) {
      if (existing.type !== targetType) draft.conflicts.push(`${ownerType}/${segment}: the metadata says '${existing.type}', ${source} implies '${targetType}'`);
      if (last && reference && existing.containsTarget) draft.conflicts.push(`${ownerType}/${segment}: the metadata contains its targets, but ${source} adds to it by $ref`);
    } else {
      (draft.types.get(ownerType) as DraftType).navigation.push({ name: segment, type: targetType, collection, nullable: true, containsTarget: contained, declaredBy: ownerType });
      draft.changes.push(`added NavigationProperty ${ownerType}/${segment}: ${collection ? `Collection(${targetType})` : targetType}${contained ? ', contained' : ''} (${source})`);
    }
    ownerType = targetType;
  }
}

function modelOf(draft: Draft): EdmModel {
  const entityTypes: EdmModel['entityTypes'] = {};
  for (const [qualifiedName, type] of [...draft.types].sort(([a], [b]) => a.localeCompare(b))) {
    const chain = ancestry(draft, qualifiedName);
    const key = [...chain].reverse().find((t) => t.key.length > 0)?.key ?? [];
    const properties = [...chain].reverse().flatMap((t) => t.properties);
    // Pages name keys by plain property names (Graph has no key aliases or paths).
    const keyProperties = key.flatMap((name) => {
      const property = properties.find((p) => p.name === name);
      return property && (property.typeKind === 'primitive' || property.typeKind === 'enum') ? [{ name, path: [name], type: property.type, typeKind: property.typeKind }] : [];
    });
    const entity = {
      kind: 'entity' as const, name: type.name, qualifiedName, abstract: type.abstract, open: type.open,
      key, keyProperties, properties,
      navigationProperties: [...chain].reverse().flatMap((t) => t.navigation),
      derivedTypes: [],
      ...(type.baseType ? { baseType: type.baseType } : {}),
    };
    entityTypes[qualifiedName] = entity;
  }
  const enumTypes = Object.fromEntries([...draft.enums].sort(([a], [b]) => a.localeCompare(b)));
  return { ...draft.base, entityTypes, enumTypes };
}

/** Pages merged into the metadata of each version they cover (or into a new minimal model). */
export function importPages(pages: DocPage[], existing: (version: string) => EdmModel | undefined): ImportResult[] {
  const drafts = new Map<string, Draft>();
  const pageEnums = new Map<string, string[]>();
  for (const page of pages) {
    for (const row of page.properties) if (row.enumMembers && row.type !== 'Enumeration' && !docTypeToEdm(row.type)) pageEnums.set(row.type, row.enumMembers);
  }
  const ordered = [...pages].sort((a, b) => Number(b.operations.some((o) => o.path.endsWith('/$ref'))) - Number(a.operations.some((o) => o.path.endsWith('/$ref'))));
  for (const page of ordered) {
    const version = pageVersion(page);
    if (!version || !page.entityType) continue;
    let draft = drafts.get(version);
    if (!draft) drafts.set(version, (draft = { ...draftOf(structuredClone(existing(version) ?? emptyModel())), pageEnums }));
    const typeName = ensureType(draft, page.entityType, `${page.file}:1`);
    importProperties(draft, page, typeName);
    const byReference = page.operations.some((o) => o.path.endsWith('/$ref'));
    for (const operation of page.operations) importPath(draft, operation.path, typeName, `${page.file}:${operation.line}`, byReference);
    for (const example of page.examples) importPath(draft, example.request.path, typeName, `${page.file}:${example.request.line}`, byReference);
  }
  return [...drafts].sort(([a], [b]) => a.localeCompare(b)).map(([version, draft]) => {
    const edmx = writeEdmx(modelOf(draft));
    return { version, edmx, model: parseEdmx(edmx, `${version}.xml`), changes: draft.changes, conflicts: draft.conflicts };
  });
}
