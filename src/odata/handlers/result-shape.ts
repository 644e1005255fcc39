import type { EdmUnboundOperation } from '../../edm/model.js';

// The shape a user's handler must give an operation's result (OData 4.01 JSON Format §5): an
// array for a collection, an object for a complex or entity value, a scalar otherwise. The values
// themselves are checked against the return type where the result is written (operations/invoke.ts).

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
