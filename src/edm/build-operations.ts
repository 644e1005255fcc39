import type { Fail } from './edm-error.js';
import { readFacets } from './facets.js';
import type { EdmOperation, EdmParameter, EdmUnboundOperation } from './model.js';
import type { ResolveType } from './name-scope.js';
import type { RawOperation, RawParameter, RawSchema } from './read-edmx.js';

// Actions and functions (CSDL 12), bound and unbound, each overload on its own in document order.

export interface BuiltOperations {
  bound: EdmOperation[];
  unbound: EdmUnboundOperation[];
}

/** Every action and function of the document, split by whether it has a binding parameter. */
export function buildOperations(schemas: RawSchema[], resolveType: ResolveType, fail: Fail): BuiltOperations {
  const bound: EdmOperation[] = [];
  const unbound: EdmUnboundOperation[] = [];
  for (const schema of schemas) {
    for (const [kind, list] of [['action', schema.Action ?? []], ['function', schema.Function ?? []]] as const) {
      for (const raw of list) {
        const operation = buildOperation(kind, schema.Namespace as string, raw, resolveType, fail);
        if (raw.IsBound === 'true') bound.push(bindOperation(operation, fail));
        else unbound.push(operation);
      }
    }
  }
  return { bound, unbound };
}

/** An operation with every parameter (a bound one's first is the binding parameter, split off by bindOperation). */
function buildOperation(kind: EdmOperation['kind'], namespace: string, raw: RawOperation, resolveType: ResolveType, fail: Fail): EdmUnboundOperation {
  const label = kind === 'action' ? 'Action' : 'Function';
  const qualifiedName = `${namespace}.${raw.Name ?? fail(`${label} in Schema '${namespace}'`, 'has no Name attribute')}`;
  const element = `${label} '${qualifiedName}'`;
  const parameters = (raw.Parameter ?? []).map((parameter) => readParameter(parameter, element, resolveType, fail));
  const operation: EdmUnboundOperation = {
    kind, name: raw.Name as string, qualifiedName, parameters, composable: kind === 'function' && raw.IsComposable === 'true',
  };
  if (raw.EntitySetPath) operation.entitySetPath = raw.EntitySetPath;
  const returnType = raw.ReturnType?.[0];
  if (returnType?.Type) {
    const t = resolveType(returnType.Type, `ReturnType of ${element}`);
    operation.returnType = { type: t.type, typeKind: t.kind, collection: t.collection, nullable: returnType.Nullable !== 'false' };
  }
  return operation;
}

function bindOperation(operation: EdmUnboundOperation, fail: Fail): EdmOperation {
  const [binding, ...rest] = operation.parameters;
  if (!binding) return fail(`${operation.kind === 'action' ? 'Action' : 'Function'} '${operation.qualifiedName}'`, 'is bound but has no binding parameter');
  const { kind, name, qualifiedName, returnType, composable, entitySetPath } = operation;
  const bound: EdmOperation = {
    kind, name, qualifiedName, bindingParameter: binding.name, bindingType: binding.type, bindingCollection: binding.collection,
    bindingNullable: binding.nullable, parameters: rest, composable,
  };
  if (entitySetPath !== undefined) bound.entitySetPath = entitySetPath;
  if (returnType) bound.returnType = returnType;
  return bound;
}

/** A parameter with its type resolved and the facets its values are checked against. */
function readParameter(raw: RawParameter, element: string, resolveType: ResolveType, fail: Fail): EdmParameter {
  const name = raw.Name ?? fail(element, 'a Parameter has no Name');
  const t = resolveType(raw.Type, `Parameter '${name}' of ${element}`);
  return { name, type: t.type, typeKind: t.kind, collection: t.collection, nullable: raw.Nullable !== 'false', ...readFacets(raw) };
}
