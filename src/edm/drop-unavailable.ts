import type { Warn } from './edm-error.js';
import type { RawOperation, RawSchema, RawStructuredType } from './read-edmx.js';

// A reference that could not be loaded (or a vocabulary, whose types edmock does not carry)
// affects only what needs its types: each property, navigation property, operation, entity set
// or singleton typed in such a namespace is left out with a warning, and so is a type whose base
// type or key is gone. Everything else is built as if the reference had loaded.

/** What decides which names are unavailable: the namespaces, and how a name is qualified. */
export interface Unavailability {
  namespaces: Set<string>;
  /** Alias-qualified -> namespace-qualified name. */
  qualify: (name: string) => string;
}

const itemType = (type: string | undefined) => /^Collection\((.+)\)$/.exec(type ?? '')?.[1] ?? type ?? '';

/** Removes, in place, every element of `schemas` that needs an unavailable type. */
export function dropUnavailable(schemas: RawSchema[], unavailability: Unavailability, warn: Warn): void {
  if (unavailability.namespaces.size === 0) return;
  const droppedTypes = new Set<string>();
  const missing = (type: string | undefined): string | undefined => {
    const name = unavailability.qualify(itemType(type));
    if (droppedTypes.has(name)) return `its type '${type}' was left out`;
    const namespace = name.slice(0, name.lastIndexOf('.'));
    return unavailability.namespaces.has(namespace) ? `its type '${type}' is in namespace '${namespace}', which is not loaded` : undefined;
  };
  // Types first, to a fixed point: a type can lose its base type or key through another one.
  for (let changed = true; changed;) {
    changed = false;
    for (const schema of schemas) {
      for (const [label, list] of [['EntityType', schema.EntityType], ['ComplexType', schema.ComplexType]] as const) {
        const kept = (list ?? []).filter((type) => {
          const reason = keepType(type, missing, `${label} '${schema.Namespace}.${type.Name}'`, warn);
          if (reason) droppedTypes.add(`${schema.Namespace}.${type.Name}`);
          return !reason;
        });
        if (kept.length !== (list ?? []).length) { changed = true; schema[label] = kept; }
      }
    }
  }
  const droppedOperations = new Set<string>();
  for (const schema of schemas) {
    for (const label of ['Action', 'Function'] as const) {
      if (!schema[label]) continue;
      schema[label] = schema[label].filter((operation) => {
        const kept = keepOperation(operation, missing, `${label} '${schema.Namespace}.${operation.Name}'`, warn);
        if (!kept) droppedOperations.add(`${schema.Namespace}.${operation.Name}`);
        return kept;
      });
    }
  }
  // An import of an operation whose every overload was left out goes too.
  const operationGone = (name: string | undefined): string | undefined => {
    const qualified = unavailability.qualify(name ?? '');
    const survives = schemas.some((schema) => [...(schema.Action ?? []), ...(schema.Function ?? [])].some((o) => `${schema.Namespace}.${o.Name}` === qualified));
    return !survives && (droppedOperations.has(qualified) || missing(qualified)) ? `its operation '${name}' was left out` : undefined;
  };
  for (const schema of schemas) for (const container of schema.EntityContainer ?? []) dropContainerChildren(container, missing, operationGone, warn);
}

/** Leaves out the members typed in unavailable namespaces; a problem string when the whole type must go. */
function keepType(type: RawStructuredType, missing: (type: string | undefined) => string | undefined, element: string, warn: Warn): string | undefined {
  const baseGone = type.BaseType ? missing(type.BaseType) : undefined;
  if (baseGone) {
    warn(element, `left out: its base type '${type.BaseType}' is not available (${baseGone.replace(/^its type '[^']*' /, '')})`);
    return baseGone;
  }
  const goneProperties = new Set<string>();
  type.Property = type.Property?.filter((p) => {
    const reason = missing(p.Type);
    if (reason) { warn(`Property '${p.Name}' of ${element}`, `left out: ${reason}`); goneProperties.add(p.Name ?? ''); }
    return !reason;
  });
  type.NavigationProperty = type.NavigationProperty?.filter((n) => {
    const reason = missing(n.Type);
    if (reason) warn(`NavigationProperty '${n.Name}' of ${element}`, `left out: ${reason}`);
    return !reason;
  });
  const lostKey = type.Key?.[0]?.PropertyRef?.find((ref) => goneProperties.has((ref.Name ?? '').split('/')[0] as string));
  if (lostKey) {
    const reason = `its key property '${lostKey.Name}' was left out`;
    warn(element, `left out: ${reason}`);
    return reason;
  }
  return undefined;
}

function keepOperation(operation: RawOperation, missing: (type: string | undefined) => string | undefined, element: string, warn: Warn): boolean {
  for (const parameter of operation.Parameter ?? []) {
    const reason = missing(parameter.Type);
    if (reason) { warn(element, `left out: parameter '${parameter.Name}': ${reason}`); return false; }
  }
  const reason = operation.ReturnType?.[0]?.Type ? missing(operation.ReturnType[0].Type) : undefined;
  if (reason) warn(element, `left out: return type: ${reason}`);
  return !reason;
}

function dropContainerChildren(
  container: NonNullable<RawSchema['EntityContainer']>[number], missing: (type: string | undefined) => string | undefined,
  operationGone: (name: string | undefined) => string | undefined, warn: Warn,
): void {
  const gone = new Set<string>();
  const keep = (label: string, name: string | undefined, type: string | undefined) => {
    const reason = missing(type);
    if (reason) { warn(`${label} '${name}'`, `left out: ${reason}`); gone.add(name ?? ''); }
    return !reason;
  };
  container.EntitySet = container.EntitySet?.filter((s) => keep('EntitySet', s.Name, s.EntityType));
  container.Singleton = container.Singleton?.filter((s) => keep('Singleton', s.Name, s.Type));
  const keepImport = (label: string, name: string | undefined, operation: string | undefined) => {
    const reason = operationGone(operation);
    if (reason) warn(`${label} '${name}'`, `left out: ${reason}`);
    return !reason;
  };
  container.ActionImport = container.ActionImport?.filter((i) => keepImport('ActionImport', i.Name, i.Action));
  container.FunctionImport = container.FunctionImport?.filter((i) => keepImport('FunctionImport', i.Name, i.Function));
  for (const child of [...(container.EntitySet ?? []), ...(container.Singleton ?? [])]) {
    child.NavigationPropertyBinding = child.NavigationPropertyBinding?.filter((binding) => {
      const segments = (binding.Target ?? '').split('/');
      // The target may start with the container's qualified name (CSDL 13.4.2).
      const first = (segments.length > 1 && segments[0]?.includes('.') ? segments[1] : segments[0]) ?? '';
      if (!gone.has(first)) return true;
      warn(`NavigationPropertyBinding '${binding.Path}' of ${child.Name}`, `left out: its target '${binding.Target}' was left out`);
      return false;
    });
  }
}
