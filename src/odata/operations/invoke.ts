import type { EdmReturnType, EdmUnboundOperation } from '../../edm/model.js';
import type { StoredEntity } from '../../store/memory-store.js';
import { answerDelta, isDeltaCall } from '../delta/answer-delta.js';
import { odataErrors } from '../errors.js';
import { listOperation, readOperation } from '../handlers/entity-handlers.js';
import { allowOptions, expectTarget, type OperationCall, type OperationHandler, type OperationRequest, type OperationResult } from '../handlers/handler.js';
import type { ResolvedOperation } from '../path/resolved-path.js';
import { contextUrl, stringifyJson, writeProperty } from '../response-json.js';
import { sampleValue, seededRandom } from '../sample-values.js';
import { bindActionParameters, type ParameterValues } from './bind-parameters.js';
import { checkValue } from './parameter-values.js';
import { resultCollection, resultEntity } from './result-entities.js';

// Invoking an action or function (Protocol §11.5.4): the parameters checked, a user's handler
// asked first, else a result edmock makes up: entities from the store, a type-valid value seeded
// by the call (the same call answers the same), `true` for an action returning Edm.Boolean (Graph
// reports an action's success that way), 204 for an action that returns nothing.

/** FNV-1a of the call: the operation, what it is bound to and its arguments. */
function seedOf(target: ResolvedOperation, parameters: ParameterValues): number {
  const text = `${target.operation.qualifiedName}|${target.binding?.contextPath ?? ''}|${stringifyJson(parameters)}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function bindingOf(request: OperationRequest, target: ResolvedOperation): OperationCall['binding'] {
  const { binding } = target;
  if (binding?.kind === 'entity') return binding.entity;
  if (binding?.kind !== 'collection') return undefined;
  const nav = binding.navigation;
  return nav && !nav.property.containsTarget ? request.store.linked(nav.navigationPath) : request.store.list(binding.collectionPath);
}

/** A primitive, enum or complex result, or a collection of them, in OData JSON. */
function valueResult(request: OperationRequest, returns: EdmReturnType, value: unknown): OperationResult {
  if (value === null || value === undefined) return { status: 204 };
  const fragment = returns.collection ? `Collection(${returns.type})` : returns.type;
  if (returns.typeKind === 'complex' && !returns.collection && typeof value === 'object') {
    const context = request.format.metadata === 'none' ? {} : { '@odata.context': contextUrl(request.baseUrl, fragment) };
    return { status: 200, body: { ...context, ...value } };
  }
  const property = { name: 'value', ...returns, declaredBy: '' };
  return { status: 200, body: writeProperty({ service: request.service, baseUrl: request.baseUrl, format: request.format }, property, value, fragment) };
}

/** The part of a value result the path goes on to (`Fn()/Total`, `Fn()/$count`), or the whole. */
function composedResult(request: OperationRequest, target: ResolvedOperation, returns: EdmReturnType, value: unknown): OperationResult {
  const { compose } = target;
  if (!compose) return valueResult(request, returns, value);
  if (compose.kind === 'count') return { status: 200, contentType: 'text/plain;charset=utf-8', body: String(Array.isArray(value) ? value.length : 0) };
  const { property } = compose;
  const part = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[property.name] : undefined;
  if (compose.raw) return part === null || part === undefined ? { status: 204 } : { status: 200, contentType: 'text/plain;charset=utf-8', body: typeof part === 'string' ? part : stringifyJson(part) };
  return valueResult(request, { type: property.type, typeKind: property.typeKind, collection: property.collection, nullable: property.nullable }, part);
}

/**
 * No entity to return (Protocol §11.5.3.1): 204 when the return type is nullable, a 404 when a
 * function's is not. An action's missing result stays a 204, as §11.5.4.2 has it for null.
 */
function noEntity(target: { operation: EdmUnboundOperation }, returns: EdmReturnType): OperationResult {
  if (target.operation.kind === 'function' && !returns.nullable) throw odataErrors.noFunctionResult(target.operation.qualifiedName, returns.type);
  return { status: 204 };
}

/** Entities from the store: a collection read as a list of the collection is, one entity as a read. */
function entityResult(request: OperationRequest, target: ResolvedOperation, returns: EdmReturnType): OperationResult {
  const source = { operation: target.operation, ...(target.binding ? { binding: target.binding } : {}), ...(target.entitySet === undefined ? {} : { entitySet: target.entitySet }) };
  if (returns.collection) {
    const collection = resultCollection(request.service, source, returns.type);
    if (collection) return listOperation({ ...request, resolved: collection });
    allowOptions(request.query, ['format'], 'an empty result');
    if (target.compose?.kind === 'count') return composedResult(request, target, returns, []);
    return valueResult(request, { ...returns, typeKind: 'complex' }, []);
  }
  const entity = resultEntity(request.service, request.store, source, returns.type);
  if (!entity.entity) return noEntity(target, returns);
  return readOperation({ ...request, resolved: entity });
}

/** A user's handler's answer, checked against the return type: a wrong one is the handler's defect (a 500, logged). */
function handledResult(request: OperationRequest, target: ResolvedOperation, value: unknown): OperationResult {
  const returns = target.operation.returnType;
  if (!returns) return { status: 204 };
  const problem = checkValue(request.service.model, returns, value);
  if (problem !== undefined) throw odataErrors.handlerFailed(`of '${target.operation.qualifiedName}'`, `it returned a value that ${problem}`);
  if (returns.typeKind !== 'entity') return composedResult(request, target, returns, value);
  if (value === null) return { status: 204 };
  const context = request.format.metadata === 'none' ? {} : { '@odata.context': contextUrl(request.baseUrl, returns.collection ? `Collection(${returns.type})` : `${returns.type}/$entity`) };
  const asEntity = (entity: unknown) => (isStored(entity) ? { ...entity.properties } : entity);
  return { status: 200, body: returns.collection ? { ...context, value: (value as unknown[]).map(asEntity) } : { ...context, ...(asEntity(value) as object) } };
}

const isStored = (value: unknown): value is StoredEntity =>
  typeof value === 'object' && value !== null && 'properties' in value && 'path' in value && 'seq' in value;

export const invokeOperation: OperationHandler = (request) => {
  const target = expectTarget(request.resolved, 'operation');
  const { operation } = target;
  const { model } = request.service;
  const parameters = operation.kind === 'action' ? bindActionParameters(model, operation, request.body) : (target.parameters ?? {});
  const answer = request.userHandlers?.operation(operation, { request, parameters, binding: bindingOf(request, target) });
  if (answer !== undefined) return handledResult(request, target, answer.value);
  const returns = operation.returnType;
  // Graph's delta query: the state and then the changes of the binding collection (odata/delta/).
  if (isDeltaCall(target)) return answerDelta(request, target);
  if (returns?.typeKind === 'entity') return entityResult(request, target, returns);
  allowOptions(request.query, ['format'], `the result of '${operation.qualifiedName}'`);
  if (!returns) return { status: 204 };
  const value = operation.kind === 'action' && returns.type === 'Edm.Boolean' && !returns.collection
    ? true
    : sampleValue(model, returns, seededRandom(seedOf(target, parameters)));
  return composedResult(request, target, returns, value);
};
