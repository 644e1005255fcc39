import type { Fail } from './edm-error.js';
import type { EdmEntityContainer, EdmNavigationBinding } from './model.js';
import type { ResolveType } from './name-scope.js';
import type { RawBinding, RawSchema } from './read-edmx.js';

type RawContainer = NonNullable<RawSchema['EntityContainer']>[number];

/** The one entity container of the document, its entity sets and singletons checked. */
export function buildContainer(schemas: RawSchema[], resolveType: ResolveType, fail: Fail): EdmEntityContainer {
  const holders = schemas.filter((schema) => (schema.EntityContainer?.length ?? 0) > 0);
  if (holders.length === 0) return fail('edmx:DataServices', 'no Schema holds an EntityContainer');
  if (holders.length > 1 || (holders[0]?.EntityContainer?.length ?? 0) > 1) fail('EntityContainer', 'more than one EntityContainer is declared');
  const schema = holders[0] as RawSchema;
  const raw = schema.EntityContainer?.[0] as RawContainer;
  const name = raw.Name ?? fail(`EntityContainer in Schema '${schema.Namespace}'`, 'has no Name attribute');
  const children = new Set<string>();
  const claim = (label: string, childName: string | undefined): string => {
    if (!childName) return fail(`${label} in EntityContainer '${name}'`, 'has no Name attribute');
    if (children.has(childName)) fail(`${label} '${childName}'`, `duplicate name in EntityContainer '${name}'`);
    children.add(childName);
    return childName;
  };
  const readBindings = bindingReader(schema.Namespace as string, name, raw, fail);

  /** An entity set or singleton: its name claimed, its entity type checked, its bindings read. */
  const child = (label: 'EntitySet' | 'Singleton', raw: { Name?: string; NavigationPropertyBinding?: RawBinding[] }, typeAttribute: string, typeName: string | undefined) => {
    const childName = claim(label, raw.Name);
    const element = `${label} '${childName}'`;
    const t = resolveType(typeName, element);
    if (t.kind !== 'entity' || t.collection) fail(element, `${typeAttribute} '${typeName}' is not an entity type`);
    return { name: childName, type: t.type, navigationBindings: readBindings(raw.NavigationPropertyBinding, element) };
  };
  const entitySets: EdmEntityContainer['entitySets'] = {};
  for (const set of raw.EntitySet ?? []) {
    const { name: setName, type, navigationBindings } = child('EntitySet', set, 'EntityType', set.EntityType);
    entitySets[setName] = { name: setName, entityType: type, navigationBindings };
  }
  const singletons: EdmEntityContainer['singletons'] = {};
  for (const singleton of raw.Singleton ?? []) {
    const built = child('Singleton', singleton, 'Type', singleton.Type);
    singletons[built.name] = built;
  }
  return { name, namespace: schema.Namespace as string, entitySets, singletons, actionImports: {}, functionImports: {} };
}

/** Reads a child's NavigationPropertyBindings, each target checked to start at a child of the container. */
function bindingReader(namespace: string, containerName: string, raw: RawContainer, fail: Fail) {
  const declaredChildren = new Set([...(raw.EntitySet ?? []), ...(raw.Singleton ?? [])].map((child) => child.Name));
  return (list: RawBinding[] | undefined, element: string): EdmNavigationBinding[] =>
    (list ?? []).map((b) => {
      const path = b.Path ?? fail(`NavigationPropertyBinding of ${element}`, 'has no Path');
      const target = b.Target ?? fail(`NavigationPropertyBinding '${path}' of ${element}`, 'has no Target');
      // CSDL 13.4.2: the target starts at an entity set or singleton, optionally container-qualified.
      const first = target.replace(new RegExp(`^(${namespace}\\.)?${containerName}/`), '').split('/')[0];
      if (!declaredChildren.has(first)) fail(`NavigationPropertyBinding '${path}' of ${element}`, `target '${target}' is not an entity set or singleton of EntityContainer '${containerName}'`);
      return { path, target };
    });
}
