import type { EdmUnboundOperation } from '../../edm/model.js';
import { contextUrl, JsonText, stringifyJson } from '../response-json.js';
import type { OperationRequest, OperationResult } from './handler.js';

// The response to an action or function call (OData 4.01 Protocol §11.5.3.1, §11.5.4.1; JSON
// Format §5): a primitive, an enum value or a collection in `{"@odata.context", "value"}`, a
// complex or entity value as the object itself with its context in front; no content for an
// action that returns nothing, and for a null result.

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The shape a result must have for the operation's return type, or what is wrong with it.
 * Checked for values a user's handler returns; values edmock makes itself have it already.
 */
export function resultShapeProblem(operation: EdmUnboundOperation, value: unknown): string | undefined {
  const returns = operation.returnType;
  if (returns === undefined || value === undefined || value === null) return undefined;
  const typeName = returns.collection ? `Collection(${returns.type})` : returns.type;
  if (returns.collection) return Array.isArray(value) ? undefined : `returned ${describe(value)}; ${operation.qualifiedName} returns ${typeName}: an array`;
  const structured = returns.typeKind === 'complex' || returns.typeKind === 'entity';
  if (structured !== isPlainObject(value)) return `returned ${describe(value)}; ${operation.qualifiedName} returns ${typeName}${structured ? ': an object' : ''}`;
  return undefined;
}

const describe = (value: unknown): string => (Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);

/**
 * Answers an operation with `value`, which has the shape of its return type (resultShapeProblem
 * says none is wrong). `contextFragment` is the context URL's fragment when the
 * caller knows better than the return type (an entity set for entities: `People/$entity`).
 */
export function operationAnswer(request: OperationRequest, operation: EdmUnboundOperation, value: unknown, contextFragment?: string): OperationResult {
  const returns = operation.returnType;
  if (returns === undefined || value === undefined || value === null) return { status: 204 };
  const fragment = contextFragment ?? (returns.collection ? `Collection(${returns.type})` : returns.type);
  const context = request.format.metadata === 'none' ? {} : { '@odata.context': contextUrl(request.baseUrl, fragment) };
  const structured = !returns.collection && (returns.typeKind === 'complex' || returns.typeKind === 'entity');
  const body = structured ? { ...context, ...withoutContext(value as Record<string, unknown>) } : { ...context, value };
  return { status: 200, body: new JsonText(stringifyJson(body)) };
}

const withoutContext = (value: Record<string, unknown>): Record<string, unknown> => {
  if (!Object.hasOwn(value, '@odata.context')) return value;
  const { '@odata.context': _context, ...rest } = value;
  return rest;
};
