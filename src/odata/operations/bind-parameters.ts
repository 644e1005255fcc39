import type { EdmModel, EdmParameter, EdmUnboundOperation } from '../../edm/model.js';
import { odataErrors } from '../errors.js';
import type { QueryOptions } from '../query/query-options.js';
import type { FunctionCallText } from './call-syntax.js';
import { checkValue } from './parameter-values.js';
import { readLiteral } from './url-literals.js';

// The parameters of a call, bound to the operation's declaration: a function's from its URL
// (inline, through `@alias` query options, or in 4.01 as query options of their own), an
// action's from the JSON body. Each is checked against its type; a parameter that is missing and
// not nullable, unknown, or not of its type is a 400 naming it.

export type ParameterValues = Record<string, unknown>;

/** Where the URL gives a function parameter: inline in the call, or as a query option (4.01). */
function givenText(call: FunctionCallText, query: QueryOptions | undefined, name: string): string | undefined {
  return call.args?.get(name) ?? query?.custom?.get(name);
}

/**
 * The overload the call means (CSDL 12.2: overloads of a function differ by the names of their
 * parameters): one whose parameters include every name given, the fewest missing first.
 */
export function chooseOverload<O extends EdmUnboundOperation>(overloads: O[], call: FunctionCallText, query: QueryOptions | undefined): O {
  const declared = new Set(overloads.flatMap((o) => o.parameters.map((p) => p.name)));
  // Query options name parameters only where some overload declares them; others are custom options.
  const given = new Set([...(call.args?.keys() ?? []), ...[...(query?.custom?.keys() ?? [])].filter((name) => declared.has(name))]);
  const score = (o: O) => {
    const names = new Set(o.parameters.map((p) => p.name));
    const unknown = [...given].filter((name) => !names.has(name)).length;
    const missing = o.parameters.filter((p) => !given.has(p.name) && !p.nullable).length;
    return unknown * 1000 + missing * 10 + (o.parameters.length - given.size);
  };
  return overloads.reduce((best, o) => (score(o) < score(best) ? o : best));
}

function checked(model: EdmModel, operation: EdmUnboundOperation, parameter: EdmParameter, value: unknown): unknown {
  const problem = checkValue(model, parameter, value);
  if (problem !== undefined) throw odataErrors.invalidParameter(operation.qualifiedName, parameter.name, problem);
  return value;
}

/** A function's parameters from its URL, aliases resolved, each read and checked. */
export function bindFunctionParameters(model: EdmModel, operation: EdmUnboundOperation, call: FunctionCallText, query: QueryOptions | undefined): ParameterValues {
  const declared = new Set(operation.parameters.map((p) => p.name));
  for (const name of call.args?.keys() ?? []) {
    if (!declared.has(name)) throw odataErrors.invalidParameter(operation.qualifiedName, name, 'is not a parameter of this function');
  }
  const values: ParameterValues = {};
  for (const parameter of operation.parameters) {
    let text = givenText(call, query, parameter.name);
    // URL Conventions §5.5: an alias the query does not define is null.
    if (text?.startsWith('@')) text = query?.aliases?.get(text) ?? 'null';
    if (text === undefined) {
      if (!parameter.nullable) throw odataErrors.invalidParameter(operation.qualifiedName, parameter.name, 'is missing, and it is not nullable');
      values[parameter.name] = null;
      continue;
    }
    const reading = readLiteral(model, parameter, text);
    if ('problem' in reading) throw odataErrors.invalidParameter(operation.qualifiedName, parameter.name, reading.problem);
    values[parameter.name] = checked(model, operation, parameter, reading.value);
  }
  return values;
}

/** An action's parameters from its JSON body (Protocol §11.5.4.1); no body is no parameters. */
export function bindActionParameters(model: EdmModel, operation: EdmUnboundOperation, body: unknown): ParameterValues {
  const given = body === undefined || body === null || body === '' ? {} : body;
  if (typeof given !== 'object' || Array.isArray(given)) throw odataErrors.bodyNotObject();
  const members = given as Record<string, unknown>;
  const declared = new Map(operation.parameters.map((p) => [p.name, p]));
  for (const name of Object.keys(members)) {
    if (!name.includes('@') && !declared.has(name)) throw odataErrors.invalidParameter(operation.qualifiedName, name, 'is not a parameter of this action');
  }
  const values: ParameterValues = {};
  for (const parameter of operation.parameters) {
    if (!Object.hasOwn(members, parameter.name)) {
      if (!parameter.nullable) throw odataErrors.invalidParameter(operation.qualifiedName, parameter.name, 'is missing, and it is not nullable');
      continue;
    }
    values[parameter.name] = checked(model, operation, parameter, members[parameter.name]);
  }
  return values;
}
