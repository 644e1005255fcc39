// The $filter / $orderby expression tree (OData 4.01 URL Conventions §5.1.1). Positions are
// 1-based character offsets into the option's decoded text, for error messages.

export type BinaryOperator =
  | 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'has'
  | 'and' | 'or'
  | 'add' | 'sub' | 'mul' | 'div' | 'divby' | 'mod';

export type LiteralKind = 'null' | 'boolean' | 'integer' | 'decimal' | 'double' | 'string' | 'dateTimeOffset' | 'date' | 'timeOfDay' | 'guid' | 'duration' | 'enum';

export type Expression =
  | { kind: 'literal'; literal: LiteralKind; value: unknown; text: string; enumType?: string; position: number }
  /** A member path: `a`, `a/b`, or `v/a` where `v` is a lambda variable ($it when implicit). */
  | { kind: 'member'; path: string[]; variable?: string; position: number }
  | { kind: 'binary'; operator: BinaryOperator; left: Expression; right: Expression; position: number }
  | { kind: 'not'; operand: Expression; position: number }
  | { kind: 'negate'; operand: Expression; position: number }
  | { kind: 'in'; operand: Expression; list: Expression[]; position: number }
  | { kind: 'call'; name: string; args: Expression[]; position: number }
  | { kind: 'lambda'; operator: 'any' | 'all'; collection: Expression & { kind: 'member' }; variable?: string; predicate?: Expression; position: number };
