import type { BinaryOperator, Expression, LiteralKind } from './ast.js';
import { fail, KEYWORD_OPERATORS, tokenize, type Token } from './tokenize-expression.js';

// A recursive-descent parser for OData common expressions (URL Conventions §5.1.1, ABNF
// `commonExpr`). It is parsed once per request into an AST; the AST is type-checked and compiled
// into a predicate, never interpreted from the text. Nesting is capped so that a hostile
// `((((...` costs a fast 400 instead of a stack overflow.

export const MAX_EXPRESSION_DEPTH = 100;
/** Operators, calls and literals together: bounds compile and evaluation work per request. */
export const MAX_EXPRESSION_NODES = 1000;

const COMPARISON = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'has']);
const ADDITIVE = new Set(['add', 'sub']);
const MULTIPLICATIVE = new Set(['mul', 'div', 'divby', 'mod']);

class Parser {
  private index = 0;
  private depth = 0;
  private nodes = 0;

  constructor(private readonly tokens: Token[], private readonly optionName: string, private readonly variables: ReadonlySet<string>) {}

  private fail(message: string, position: number): never {
    return fail(message, position, this.optionName);
  }

  private get current(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    return this.tokens[this.index++] as Token;
  }

  private isWord(text: string): boolean {
    return this.current.type === 'word' && this.current.text === text;
  }

  private isPunct(text: string): boolean {
    return this.current.type === 'punct' && this.current.text === text;
  }

  private expectPunct(text: string): void {
    if (!this.isPunct(text)) this.fail(`Expected '${text}' but found ${this.describe(this.current)} in ${this.optionName}`, this.current.position);
    this.index++;
  }

  private describe(token: Token): string {
    return token.type === 'end' ? 'the end of the expression' : `'${token.text}'`;
  }

  /** Counts an AST node against the budget. */
  private count(position: number): void {
    if (++this.nodes > MAX_EXPRESSION_NODES) this.fail(`The ${this.optionName} expression has more than ${MAX_EXPRESSION_NODES} terms`, position);
  }

  private enter(position: number): void {
    if (++this.depth > MAX_EXPRESSION_DEPTH) this.fail(`The ${this.optionName} expression is nested more than ${MAX_EXPRESSION_DEPTH} levels deep`, position);
  }

  parseAll(): Expression {
    const expression = this.parseOr();
    if (this.current.type !== 'end') this.fail(`Unexpected ${this.describe(this.current)} in ${this.optionName}`, this.current.position);
    return expression;
  }

  /** Parses one expression and stops at a top-level comma or the end (for $orderby items). */
  parseItem(): Expression {
    return this.parseOr();
  }

  get atEnd(): boolean {
    return this.current.type === 'end';
  }

  get nextToken(): Token {
    return this.current;
  }

  skip(): Token {
    return this.next();
  }

  private binaryLevel(operators: ReadonlySet<string>, operand: () => Expression): Expression {
    let left = operand();
    while (this.current.type === 'word' && operators.has(this.current.text)) {
      const token = this.next();
      this.count(token.position);
      const right = operand();
      left = { kind: 'binary', operator: token.text as BinaryOperator, left, right, position: token.position };
    }
    return left;
  }

  parseOr(): Expression {
    return this.binaryLevel(new Set(['or']), () => this.parseAnd());
  }

  private parseAnd(): Expression {
    return this.binaryLevel(new Set(['and']), () => this.parseNot());
  }

  private parseNot(): Expression {
    if (this.isWord('not')) {
      const token = this.next();
      this.enter(token.position);
      const operand = this.parseNot();
      this.depth--;
      return { kind: 'not', operand, position: token.position };
    }
    return this.parseComparison();
  }

  private parseComparison(): Expression {
    const left = this.parseAdditive();
    if (this.current.type === 'word' && COMPARISON.has(this.current.text)) {
      const token = this.next();
      const right = this.parseAdditive();
      return { kind: 'binary', operator: token.text as BinaryOperator, left, right, position: token.position };
    }
    if (this.isWord('in')) {
      const token = this.next();
      this.expectPunct('(');
      const list: Expression[] = [];
      if (!this.isPunct(')')) {
        for (;;) {
          list.push(this.parseAdditive());
          if (!this.isPunct(',')) break;
          this.index++;
        }
      }
      this.expectPunct(')');
      return { kind: 'in', operand: left, list, position: token.position };
    }
    return left;
  }

  private parseAdditive(): Expression {
    return this.binaryLevel(ADDITIVE, () => this.parseMultiplicative());
  }

  private parseMultiplicative(): Expression {
    return this.binaryLevel(MULTIPLICATIVE, () => this.parseUnary());
  }

