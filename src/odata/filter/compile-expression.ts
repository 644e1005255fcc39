import { odataErrors } from '../errors.js';
import { entityTypeInfo, isDerivedFrom, resolveEntityTypeName, type ODataService } from '../service.js';
import type { BinaryOperator, Expression } from './ast.js';
import { doubleHoldsExactly, integerValue, normalInteger } from '../exact-number.js';
import { durationSeconds, instant, isCalendarDate } from './edm-values.js';
import { FUNCTIONS, type FunctionSignature } from './filter-functions.js';
import {
  BOOLEAN, describe, family, INTEGRAL, keyOf, NUMERIC, propertyType, STRING, type Compiled, type Evaluator, type Scope, type ValueType,
} from './value-types.js';

export type { Compiled, Evaluator, Scope, ValueType } from './value-types.js';

// Type-checks an expression AST against the model and compiles it into a closure. Every name,
// operator and function is checked once per request, here; evaluation per entity only runs
// the closures. Semantics follow URL Conventions §5.1.1: comparisons with null are false except
// eq/ne, arithmetic and functions propagate null, strings compare ordinally, DateTimeOffsets by
// instant, enums by member value.

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

interface Context {
  service: ODataService;
  optionName: string;
  /** Lambda variable -> item type; `$it` is the entity. */
  variables: Map<string, ValueType>;
}

function fail(context: Context, message: string, position: number): never {
  throw odataErrors.badRequest(`${message} at position ${position}.`, context.optionName);
}

function compiled(context: Context, type: ValueType, evaluate: Evaluator): Compiled {
  return { type, evaluate, key: keyOf(context.service, type) };
}

function compileMember(context: Context, expression: Expression & { kind: 'member' }): Compiled {
  const { service } = context;
  const variable = expression.variable ?? '$it';
  const rootType = context.variables.get(variable);
  if (!rootType) return fail(context, `Unknown lambda variable '${variable}'`, expression.position);
  let type = rootType;
  // Each step reads a property of the value so far; a type cast only narrows the entity type.
  const steps: ((value: unknown, scope: Scope) => unknown)[] = [];
  for (const segment of expression.path) {
    if (type.kind === 'entity') {
      if (segment.includes('.')) {
        const cast = resolveEntityTypeName(service, segment);
        if (!cast || !isDerivedFrom(service, cast, type.name)) fail(context, `'${segment}' is not a type derived from '${type.name}'`, expression.position);
        steps.push((value, scope) => (isDerivedFrom(service, scope.itType, cast) ? value : null));
        type = { kind: 'entity', name: cast };
        continue;
      }
      const info = entityTypeInfo(service, type.name);
      const property = info.properties.get(segment);
      if (!property) {
        if (info.navigation.has(segment)) fail(context, `The navigation property '${segment}' cannot be used in ${context.optionName} yet`, expression.position);
        fail(context, `Could not find a property named '${segment}' on type '${type.name}'`, expression.position);
      }
      steps.push((value) => (value as Record<string, unknown> | null)?.[segment] ?? null);
      type = propertyType(property);
    } else if (type.kind === 'complex') {
      const complex = service.model.complexTypes[type.name];
      const property = complex?.properties.find((p) => p.name === segment);
      if (!property) fail(context, `Could not find a property named '${segment}' on type '${type.name}'`, expression.position);
      steps.push((value) => (value as Record<string, unknown> | null)?.[segment] ?? null);
      type = propertyType(property);
    } else {
      fail(context, `'${segment}' cannot follow a value of type '${describe(type)}'`, expression.position);
    }
  }
  const read = (scope: Scope): unknown => (variable === '$it' ? scope.it : scope.vars[variable]);
  if (steps.length === 0) return compiled(context, type, (scope) => read(scope));
  const [only] = expression.path;
  if (variable === '$it' && expression.path.length === 1 && only !== undefined && !only.includes('.')) {
    // The common case, `property op literal`: one direct read per entity.
    return compiled(context, type, (scope) => scope.it[only] ?? null);
  }
  return compiled(context, type, (scope) => {
    let value = read(scope);
    for (const step of steps) {
      if (value === null || value === undefined) return null;
      value = step(value, scope);
    }
    return value ?? null;
  });
}

