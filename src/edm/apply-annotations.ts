import { annotationValue } from './annotation-values.js';
import type { Warn } from './edm-error.js';
import type { EdmAnnotations, EdmModel, EdmNavigationProperty, EdmProperty, EdmStructuredType } from './model.js';
import type { RawAnnotation, RawSchema } from './read-edmx.js';

// Annotations on properties (inline, or from an Annotations element targeting `Type/Property`)
// into EdmProperty.annotations. Only the terms that say what values a property may hold are kept;
// every Annotations target is checked, and one that names nothing is a warning.

const VALIDATION = 'Org.OData.Validation.V1';
const CORE = 'Org.OData.Core.V1';
/**
 * The terms edmock uses, by qualified name. Core.Description is not one: Graph's metadata
 * describes 2,367 properties, and keeping the text made every load of it slower for nothing.
 */
export const PROPERTY_TERMS = new Set([
  `${VALIDATION}.Pattern`, `${VALIDATION}.Minimum`, `${VALIDATION}.Maximum`, `${VALIDATION}.AllowedValues`,
  `${CORE}.Computed`, `${CORE}.Immutable`,
]);
/** Annotates Minimum and Maximum; kept as `<term>@Org.OData.Validation.V1.Exclusive`, as CSDL JSON writes it. */
export const EXCLUSIVE_TERM = `${VALIDATION}.Exclusive`;

export interface AnnotationContext {
  /** Alias-qualified -> namespace-qualified name, with the main document's aliases. */
  qualify: (name: string) => string;
  /** Namespaces whose targets are not checked: vocabularies and references not loaded. */
  unchecked: Set<string>;
  warn: Warn;
}

/** Fills `annotations` of the model's properties from the schemas; warns about targets that do not resolve. */
export function applyPropertyAnnotations(schemas: RawSchema[], model: EdmModel, context: AnnotationContext): void {
  // A document uses few terms many times (Graph: 17,000 annotations of some 60 terms).
  const terms = new Map<string, string>();
  const qualifyTerm = (term: string): string => {
    let qualified = terms.get(term);
    if (qualified === undefined) { qualified = context.qualify(term); terms.set(term, qualified); }
    return qualified;
  };
  const structured = (name: string): EdmStructuredType | undefined => model.entityTypes[name] ?? model.complexTypes[name];
  const member = memberFinder();
  for (const schema of schemas) {
    for (const rawType of [...(schema.EntityType ?? []), ...(schema.ComplexType ?? [])]) {
      const type = structured(`${schema.Namespace}.${rawType.Name}`);
      for (const rawProperty of rawType.Property ?? []) {
        if (!rawProperty.Annotation || !type) continue;
        const property = member(type, rawProperty.Name ?? '');
        if (property && 'typeKind' in property) annotate(property, rawProperty.Annotation, qualifyTerm);
      }
    }
  }
  const resolves = targetResolver(schemas, model, context, member);
  for (const schema of schemas) {
    for (const annotations of schema.Annotations ?? []) {
      const target = annotations.Target ?? '';
      if (!resolves(target)) {
        context.warn(`Annotations '${target}' in Schema '${schema.Namespace}'`, 'the target names no element of the model; its annotations are ignored');
        continue;
      }
      if (annotations.Qualifier || !annotations.Annotation) continue;
      const [typeName, propertyName, ...more] = target.split('/');
      if (propertyName === undefined || more.length > 0) continue;
      const type = structured(context.qualify(typeName as string));
      const property = type ? member(type, propertyName) : undefined;
      if (property && 'typeKind' in property) annotate(property, annotations.Annotation, qualifyTerm);
    }
  }
}

/** Adds the kept terms among `annotations` to the property's; a qualified annotation is conditional and not kept. */
function annotate(property: EdmProperty, annotations: RawAnnotation[], qualify: (name: string) => string): void {
  for (const annotation of annotations) {
    if (!annotation.Term || annotation.Qualifier) continue;
    const term = qualify(annotation.Term);
    if (!PROPERTY_TERMS.has(term)) continue;
    const value = annotationValue(annotation);
    if (value === undefined) continue;
    const kept: EdmAnnotations = property.annotations ?? {};
    kept[term] = value;
    const exclusive = annotation.Annotation?.find((inner) => inner.Term && !inner.Qualifier && qualify(inner.Term) === EXCLUSIVE_TERM);
    if (exclusive) kept[`${term}@${EXCLUSIVE_TERM}`] = annotationValue(exclusive) ?? true;
    property.annotations = kept;
  }
}

