import type { RawAnnotation, RawDocument } from './read-edmx.js';

// Aliases are local to the document that declares them (CSDL 3.4, 5.2): a referenced document
// may use an alias the main one uses for another namespace. Its alias-qualified names are
// therefore rewritten to namespace-qualified ones before its schemas join the model, and its
// schema aliases dropped.

/** Rewrites, in place, every alias-qualified name of a referenced document's schemas. */
export function qualifyDocumentNames(document: RawDocument): void {
  const aliases = new Map<string, string>();
  for (const reference of document.references) {
    for (const include of reference.Include ?? []) if (include.Alias && include.Namespace) aliases.set(include.Alias, include.Namespace);
  }
  for (const schema of document.schemas) if (schema.Alias && schema.Namespace) aliases.set(schema.Alias, schema.Namespace);
  if (aliases.size === 0) return;
  const qualify = qualifier(aliases);
  for (const schema of document.schemas) {
    delete schema.Alias;
    for (const type of [...(schema.EntityType ?? []), ...(schema.ComplexType ?? [])]) {
      type.BaseType = qualify(type.BaseType);
      for (const p of type.Property ?? []) { p.Type = qualify(p.Type); qualifyTerms(p.Annotation, qualify); }
      for (const n of type.NavigationProperty ?? []) n.Type = qualify(n.Type);
    }
    for (const t of schema.TypeDefinition ?? []) t.UnderlyingType = qualify(t.UnderlyingType);
    for (const operation of [...(schema.Action ?? []), ...(schema.Function ?? [])]) {
      for (const p of operation.Parameter ?? []) p.Type = qualify(p.Type);
      for (const r of operation.ReturnType ?? []) r.Type = qualify(r.Type);
    }
    for (const container of schema.EntityContainer ?? []) {
      for (const s of container.EntitySet ?? []) s.EntityType = qualify(s.EntityType);
      for (const s of container.Singleton ?? []) s.Type = qualify(s.Type);
      for (const i of container.ActionImport ?? []) i.Action = qualify(i.Action);
      for (const i of container.FunctionImport ?? []) i.Function = qualify(i.Function);
    }
    for (const annotations of schema.Annotations ?? []) {
      annotations.Target = qualify(annotations.Target);
      qualifyTerms(annotations.Annotation, qualify);
    }
  }
}

function qualifyTerms(annotations: RawAnnotation[] | undefined, qualify: (name: string | undefined) => string | undefined): void {
  for (const annotation of annotations ?? []) {
    annotation.Term = qualify(annotation.Term);
    qualifyTerms(annotation.Annotation, qualify);
  }
}

/**
 * `alias.Name` -> `namespace.Name`, also inside `Collection(...)` and for the first segment of a
 * path or operation target (`alias.Type/Property`, `alias.op(alias.Type)/param`).
 */
export function qualifier(aliases: Map<string, string>): (name: string | undefined) => string | undefined {
  const qualifyName = (name: string): string => {
    const dot = name.lastIndexOf('.');
    const namespace = dot > 0 ? aliases.get(name.slice(0, dot)) : undefined;
    return namespace ? `${namespace}${name.slice(dot)}` : name;
  };
  return (name) => {
    if (name === undefined) return undefined;
    return name.replace(/[A-Za-z_][\w.]*/g, (match, offset: number) => (offset > 0 && name[offset - 1] === '/' ? match : qualifyName(match)));
  };
}
