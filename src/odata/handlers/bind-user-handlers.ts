import type { EdmUnboundOperation } from '../../edm/model.js';
import type { StoredEntity } from '../../store/memory-store.js';
import { ODataError, odataErrors } from '../errors.js';
import { parseJsonBody } from '../lossless-json.js';
import { JsonText, stringifyJson } from '../response-json.js';
import type { BoundHooks, CrudStep, HandlerAnswer, OperationRequest, OperationResult, UserHandlers } from './handler.js';
import { entityCopy, handlerStore } from './handler-store.js';
import { resultShapeProblem } from './result-shape.js';
import type { AnyEntity, EntitySetHooks, HandlerContext, Handlers, OperationHandlerFunction } from './user-handlers.js';

// A user's handler module, checked once when it is loaded and bound for the pipeline
// (UserHandlers): each call gets its context, and whatever a handler does wrong (throws
// something that is not an OData error, returns a promise or a value of the wrong shape) is a
// 500 naming it, never a crash of the server.

type HookName = `${'before' | 'after'}${CrudStep}`;
const HOOK_NAMES: readonly HookName[] = [
  'beforeCreate', 'afterCreate', 'beforeRead', 'afterRead', 'beforeList', 'afterList', 'beforeUpdate', 'afterUpdate', 'beforeDelete', 'afterDelete',
];

type AnyHook = (ctx: never) => unknown;

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Runs a handler: an OData error it throws is the answer; anything else it throws is its failure, answered 500. */
function runHandler(label: string, run: () => unknown): unknown {
  let value: unknown;
  try {
    value = run();
  } catch (error) {
    if (error instanceof ODataError) throw error;
    throw odataErrors.handlerFailed(label, messageOf(error), error);
  }
  if (typeof (value as { then?: unknown } | null | undefined)?.then === 'function') {
    throw odataErrors.handlerFailed(label, 'it returned a promise, and handlers are synchronous (their writes and the answer happen in one turn)');
  }
  return value;
}

const baseContext = (request: OperationRequest): HandlerContext => ({
  service: request.prefix, session: request.sessionId, store: handlerStore(request), errors: odataErrors,
});

/** Checks a handler module's shape when it is loaded, so that a misspelt hook is an error at startup, not a hook that never runs. */
export function checkHandlers(handlers: unknown, source: string): asserts handlers is Handlers {
  if (!isPlainObject(handlers)) throw new Error(`${source}: the default export must be an object ({ operations, entitySets })`);
  for (const name of Object.keys(handlers)) {
    if (name !== 'operations' && name !== 'entitySets') throw new Error(`${source}: '${name}' is neither 'operations' nor 'entitySets'`);
  }
  const { operations, entitySets } = handlers;
  if (operations !== undefined) {
    if (!isPlainObject(operations)) throw new Error(`${source}: 'operations' must be an object of functions by operation name`);
    for (const [name, handler] of Object.entries(operations)) if (typeof handler !== 'function') throw new Error(`${source}: operations['${name}'] is not a function`);
  }
  if (entitySets !== undefined) {
    if (!isPlainObject(entitySets)) throw new Error(`${source}: 'entitySets' must be an object of hooks by entity set name`);
    for (const [set, hooks] of Object.entries(entitySets)) {
      if (!isPlainObject(hooks)) throw new Error(`${source}: entitySets.${set} must be an object of hooks`);
      for (const [name, hook] of Object.entries(hooks)) {
        if (!HOOK_NAMES.includes(name as HookName)) throw new Error(`${source}: entitySets.${set}.${name} is not a hook (${HOOK_NAMES.join(', ')})`);
        if (typeof hook !== 'function') throw new Error(`${source}: entitySets.${set}.${name} is not a function`);
      }
    }
  }
}