/**
 * Whether an Annotations target (CSDL 14.2.1) names an element: a type, an enum member, a
 * property path, an operation (overload or not) and its parameters, a term, the container and
 * its children. Targets in unchecked namespaces are taken as they are.
 */
/** A type's property or navigation property by name, through one map per type built on first use. */
function memberFinder(): MemberOf {
  const maps = new Map<EdmStructuredType, Map<string, EdmProperty | EdmNavigationProperty>>();
  return (type, name) => {
    let members = maps.get(type);
    if (!members) {
      members = new Map<string, EdmProperty | EdmNavigationProperty>([...type.navigationProperties, ...type.properties].map((m) => [m.name, m]));
      maps.set(type, members);
    }
    return members.get(name);
  };
}

type MemberOf = (type: EdmStructuredType, name: string) => EdmProperty | EdmNavigationProperty | undefined;

function targetResolver(schemas: RawSchema[], model: EdmModel, context: AnnotationContext, member: MemberOf): (target: string) => boolean {
  const simple = new Set<string>();
  const operations = new Map<string, Set<string>>();
  for (const schema of schemas) {
    for (const item of [...(schema.TypeDefinition ?? []), ...(schema.Term ?? [])]) simple.add(`${schema.Namespace}.${item.Name}`);
    for (const operation of [...(schema.Action ?? []), ...(schema.Function ?? [])]) {
      const name = `${schema.Namespace}.${operation.Name}`;
      const parameters = operations.get(name) ?? new Set(['$ReturnType']);
      for (const parameter of operation.Parameter ?? []) parameters.add(parameter.Name ?? '');
      operations.set(name, parameters);
    }
  }
  const { container } = model;
  const children = new Map<string, string | undefined>([
    ...Object.values(container.entitySets).map((s): [string, string] => [s.name, s.entityType]),
    ...Object.values(container.singletons).map((s): [string, string] => [s.name, s.type]),
    ...Object.keys(container.actionImports).map((name): [string, undefined] => [name, undefined]),
    ...Object.keys(container.functionImports).map((name): [string, undefined] => [name, undefined]),
  ]);
  for (const schema of schemas) {
    for (const c of schema.EntityContainer ?? []) {
      for (const i of [...(c.ActionImport ?? []), ...(c.FunctionImport ?? [])]) if (i.Name && !children.has(i.Name)) children.set(i.Name, undefined);
    }
  }
  const containerName = `${container.namespace}.${container.name}`;
  return (target) => {
    const [head = '', ...rest] = target.split('/');
    const paren = head.indexOf('(');
    const name = context.qualify(paren < 0 ? head : head.slice(0, paren));
    if (context.unchecked.has(name.slice(0, name.lastIndexOf('.')))) return true;
    if (name === containerName) {
      if (rest.length === 0) return true;
      if (!children.has(rest[0] as string)) return false;
      const type = children.get(rest[0] as string);
      return rest.length === 1 || (type !== undefined && pathResolves(model, type, rest.slice(1), context.qualify, member));
    }
    const parameters = operations.get(name);
    if (parameters) return rest.length === 0 || (rest.length === 1 && parameters.has(rest[0] as string));
    const enumType = model.enumTypes[name];
    if (enumType) return rest.length === 0 || (rest.length === 1 && enumType.members.some((m) => m.name === rest[0]));
    if (simple.has(name)) return rest.length === 0;
    return (model.entityTypes[name] ?? model.complexTypes[name]) !== undefined && pathResolves(model, name, rest, context.qualify, member);
  };
}

/** Whether a path of properties, navigation properties and type casts leads somewhere from `typeName`. */
function pathResolves(model: EdmModel, typeName: string, segments: string[], qualify: (name: string) => string, memberOf: MemberOf): boolean {
  let type: EdmStructuredType | undefined = model.entityTypes[typeName] ?? model.complexTypes[typeName];
  for (const segment of segments) {
    if (!type) return false;
    if (segment.includes('.')) {
      const cast = qualify(segment);
      type = model.entityTypes[cast] ?? model.complexTypes[cast];
      continue;
    }
    const member = memberOf(type, segment);
    if (!member) return false;
    const next: string = member.type;
    type = model.entityTypes[next] ?? model.complexTypes[next];
    if (!type && segment !== segments[segments.length - 1]) return false;
  }
  return true;
}
