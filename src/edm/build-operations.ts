import type { Fail } from './edm-error.js';
import type { EdmOperation } from './model.js';
import type { ResolveType } from './name-scope.js';
import type { RawOperation, RawSchema } from './read-edmx.js';

/** Bound actions and functions in document order; unbound ones need imports, which are not served. */
export function buildBoundOperations(schemas: RawSchema[], resolveType: ResolveType, fail: Fail): EdmOperation[] {
  const operations: EdmOperation[] = [];
  for (const schema of schemas) {
    for (const [kind, list] of [['action', schema.Action ?? []], ['function', schema.Function ?? []]] as const) {
      for (const raw of list) {
        if (raw.IsBound === 'true') operations.push(buildBoundOperation(kind, schema.Namespace as string, raw, resolveType, fail));
      }
    }
  }
  return operations;
}

function buildBoundOperation(kind: EdmOperation['kind'], namespace: string, raw: RawOperation, resolveType: ResolveType, fail: Fail): EdmOperation {
  const label = kind === 'action' ? 'Action' : 'Function';
  const qualifiedName = `${namespace}.${raw.Name ?? fail(`${label} in Schema '${namespace}'`, 'has no Name attribute')}`;
  const element = `${label} '${qualifiedName}'`;
  const parameters = (raw.Parameter ?? []).map((parameter) => {
    const t = resolveType(parameter.Type, `Parameter '${parameter.Name}' of ${element}`);
    return { name: parameter.Name ?? fail(element, 'a Parameter has no Name'), type: t.type, collection: t.collection, nullable: parameter.Nullable !== 'false' };
  });
  const [binding] = parameters;
  if (!binding) return fail(element, 'is bound but has no binding parameter');
  const operation: EdmOperation = {
    kind, name: raw.Name as string, qualifiedName, bindingParameter: binding.name,
    bindingType: binding.type, bindingCollection: binding.collection,
    bindingNullable: binding.nullable, parameters: parameters.slice(1),
  };
  const returnType = raw.ReturnType?.[0]?.Type;
  if (returnType) {
    const t = resolveType(returnType, `ReturnType of ${element}`);
    operation.returnType = { type: t.type, collection: t.collection };
  }
  return operation;
}
