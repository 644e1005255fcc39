import { RULES, type ChangeClass, type RuleId } from './rules.js';

// One difference between two models, as the report shows it.

/** What kind of element changed: the report groups changes by it. */
export type ElementKind =
  | 'schema' | 'entityType' | 'complexType' | 'enumType' | 'property' | 'navigationProperty' | 'key'
  | 'enumMember' | 'action' | 'function' | 'entitySet' | 'singleton' | 'navigationBinding'
  | 'actionImport' | 'functionImport' | 'annotation';

export interface EdmChange {
  class: ChangeClass;
  rule: RuleId;
  kind: ElementKind;
  /** Where: `ns.Type`, `ns.Type/property`, `ns.Enum/Member`, `Container/Set`, an operation overload. */
  path: string;
  /** What changed, in words: `type Edm.String -> Edm.Int32`. */
  message: string;
}

/** Collects changes; the class of each comes from its rule. */
export class ChangeLog {
  readonly changes: EdmChange[] = [];
  add(rule: RuleId, kind: ElementKind, path: string, message: string): void {
    this.changes.push({ class: RULES[rule].class, rule, kind, path, message });
  }
}

/** `Collection(ns.T)` or `ns.T`, as CSDL writes a type. */
export function typeLabel(type: string, collection: boolean): string {
  return collection ? `Collection(${type})` : type;
}