function compileLiteral(context: Context, expression: Expression & { kind: 'literal' }): Compiled {
  const constant = (type: ValueType, value: unknown) => compiled(context, type, () => value);
  switch (expression.literal) {
    case 'null': return constant({ kind: 'null' }, null);
    case 'boolean': return constant(BOOLEAN, expression.value);
    case 'integer': {
      // ABNF int64Value. Read exactly: beyond 2^53 a BigInt, which JavaScript compares exactly with
      // the stored Int64 values (numbers within 2^53, BigInts beyond), so no digit is lost.
      const value = BigInt(expression.text);
      if (value < INT64_MIN || value > INT64_MAX) fail(context, `'${expression.text}' is out of range for Edm.Int64`, expression.position);
      return constant({ kind: 'primitive', name: value >= -2147483648n && value <= 2147483647n ? 'Edm.Int32' : 'Edm.Int64' }, normalInteger(value));
    }
    case 'decimal': {
      // An integer written with a fraction (9007199254740993.0) keeps its value; other decimals are doubles.
      const value = expression.value as number;
      const integer = doubleHoldsExactly(expression.text, value) ? undefined : integerValue(expression.text);
      return constant({ kind: 'primitive', name: 'Edm.Decimal' }, integer === undefined ? value : normalInteger(integer));
    }
    case 'double':
      if (!Number.isFinite(expression.value) && expression.text !== 'INF' && expression.text !== 'NaN') fail(context, `'${expression.text}' is out of range for Edm.Double`, expression.position);
      return constant({ kind: 'primitive', name: 'Edm.Double' }, expression.value);
    case 'string': return constant(STRING, expression.value);
    case 'dateTimeOffset':
      if (instant(expression.text) === undefined) fail(context, `'${expression.text}' is not a valid DateTimeOffset`, expression.position);
      return constant({ kind: 'primitive', name: 'Edm.DateTimeOffset' }, expression.text);
    case 'date':
      if (!isCalendarDate(expression.text)) fail(context, `'${expression.text}' is not a valid Date`, expression.position);
      return constant({ kind: 'primitive', name: 'Edm.Date' }, expression.text);
    case 'timeOfDay': return constant({ kind: 'primitive', name: 'Edm.TimeOfDay' }, expression.text);
    case 'guid': return constant({ kind: 'primitive', name: 'Edm.Guid' }, expression.text);
    case 'duration':
      if (durationSeconds(expression.text) === undefined) fail(context, `'${expression.text}' is not a valid Duration`, expression.position);
      return constant({ kind: 'primitive', name: 'Edm.Duration' }, expression.text);
    case 'enum': {
      const enumName = enumTypeName(context, expression.enumType as string, expression.position);
      checkEnumMembers(context, enumName, expression.text, expression.position);
      return constant({ kind: 'enum', name: enumName }, expression.text);
    }
    default: return fail(context, 'Unknown literal', expression.position);
  }
}

function enumTypeName(context: Context, written: string, position: number): string {
  const dot = written.lastIndexOf('.');
  const namespace = dot > 0 ? context.service.namespaces.get(written.slice(0, dot)) : undefined;
  const qualified = namespace ? `${namespace}.${written.slice(dot + 1)}` : written;
  if (!context.service.model.enumTypes[qualified]) fail(context, `'${written}' is not an enum type`, position);
  return qualified;
}

function checkEnumMembers(context: Context, enumName: string, text: string, position: number): void {
  const enumType = context.service.model.enumTypes[enumName];
  const names = new Set(enumType?.members.map((m) => m.name));
  const given = text.split(',');
  if ((!enumType?.isFlags && given.length > 1) || given.some((name) => !names.has(name))) {
    fail(context, `'${text}' is not a member of the enum type '${enumName}'`, position);
  }
}