/** The answered entity handed to an after-hook, and the answer made of what it returns. */
function answeredEntity(label: string, result: OperationResult, stored: StoredEntity, run: (entity: AnyEntity) => unknown): OperationResult {
  if (!(result.body instanceof JsonText)) {
    run(entityCopy(stored));
    return result;
  }
  const entity = parseJsonBody(result.body.text) as AnyEntity;
  const answer = run(entity) ?? entity;
  if (!isPlainObject(answer)) throw odataErrors.handlerFailed(label, 'it returned something other than an object; an entity is one');
  return { ...result, body: new JsonText(stringifyJson(answer)) };
}

function bindSet(set: string, hooks: EntitySetHooks): BoundHooks {
  const label = (name: HookName): string => `entitySets.${set}.${name}`;
  const run = (name: HookName, request: OperationRequest, members: object): unknown =>
    runHandler(label(name), () => (hooks[name] as AnyHook)({ ...baseContext(request), entitySet: set, ...members } as never));
  /** What a before-hook of a write returns is the body; without a return, the body it was given (perhaps changed). */
  const writeBody = (name: HookName, request: OperationRequest, body: unknown, members: object): unknown => {
    if (hooks[name] === undefined || !isPlainObject(body)) return body;
    return run(name, request, { ...members, body }) ?? body;
  };
  return {
    has: (name) => hooks[name] !== undefined,
    beforeCreate: (request, body) => writeBody('beforeCreate', request, body, {}),
    beforeUpdate: (request, body, entity, replace) => writeBody('beforeUpdate', request, body, { key: entity.key, entity: entityCopy(entity), replace }),
    beforeRead: (request, key) => { if (hooks.beforeRead) run('beforeRead', request, { key }); },
    beforeList: (request) => { if (hooks.beforeList) run('beforeList', request, {}); },
    beforeDelete: (request, entity) => { if (hooks.beforeDelete) run('beforeDelete', request, { key: entity.key, entity: entityCopy(entity) }); },
    afterDelete: (request, entity) => { if (hooks.afterDelete) run('afterDelete', request, { key: entity.key, entity: entityCopy(entity) }); },
    afterEntity: (step, request, result, stored) => {
      const name: HookName = `after${step}`;
      if (hooks[name] === undefined) return result;
      return answeredEntity(label(name), result, stored, (entity) => run(name, request, { key: stored.key, entity }));
    },
    afterList: (request, items) => {
      if (hooks.afterList === undefined) return items;
      const entities = items.map((item) => parseJsonBody(item) as AnyEntity);
      const answer = run('afterList', request, { entities }) ?? entities;
      if (!Array.isArray(answer) || !answer.every(isPlainObject)) throw odataErrors.handlerFailed(label('afterList'), 'it returned something other than an array of objects');
      return answer.map((entity) => stringifyJson(entity));
    },
  };
}

/** A handler module bound for the pipeline; `source` names it in the errors of its shape. */
export function bindHandlers(handlers: unknown, source = 'handlers'): UserHandlers {
  checkHandlers(handlers, source);
  const operations = new Map<string, [string, OperationHandlerFunction]>(Object.entries(handlers.operations ?? {}).map(([name, handler]) => [name, [name, handler]]));
  const sets = new Map<string, BoundHooks>();
  for (const [set, hooks] of Object.entries(handlers.entitySets ?? {})) if (hooks !== undefined) sets.set(set, bindSet(set, hooks));
  return {
    operation: (operation: EdmUnboundOperation, call): HandlerAnswer | undefined => {
      const found = operations.get(operation.qualifiedName) ?? operations.get(operation.name);
      if (found === undefined) return undefined;
      const [name, handler] = found;
      const label = `operations['${name}']`;
      const { binding } = call;
      const context = {
        ...baseContext(call.request),
        operation: { name: operation.name, qualifiedName: operation.qualifiedName, kind: operation.kind },
        parameters: call.parameters,
        binding: binding === undefined ? undefined : Array.isArray(binding) ? binding.map(entityCopy) : entityCopy(binding as StoredEntity),
      };
      const value = runHandler(label, () => handler(context));
      const problem = resultShapeProblem(operation, value);
      if (problem !== undefined) throw odataErrors.handlerFailed(label, `it ${problem}`);
      return { value };
    },
    hooks: (set) => sets.get(set),
  };
}
