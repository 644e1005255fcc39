// Every rule the model differ classifies a change by, with the class it gives and why. A change
// names its rule; the class comes from here only, so that the docs' table (docs/diff.md, which a
// test keeps in step with this list) and the report can never disagree.
//
// The point of view is a client written against the OLD metadata: `breaking` when a request it
// sends or an answer it reads may stop working, `compatible` when everything it does keeps
// working, `annotation` for changes to annotations, which describe rather than shape the contract.

export type ChangeClass = 'breaking' | 'compatible' | 'annotation';

interface Rule { class: ChangeClass; why: string }

const breaking = (why: string): Rule => ({ class: 'breaking', why });
const compatible = (why: string): Rule => ({ class: 'compatible', why });

export const RULES = {
  'schema-removed': breaking('every qualified name in the namespace is gone'),
  'schema-added': compatible('an addition'),
  'alias-changed': compatible('qualified names in URLs and payloads use the namespace; an alias only abbreviates it inside the document'),
  'type-removed': breaking('a client can name the type (casts, @odata.type, parameters)'),
  'type-added': compatible('an addition'),
  'type-kind-changed': breaking('an entity type has a key and an identity, a complex type has neither'),
  'base-type-changed': breaking('casts and inherited members follow the base type'),
  'abstract-set': breaking('instances of an abstract type cannot be created'),
  'abstract-cleared': compatible('a relaxation: the type can now have instances'),
  'open-cleared': breaking('dynamic properties a client sends are now refused'),
  'open-set': compatible('a relaxation: dynamic properties are now allowed'),
  'key-changed': breaking('key predicates in URLs (`Set(key)`) change'),
  'property-removed': breaking('a client can name the property ($select, $filter, bodies)'),
  'property-added': compatible('an addition that requests need not carry (nullable, a collection, or with a default)'),
  'property-added-required': breaking('a new single-valued property with Nullable=false and no default must now be sent when creating'),
  'property-type-changed': breaking('values of another type are written and read'),
  'property-collection-changed': breaking('a single value becomes a collection or the reverse'),
  'property-nullable-tightened': breaking('null, or leaving the property out, is now refused'),
  'property-nullable-relaxed': compatible('a relaxation: null is now allowed'),
  'property-max-length-lowered': breaking('values that fitted may now be too long (a MaxLength added counts as lowered)'),
  'property-max-length-raised': compatible('a relaxation (a MaxLength removed counts as raised)'),
  'property-precision-lowered': breaking('values that fitted may now have too many digits (a Precision added counts as lowered)'),
  'property-precision-raised': compatible('a relaxation (a Precision removed counts as raised)'),
  'property-scale-lowered': breaking('values that fitted may now have too many decimals (from variable to a number counts as lowered)'),
  'property-scale-raised': compatible('a relaxation (to variable or floating counts as raised)'),
  'property-default-changed': compatible('requests stay valid; only the value a client leaves out differs'),
  'property-default-dropped-required': breaking('a non-nullable property without a default must now be sent when creating'),
  'navigation-removed': breaking('a client can name the navigation property ($expand, paths)'),
  'navigation-added': compatible('an addition'),
  'navigation-type-changed': breaking('the related entities are of another type'),
  'navigation-collection-changed': breaking('a single related entity becomes a collection or the reverse'),
  'navigation-containment-changed': breaking('contained entities are addressed through their container: their URLs move'),
  'navigation-nullable-tightened': breaking('a related entity must now be present'),
  'navigation-nullable-relaxed': compatible('a relaxation: the related entity may now be absent'),
  'enum-underlying-changed': breaking('numeric values of members are read and written in another type'),
  'enum-flags-set': breaking('values may now combine members (`a,b`), which a client reading one member does not expect'),
  'enum-flags-cleared': breaking('combined values a client sends are now refused'),
  'enum-member-removed': breaking('a client can name the member'),
  'enum-member-added': compatible('an addition'),
  'enum-member-renumbered': breaking('clients that exchange numeric values read another member'),
  'operation-removed': breaking('a client can call the operation (or this overload of it)'),
  'operation-added': compatible('an addition (a new operation or overload)'),
  'operation-kind-changed': breaking('an action is called with POST, a function with GET'),
  'operation-binding-changed': breaking('the operation is called at another URL'),
  'parameter-removed': breaking('a client sending the parameter gets an error'),
  'parameter-added-optional': compatible('a nullable parameter may be left out'),
  'parameter-added-required': breaking('a non-nullable parameter must now be sent'),
  'parameter-type-changed': breaking('values of another type (or a collection instead of one) are expected'),
  'parameter-nullable-tightened': breaking('null is now refused'),
  'parameter-nullable-relaxed': compatible('a relaxation: null is now allowed'),
  'parameter-facet-lowered': breaking('values that fitted may not any more (MaxLength, Precision or Scale lowered or added)'),
  'parameter-facet-raised': compatible('a relaxation (MaxLength, Precision or Scale raised or removed)'),
  'return-added': compatible('an operation that answered nothing now answers something a client may ignore'),
  'return-removed': breaking('a client reading the result gets nothing'),
  'return-type-changed': breaking('the result is of another type, or a collection instead of one'),
  'return-nullable-relaxed': breaking('a client may now receive null'),
  'return-nullable-tightened': compatible('the result is now always present'),
  'composable-cleared': breaking('path segments and query options after the call are now refused'),
  'composable-set': compatible('a relaxation: the call may now be composed'),
  'entity-set-removed': breaking('a client can name the entity set (its URLs)'),
  'entity-set-added': compatible('an addition'),
  'entity-set-type-changed': breaking('the set holds entities of another type'),
  'singleton-removed': breaking('a client can name the singleton (its URL)'),
  'singleton-added': compatible('an addition'),
  'singleton-type-changed': breaking('the singleton is of another type'),
  'binding-removed': breaking('related entities no longer belong to a known entity set (their canonical URLs)'),
  'binding-added': compatible('an addition'),
  'binding-target-changed': breaking('related entities belong to another entity set: their canonical URLs move'),
  'action-import-removed': breaking('a client can call the action import (its URL)'),
  'action-import-added': compatible('an addition'),
  'action-import-target-changed': breaking('the import calls another action or returns entities of another set'),
  'function-import-removed': breaking('a client can call the function import (its URL)'),
  'function-import-added': compatible('an addition'),
  'function-import-target-changed': breaking('the import calls another function or returns entities of another set'),
  'function-import-listing-changed': compatible('IncludeInServiceDocument only changes the service document'),
  'annotation-added': { class: 'annotation', why: 'a property annotation term appears' },
  'annotation-removed': { class: 'annotation', why: 'a property annotation term disappears' },
  'annotation-changed': { class: 'annotation', why: "a property annotation's value changes" },
} satisfies Record<string, Rule>;

export type RuleId = keyof typeof RULES;