  private parseUnary(): Expression {
    if (this.isPunct('-')) {
      const token = this.next();
      this.enter(token.position);
      const operand = this.parseUnary();
      this.depth--;
      return { kind: 'negate', operand, position: token.position };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expression {
    const token = this.current;
    this.count(token.position);
    if (this.isPunct('(')) {
      this.index++;
      this.enter(token.position);
      const inner = this.parseOr();
      this.depth--;
      this.expectPunct(')');
      return inner;
    }
    if (token.type === 'string') {
      this.index++;
      return { kind: 'literal', literal: 'string', value: token.text, text: token.text, position: token.position };
    }
    if (token.type === 'number') {
      this.index++;
      const literal: LiteralKind = /[eE]/.test(token.text) ? 'double' : token.text.includes('.') ? 'decimal' : 'integer';
      return { kind: 'literal', literal, value: Number(token.text), text: token.text, position: token.position };
    }
    if (token.type === 'literal') {
      this.index++;
      const expression: Expression = { kind: 'literal', literal: token.literal as LiteralKind, value: token.text, text: token.text, position: token.position };
      if (token.enumType !== undefined) expression.enumType = token.enumType;
      return expression;
    }
    if (token.type === 'word') return this.parseWord();
    return this.fail(`Expected an operand but found ${this.describe(token)} in ${this.optionName}`, token.position);
  }

  private parseWord(): Expression {
    const token = this.next();
    switch (token.text) {
      case 'null': return { kind: 'literal', literal: 'null', value: null, text: 'null', position: token.position };
      case 'true': case 'false':
        return { kind: 'literal', literal: 'boolean', value: token.text === 'true', text: token.text, position: token.position };
      case 'INF': case 'NaN':
        return { kind: 'literal', literal: 'double', value: token.text === 'INF' ? Infinity : NaN, text: token.text, position: token.position };
      default: break;
    }
    if (KEYWORD_OPERATORS.has(token.text)) this.fail(`Expected an operand but found the operator '${token.text}' in ${this.optionName}`, token.position);
    if (this.isPunct('(')) return this.parseCall(token);
    // A member path, possibly rooted at a lambda variable, possibly ending in a lambda.
    const path = [token.text];
    let variable: string | undefined;
    if (this.variables.has(token.text)) {
      variable = token.text;
      path.length = 0;
    }
    while (this.isPunct('/')) {
      this.index++;
      const segment = this.current;
      if (segment.type !== 'word') this.fail(`Expected a property name after '/' in ${this.optionName}`, segment.position);
      this.index++;
      if ((segment.text === 'any' || segment.text === 'all') && this.isPunct('(')) {
        const collection: Expression & { kind: 'member' } = { kind: 'member', path, position: token.position };
        if (variable !== undefined) collection.variable = variable;
        return this.parseLambda(segment.text, collection, segment.position);
      }
      path.push(segment.text);
    }
    if (variable !== undefined && path.length === 0) {
      return { kind: 'member', path, variable, position: token.position };
    }
    const member: Expression = { kind: 'member', path, position: token.position };
    if (variable !== undefined) member.variable = variable;
    return member;
  }

  private parseCall(name: Token): Expression {
    this.expectPunct('(');
    this.enter(name.position);
    const args: Expression[] = [];
    if (!this.isPunct(')')) {
      for (;;) {
        args.push(this.parseOr());
        if (!this.isPunct(',')) break;
        this.index++;
      }
    }
    this.expectPunct(')');
    this.depth--;
    return { kind: 'call', name: name.text, args, position: name.position };
  }

  private parseLambda(operator: 'any' | 'all', collection: Expression & { kind: 'member' }, position: number): Expression {
    this.expectPunct('(');
    if (this.isPunct(')')) {
      this.index++;
      if (operator === 'all') this.fail(`'all' needs a predicate in ${this.optionName}`, position);
      return { kind: 'lambda', operator, collection, position };
    }
    const variable = this.current;
    if (variable.type !== 'word' || !/^[A-Za-z_]\w*$/.test(variable.text)) this.fail(`Expected a lambda variable name in ${this.optionName}`, variable.position);
    this.index++;
    this.expectPunct(':');
    this.enter(position);
    const inner = new Parser(this.tokens, this.optionName, new Set([...this.variables, variable.text]));
    inner.index = this.index;
    inner.depth = this.depth;
    inner.nodes = this.nodes;
    const predicate = inner.parseOr();
    this.index = inner.index;
    this.nodes = inner.nodes;
    this.depth--;
    this.expectPunct(')');
    return { kind: 'lambda', operator, collection, variable: variable.text, predicate, position };
  }
}

/** Parses a complete boolean or value expression, e.g. a $filter. */
export function parseExpression(text: string, optionName = '$filter'): Expression {
  return new Parser(tokenize(text, optionName), optionName, new Set(['$it'])).parseAll();
}

/** Parses `expr [asc|desc], ...` ($orderby, URL Conventions §5.1.4). */
export function parseOrderBy(text: string): { expression: Expression; descending: boolean }[] {
  const parser = new Parser(tokenize(text, '$orderby'), '$orderby', new Set(['$it']));
  const items: { expression: Expression; descending: boolean }[] = [];
  for (;;) {
    const expression = parser.parseItem();
    let descending = false;
    const token = parser.nextToken;
    if (token.type === 'word' && (token.text === 'asc' || token.text === 'desc')) {
      descending = token.text === 'desc';
      parser.skip();
    }
    items.push({ expression, descending });
    const separator = parser.nextToken;
    if (separator.type === 'end') return items;
    if (separator.type !== 'punct' || separator.text !== ',') fail(`Expected ',' or the end of $orderby but found '${separator.text}'`, separator.position, '$orderby');
    parser.skip();
  }
}
