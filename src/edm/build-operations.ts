import type { Fail } from './edm-error.js';
import type { EdmOperation, EdmParameter } from './model.js';
import type { ResolveType } from './name-scope.js';
import type { RawOperation, RawParameter, RawSchema } from './read-edmx.js';

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
  const parameters = (raw.Parameter ?? []).map((parameter) => readParameter(parameter, element, resolveType, fail));
  const [binding] = parameters;
  if (!binding) return fail(element, 'is bound but has no binding parameter');
  const operation: EdmOperation = {
    kind, name: raw.Name as string, qualifiedName, bindingParameter: binding.name,
    bindingType: binding.type, bindingCollection: binding.collection,
    bindingNullable: binding.nullable, parameters: parameters.slice(1), composable: kind === 'function' && raw.IsComposable === 'true',
  };
  if (raw.EntitySetPath) operation.entitySetPath = raw.EntitySetPath;
  const returnType = raw.ReturnType?.[0];
  if (returnType?.Type) {
    const t = resolveType(returnType.Type, `ReturnType of ${element}`);
    operation.returnType = { type: t.type, typeKind: t.kind, collection: t.collection, nullable: returnType.Nullable !== 'false' };
  }
  return operation;
}

/** A parameter with its type resolved and the facets its values are checked against. */
function readParameter(raw: RawParameter, element: string, resolveType: ResolveType, fail: Fail): EdmParameter {
  const name = raw.Name ?? fail(element, 'a Parameter has no Name');
  const t = resolveType(raw.Type, `Parameter '${name}' of ${element}`);
  const parameter: EdmParameter = { name, type: t.type, typeKind: t.kind, collection: t.collection, nullable: raw.Nullable !== 'false' };
  if (raw.MaxLength !== undefined && /^\d+$/.test(raw.MaxLength)) parameter.maxLength = Number(raw.MaxLength);
  if (raw.Precision !== undefined && /^\d+$/.test(raw.Precision)) parameter.precision = Number(raw.Precision);
  const scale = raw.Scale?.toLowerCase();
  if (scale !== undefined && /^\d+$/.test(scale)) parameter.scale = Number(scale);
  else if (scale === 'variable' || scale === 'floating') parameter.scale = scale;
  return parameter;
}
