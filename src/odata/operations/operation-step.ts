import { operationSource } from '../../contract/routes.js';
import type { EdmOperation, EdmUnboundOperation } from '../../edm/model.js';
import type { MemoryStore } from '../../store/memory-store.js';
import { odataErrors } from '../errors.js';
import type { ComposedValue, ResolvedCollection, ResolvedEntity, ResolvedOperation } from '../path/resolved-path.js';
import type { QueryOptions } from '../query/query-options.js';
import type { ODataService } from '../service.js';
import { bindFunctionParameters, chooseOverload } from './bind-parameters.js';
import { parseCallText } from './call-syntax.js';
import { resultCollection, resultEntity } from './result-entities.js';

// A path segment that calls an action or function (URL Conventions §4.5): which overload, with
// which parameters, and what the path addresses after it. A composable function returning
// entities composes (CSDL 12.4): the segments after it address its result as they would address
// the collection or entity it returns; one returning other values takes `$count` or a property of
// its result. Anything else ends the path.

export interface CallSite {
  service: ODataService;
  store: MemoryStore;
  query?: QueryOptions;
}

export type OperationStep = { result: ResolvedOperation } | { next: ResolvedCollection | ResolvedEntity };

interface Called {
  binding?: ResolvedCollection | ResolvedEntity;
  entitySet?: string;
  source: string;
  contextPath: string;
}

function step(site: CallSite, overloads: EdmUnboundOperation[], raw: string, after: { raw: string }[], called: Called): OperationStep {
  const call = parseCallText(raw);
  const [first] = overloads as [EdmUnboundOperation];
  const [following] = after;
  if (first.kind === 'action') {
    if ((call.args?.size ?? 0) > 0) throw odataErrors.invalidUrl(`the action '${first.qualifiedName}' takes its parameters in the body, not in '${call.name}(...)'`);
    if (following) throw odataErrors.badRequest(`'${following.raw}' cannot follow the action '${first.qualifiedName}': the result of an action does not compose.`, following.raw);
    return { result: { kind: 'operation', operation: first, type: first.returnType?.type ?? 'Edm.Untyped', ...called } };
  }
  const operation = chooseOverload(overloads, call, site.query);
  const parameters = bindFunctionParameters(site.service.model, operation, call, site.query);
  if (!following) return { result: { kind: 'operation', operation, type: operation.returnType?.type ?? 'Edm.Untyped', parameters, ...called } };
  const returns = operation.returnType;
  if (!operation.composable) throw odataErrors.badRequest(`'${following.raw}' cannot follow the function '${operation.qualifiedName}': it is not composable.`, following.raw);
  if (returns?.typeKind !== 'entity') {
    const compose = composedValue(site.service, operation, after);
    return { result: { kind: 'operation', operation, type: returns?.type ?? 'Edm.Untyped', parameters, ...called, compose } };
  }
  const source = { operation, ...(called.binding ? { binding: called.binding } : {}), ...(called.entitySet === undefined ? {} : { entitySet: called.entitySet }) };
  if (returns.collection) {
    const collection = resultCollection(site.service, source, returns.type);
    // No set holds the result (an EntitySetPath through a containment, say): the call answers an
    // empty collection, so its $count is 0; nothing else of it can be addressed.
    if (!collection && following.raw === '$count' && after.length === 1) {
      return { result: { kind: 'operation', operation, type: returns.type, parameters, ...called, compose: { kind: 'count' } } };
    }
    if (!collection) throw odataErrors.segmentNotFound(following.raw);
    return { next: collection };
  }
  const entity = resultEntity(site.service, site.store, source, returns.type);
  // Protocol §11.5.3.1: a result that is a 4xx stops the composition there.
  if (!entity.entity && !returns.nullable) throw odataErrors.noFunctionResult(operation.qualifiedName, returns.type);
  return { next: entity };
}

/**
 * The segments after a composable function whose result is not entities: `$count` of a
 * collection, or a property of a complex result and then perhaps its `$value`; nothing else
 * addresses a part of such a value.
 */
function composedValue(service: ODataService, operation: EdmUnboundOperation, after: { raw: string }[]): ComposedValue {
  const returns = operation.returnType;
  const [first, second, third] = after as [{ raw: string }, { raw: string } | undefined, { raw: string } | undefined];
  if (first.raw === '$count' && returns?.collection) {
    if (second) throw odataErrors.segmentNotFound(second.raw);
    return { kind: 'count' };
  }
  const complex = returns?.typeKind === 'complex' && !returns.collection ? service.model.complexTypes[returns.type] : undefined;
  const property = complex?.properties.find((p) => p.name === first.raw);
  if (!property) throw odataErrors.segmentNotFound(first.raw);
  const raw = second?.raw === '$value' && property.typeKind !== 'complex' && !property.collection;
  if ((second && !raw) || third) throw odataErrors.segmentNotFound((third ?? second)?.raw ?? first.raw);
  return { kind: 'property', property, raw };
}

/** A bound operation's segment, applied to `binding`. */
export function boundOperationStep(site: CallSite, binding: ResolvedCollection | ResolvedEntity, overloads: EdmOperation[], raw: string, after: { raw: string }[]): OperationStep {
  const [first] = overloads as [EdmOperation];
  return step(site, overloads, raw, after, { binding, source: operationSource(first), contextPath: `${binding.contextPath}/${first.qualifiedName}` });
}

/** The first segment when it names an action or function import (Protocol §11.5.4, §11.5.3); undefined when not. */
export function importStep(site: CallSite, name: string, raw: string, after: { raw: string }[]): OperationStep | undefined {
  const { container, unboundOperations } = site.service.model;
  const functionImport = Object.hasOwn(container.functionImports, name) ? container.functionImports[name] : undefined;
  const actionImport = Object.hasOwn(container.actionImports, name) ? container.actionImports[name] : undefined;
  const imported = functionImport ?? actionImport;
  if (!imported) return undefined;
  const qualifiedName = functionImport?.function ?? actionImport?.action;
  const kind = functionImport ? 'function' : 'action';
  const overloads = unboundOperations.filter((o) => o.kind === kind && o.qualifiedName === qualifiedName);
  const called: Called = { source: name, contextPath: name, ...(imported.entitySet === undefined ? {} : { entitySet: imported.entitySet }) };
  return step(site, overloads, raw, after, called);
}