/** A string literal compared with an enum stands for a member name (URL Conventions §5.1.1.6.1). */
function coerceEnumLiteral(context: Context, operand: Compiled, other: Compiled, expression: Expression): Compiled {
  if (other.type.kind === 'enum' && operand.type.kind === 'primitive' && operand.type.name === 'Edm.String' && expression.kind === 'literal') {
    checkEnumMembers(context, other.type.name, String(expression.value), expression.position);
    return compiled(context, other.type, operand.evaluate);
  }
  return operand;
}

function checkComparable(context: Context, left: Compiled, right: Compiled, operator: string, position: number): void {
  if (left.type.kind === 'null' || right.type.kind === 'null') return;
  const leftFamily = family(left.type);
  if (leftFamily !== family(right.type) || ['collection', 'complex', 'entity'].includes(left.type.kind)) {
    fail(context, `The operator '${operator}' cannot compare '${describe(left.type)}' with '${describe(right.type)}'`, position);
  }
}

function compileComparison(context: Context, operator: BinaryOperator, leftRaw: Compiled, rightRaw: Compiled, expression: Expression & { kind: 'binary' }): Compiled {
  const left = coerceEnumLiteral(context, leftRaw, rightRaw, expression.left);
  const right = coerceEnumLiteral(context, rightRaw, left, expression.right);
  checkComparable(context, left, right, operator, expression.position);
  const typed = left.type.kind !== 'null' ? left : right;
  const key = typed.key;
  const l = left.evaluate;
  const r = right.evaluate;
  const compare = (a: unknown, b: unknown): number => {
    const ka = key(a) as number | string;
    const kb = key(b) as number | string;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
  switch (operator) {
    case 'eq': return compiled(context, BOOLEAN, (s) => { const a = l(s); const b = r(s); return a === null || b === null ? a === b : compare(a, b) === 0; });
    case 'ne': return compiled(context, BOOLEAN, (s) => { const a = l(s); const b = r(s); return a === null || b === null ? a !== b : compare(a, b) !== 0; });
    default: {
      const test = { gt: (c: number) => c > 0, ge: (c: number) => c >= 0, lt: (c: number) => c < 0, le: (c: number) => c <= 0 }[operator as 'gt' | 'ge' | 'lt' | 'le'];
      return compiled(context, BOOLEAN, (s) => { const a = l(s); const b = r(s); return a === null || b === null ? false : test(compare(a, b)); });
    }
  }
}

function compileArithmetic(context: Context, operator: BinaryOperator, left: Compiled, right: Compiled, position: number): Compiled {
  for (const operand of [left, right]) {
    if (operand.type.kind !== 'null' && !(operand.type.kind === 'primitive' && NUMERIC.has(operand.type.name))) {
      fail(context, `The operator '${operator}' needs numbers, not '${describe(operand.type)}'`, position);
    }
  }
  const integral = [left, right].every((o) => o.type.kind === 'primitive' && INTEGRAL.has(o.type.name));
  const resultType: ValueType = { kind: 'primitive', name: integral && operator !== 'divby' ? 'Edm.Int64' : 'Edm.Double' };
  const apply: (a: number, b: number) => number | null = {
    add: (a: number, b: number) => a + b,
    sub: (a: number, b: number) => a - b,
    mul: (a: number, b: number) => a * b,
    // URL Conventions §5.1.1.2.4: div of integers truncates; divby always divides exactly.
    div: (a: number, b: number) => (integral ? (b === 0 ? null : Math.trunc(a / b)) : a / b),
    divby: (a: number, b: number) => a / b,
    mod: (a: number, b: number) => (b === 0 ? null : a % b),
  }[operator as 'add'] ;
  const l = left.evaluate;
  const r = right.evaluate;
  return compiled(context, resultType, (s) => { const a = l(s); const b = r(s); return a === null || b === null ? null : apply(Number(a), Number(b)); });
}

function requireBoolean(context: Context, operand: Compiled, what: string, position: number): void {
  if (operand.type.kind !== 'null' && !(operand.type.kind === 'primitive' && operand.type.name === 'Edm.Boolean')) {
    fail(context, `${what} needs a boolean, not '${describe(operand.type)}'`, position);
  }
}

function compileCall(context: Context, expression: Expression & { kind: 'call' }): Compiled {
  const overloads = Object.hasOwn(FUNCTIONS, expression.name) ? FUNCTIONS[expression.name] : undefined;
  if (!overloads) return fail(context, `Unknown function '${expression.name}'`, expression.position);
  const args = expression.args.map((arg) => compileNode(context, arg));
  const fits = (signature: FunctionSignature) => signature.parameters.length === args.length
    && args.every((arg, i) => arg.type.kind === 'null' || (arg.type.kind === 'primitive' && (signature.parameters[i] as string[]).includes(arg.type.name)));
  const signature = overloads.find(fits);
  if (!signature) {
    const expected = overloads.map((o) => `${expression.name}(${o.parameters.map((p) => p.join('|')).join(', ')})`).join(' or ');
    return fail(context, `'${expression.name}' cannot take (${args.map((a) => describe(a.type)).join(', ')}); expected ${expected}`, expression.position);
  }
  const evaluators = args.map((a) => a.evaluate);
  return compiled(context, signature.result, (s) => {
    const values = evaluators.map((e) => e(s));
    return values.some((v) => v === null || v === undefined) ? null : signature.apply(...values);
  });
}

function compileLambda(context: Context, expression: Expression & { kind: 'lambda' }): Compiled {
  const collection = compileMember(context, expression.collection);
  if (collection.type.kind !== 'collection') fail(context, `'${expression.operator}' needs a collection, not '${describe(collection.type)}'`, expression.position);
  const items = collection.evaluate;
  if (!expression.predicate || expression.variable === undefined) {
    return compiled(context, BOOLEAN, (s) => { const list = items(s); return Array.isArray(list) && list.length > 0; });
  }
  const variables = new Map(context.variables).set(expression.variable, (collection.type as { item: ValueType }).item);
  const predicate = compileNode({ ...context, variables }, expression.predicate);
  requireBoolean(context, predicate, `The '${expression.operator}' predicate`, expression.predicate.position);
  const variable = expression.variable;
  const test = predicate.evaluate;
  const check = (s: Scope, item: unknown) => test({ ...s, vars: { ...s.vars, [variable]: item } }) === true;
  return expression.operator === 'any'
    ? compiled(context, BOOLEAN, (s) => { const list = items(s); return Array.isArray(list) && list.some((item) => check(s, item)); })
    : compiled(context, BOOLEAN, (s) => { const list = items(s); return !Array.isArray(list) || list.every((item) => check(s, item)); });
}

function compileNode(context: Context, expression: Expression): Compiled {
  switch (expression.kind) {
    case 'literal': return compileLiteral(context, expression);
    case 'member': return compileMember(context, expression);
    case 'call': return compileCall(context, expression);
    case 'lambda': return compileLambda(context, expression);
    case 'not': {
      const operand = compileNode(context, expression.operand);
      requireBoolean(context, operand, "'not'", expression.position);
      const evaluate = operand.evaluate;
      return compiled(context, BOOLEAN, (s) => { const v = evaluate(s); return v === null ? null : !v; });
    }
    case 'negate': {
      const operand = compileNode(context, expression.operand);
      if (!(operand.type.kind === 'primitive' && NUMERIC.has(operand.type.name))) fail(context, `'-' needs a number, not '${describe(operand.type)}'`, expression.position);
      const evaluate = operand.evaluate;
      return compiled(context, operand.type, (s) => { const v = evaluate(s); return v === null ? null : typeof v === 'bigint' ? normalInteger(-v) : -Number(v); });
    }
    case 'in': {
      const operand = compileNode(context, expression.operand);
      const list = expression.list.map((item) => coerceEnumLiteral(context, compileNode(context, item), operand, item));
      for (const item of list) checkComparable(context, operand, item, 'in', expression.position);
      const key = operand.key;
      const evaluate = operand.evaluate;
      const values = list.map((item) => item.evaluate);
      return compiled(context, BOOLEAN, (s) => {
        const v = evaluate(s);
        if (v === null) return values.some((item) => item(s) === null);
        const k = key(v);
        return values.some((item) => { const candidate = item(s); return candidate !== null && key(candidate) === k; });
      });
    }
    case 'binary': {
      const left = compileNode(context, expression.left);
      const right = compileNode(context, expression.right);
      const { operator } = expression;
      if (operator === 'and' || operator === 'or') {
        requireBoolean(context, left, `'${operator}'`, expression.position);
        requireBoolean(context, right, `'${operator}'`, expression.position);
        const l = left.evaluate;
        const r = right.evaluate;
        // Three-valued logic (URL Conventions §5.1.1.1.x): null and false is false, null or true is true.
        return operator === 'and'
          ? compiled(context, BOOLEAN, (s) => { const a = l(s); if (a === false) return false; const b = r(s); return b === false ? false : a === null || b === null ? null : true; })
          : compiled(context, BOOLEAN, (s) => { const a = l(s); if (a === true) return true; const b = r(s); return b === true ? true : a === null || b === null ? null : false; });
      }
      if (operator === 'has') {
        if (left.type.kind !== 'enum' || right.type.kind !== 'enum' || left.type.name !== right.type.name || !context.service.model.enumTypes[left.type.name]?.isFlags) {
          fail(context, `'has' needs a flags enum on the left and a member of the same enum on the right`, expression.position);
        }
        const l = left.evaluate;
        const r = right.evaluate;
        const key = left.key as (v: unknown) => number;
        return compiled(context, BOOLEAN, (s) => { const a = l(s); const b = r(s); if (a === null || b === null) return null; const flag = key(b); return (key(a) & flag) === flag; });
      }
      if (['eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(operator)) return compileComparison(context, operator, left, right, expression);
      return compileArithmetic(context, operator, left, right, expression.position);
    }
    default: return fail(context, 'Unsupported expression', (expression as Expression).position);
  }
}

/** A compiled $filter: the entity passes when the expression is true (null and false both fail). */
export function compileFilter(service: ODataService, entityType: string, expression: Expression): (itType: string, it: Record<string, unknown>) => boolean {
  const context: Context = { service, optionName: '$filter', variables: new Map([['$it', { kind: 'entity', name: entityType }]]) };
  const result = compileNode(context, expression);
  requireBoolean(context, result, 'The $filter expression', expression.position);
  if (result.type.kind === 'null') fail(context, 'The $filter expression needs a boolean, not null', expression.position);
  const evaluate = result.evaluate;
  // One scope reused across entities: evaluation is synchronous and lambdas copy it.
  const scope: Scope = { it: {}, itType: entityType, vars: {} };
  return (itType, it) => {
    scope.it = it;
    scope.itType = itType;
    return evaluate(scope) === true;
  };
}

/** A compiled $orderby key: a primitive or enum value of the entity, with its comparable form. */
export function compileOrderKey(service: ODataService, entityType: string, expression: Expression): Compiled {
  const context: Context = { service, optionName: '$orderby', variables: new Map([['$it', { kind: 'entity', name: entityType }]]) };
  const result = compileNode(context, expression);
  if (result.type.kind !== 'primitive' && result.type.kind !== 'enum') fail(context, `Cannot order by a value of type '${describe(result.type)}'`, expression.position);
  return result;
}
