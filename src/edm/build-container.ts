import type { Fail, Warn } from './edm-error.js';
import type { EdmActionImport, EdmEntityContainer, EdmFunctionImport, EdmNavigationBinding, EdmUnboundOperation } from './model.js';
import type { ResolveType } from './name-scope.js';
import type { RawBinding, RawSchema } from './read-edmx.js';

type RawContainer = NonNullable<RawSchema['EntityContainer']>[number];

/** The one entity container of the document, its entity sets and singletons checked. */
export function buildContainer(schemas: RawSchema[], resolveType: ResolveType, fail: Fail, operations: OperationScope = NO_OPERATIONS, warn: Warn = () => {}): EdmEntityContainer {
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
  const readBindings = bindingReader({ namespace: schema.Namespace as string, alias: schema.Alias, name }, raw, fail, warn);

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
  const imports = readImports(raw, operations, claim, new Set(Object.keys(entitySets)), fail);
  return { name, namespace: schema.Namespace as string, entitySets, singletons, ...imports };
}

/** What imports are checked against: the unbound operations, and schema alias -> namespace. */
export interface OperationScope {
  unbound: EdmUnboundOperation[];
  aliases: Map<string, string>;
}

const NO_OPERATIONS: OperationScope = { unbound: [], aliases: new Map() };

/**
 * ActionImports and FunctionImports (CSDL 13.5, 13.6): each names an unbound operation of its
 * kind (alias-qualified or not) and, optionally, the entity set its entities belong to.
 */
function readImports(raw: RawContainer, scope: OperationScope, claim: (label: string, name: string | undefined) => string, sets: Set<string>, fail: Fail) {
  const operationName = (label: string, importName: string, kind: 'action' | 'function', written: string | undefined): string => {
    const element = `${label} '${importName}'`;
    if (!written) return fail(element, `has no ${kind === 'action' ? 'Action' : 'Function'} attribute`);
    const dot = written.lastIndexOf('.');
    const namespace = scope.aliases.get(written.slice(0, dot)) ?? written.slice(0, dot);
    const qualified = `${namespace}.${written.slice(dot + 1)}`;
    if (!scope.unbound.some((o) => o.kind === kind && o.qualifiedName === qualified)) fail(element, `names no unbound ${kind} '${written}'`);
    return qualified;
  };
  const entitySet = (label: string, importName: string, written: string | undefined): string | undefined => {
    if (written === undefined) return undefined;
    // CSDL 13.5.3: a simple identifier or a target path; only sets of this container are served.
    const setName = written.slice(written.lastIndexOf('/') + 1);
    if (!sets.has(setName)) fail(`${label} '${importName}'`, `EntitySet '${written}' is not an entity set of the container`);
    return setName;
  };
  const actionImports: Record<string, EdmActionImport> = {};
  for (const actionImport of raw.ActionImport ?? []) {
    const importName = claim('ActionImport', actionImport.Name);
    const built: EdmActionImport = { name: importName, action: operationName('ActionImport', importName, 'action', actionImport.Action) };
    const set = entitySet('ActionImport', importName, actionImport.EntitySet);
    if (set !== undefined) built.entitySet = set;
    actionImports[importName] = built;
  }
  const functionImports: Record<string, EdmFunctionImport> = {};
  for (const functionImport of raw.FunctionImport ?? []) {
    const importName = claim('FunctionImport', functionImport.Name);
    const built: EdmFunctionImport = { name: importName, function: operationName('FunctionImport', importName, 'function', functionImport.Function), includeInServiceDocument: functionImport.IncludeInServiceDocument === 'true' };
    const set = entitySet('FunctionImport', importName, functionImport.EntitySet);
    if (set !== undefined) built.entitySet = set;
    functionImports[importName] = built;
  }
  return { actionImports, functionImports };
}

/**
 * Reads a child's NavigationPropertyBindings. CSDL 13.4.2: a target is an entity set or singleton
 * of this container, or, written after a container's qualified name and a slash, of another
 * (referenced) container. edmock serves one container, so a binding it cannot follow (another
 * container's set, or a name no child has) is left out with a warning: the navigation is served
 * all the same, its entities are only not members of a set.
 */
function bindingReader(container: { namespace: string; alias: string | undefined; name: string }, raw: RawContainer, fail: Fail, warn: Warn) {
  const declaredChildren = new Set([...(raw.EntitySet ?? []), ...(raw.Singleton ?? [])].map((child) => child.Name));
  const ownQualifiers = new Set([container.name, `${container.namespace}.${container.name}`, ...(container.alias ? [`${container.alias}.${container.name}`] : [])]);
  return (list: RawBinding[] | undefined, element: string): EdmNavigationBinding[] =>
    (list ?? []).flatMap((b) => {
      const path = b.Path ?? fail(`NavigationPropertyBinding of ${element}`, 'has no Path');
      const target = b.Target ?? fail(`NavigationPropertyBinding '${path}' of ${element}`, 'has no Target');
      const slash = target.indexOf('/');
      const qualifier = slash < 0 ? undefined : target.slice(0, slash);
      const inOtherContainer = qualifier !== undefined && qualifier.includes('.') && !ownQualifiers.has(qualifier);
      const bindingElement = `NavigationPropertyBinding '${path}' of ${element}`;
      if (inOtherContainer) {
        warn(bindingElement, `left out: target '${target}' is in EntityContainer '${qualifier}', and only '${container.name}' is served`);
        return [];
      }
      const first = (qualifier !== undefined && ownQualifiers.has(qualifier) ? target.slice(slash + 1) : target).split('/')[0];
      if (!declaredChildren.has(first)) {
        warn(bindingElement, `left out: target '${target}' is not an entity set or singleton of EntityContainer '${container.name}'`);
        return [];
      }
      return [{ path, target }];
    });
}
