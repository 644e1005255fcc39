import type { EdmAnnotationValue, EdmKeyProperty, EdmModel, EdmNavigationProperty, EdmOperation, EdmParameter, EdmProperty, EdmStructuredType, EdmUnboundOperation } from './model.js';

// The typed model back to CSDL XML (OData 4.0), for `edmock docs import`. Deterministic: types
// sorted by name, members in declaration order, references written with the schema alias, so
// that parseEdmx(writeEdmx(m)) gives m again and a re-import that changes nothing writes the same
// bytes.

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function aliased(model: EdmModel, qualifiedName: string): string {
  const dot = qualifiedName.lastIndexOf('.');
  const namespace = qualifiedName.slice(0, dot);
  const alias = Object.entries(model.aliases).find(([, ns]) => ns === namespace)?.[0];
  return alias ? `${alias}.${qualifiedName.slice(dot + 1)}` : qualifiedName;
}

function typeReference(model: EdmModel, type: string, collection: boolean): string {
  const name = type.startsWith('Edm.') ? type : aliased(model, type);
  return collection ? `Collection(${name})` : name;
}

/** An annotation value in element notation (CSDL 14.4), read back by annotation-values.ts as the same value. */
function expression(value: EdmAnnotationValue): string {
  if (value === null) return '<Null />';
  if (typeof value === 'string') return `<String>${escape(value)}</String>`;
  if (typeof value === 'boolean') return `<Bool>${value}</Bool>`;
  if (typeof value === 'number') return Number.isInteger(value) ? `<Int>${value}</Int>` : `<Decimal>${value}</Decimal>`;
  if (Array.isArray(value)) return `<Collection>${value.map(expression).join('')}</Collection>`;
  return `<Record>${Object.entries(value).map(([name, member]) => `<PropertyValue Property="${escape(name)}">${expression(member)}</PropertyValue>`).join('')}</Record>`;
}

/** A property's kept annotations, inline; `term@annotation` entries annotate the term's annotation. */
function annotationElements(p: EdmProperty): string {
  const entries = Object.entries(p.annotations ?? {});
  return entries.filter(([term]) => !term.includes('@')).map(([term, value]) => {
    const nested = entries.filter(([key]) => key.startsWith(`${term}@`))
      .map(([key, inner]) => `<Annotation Term="${escape(key.slice(term.length + 1))}">${expression(inner)}</Annotation>`);
    return `<Annotation Term="${escape(term)}">${expression(value)}${nested.join('')}</Annotation>`;
  }).join('');
}

function property(model: EdmModel, p: EdmProperty): string {
  let xml = `<Property Name="${escape(p.name)}" Type="${typeReference(model, p.type, p.collection)}"`;
  if (!p.nullable) xml += ' Nullable="false"';
  if (p.maxLength !== undefined) xml += ` MaxLength="${p.maxLength}"`;
  if (p.precision !== undefined) xml += ` Precision="${p.precision}"`;
  if (p.scale !== undefined) xml += ` Scale="${p.scale}"`;
  if (p.defaultValue !== undefined) xml += ` DefaultValue="${escape(p.defaultValue)}"`;
  return p.annotations ? `${xml}>${annotationElements(p)}</Property>` : `${xml} />`;
}

function navigation(model: EdmModel, n: EdmNavigationProperty): string {
  let xml = `<NavigationProperty Name="${escape(n.name)}" Type="${typeReference(model, n.type, n.collection)}"`;
  if (!n.collection && !n.nullable) xml += ' Nullable="false"';
  if (n.containsTarget) xml += ' ContainsTarget="true"';
  return `${xml} />`;
}

/** A key property by its path, with its alias where the URL name differs (CSDL §8.3). */
function propertyRef(key: EdmKeyProperty): string {
  const path = key.path.join('/');
  return `  <PropertyRef Name="${escape(path)}"${key.name === path ? '' : ` Alias="${escape(key.name)}"`} />`;
}

function structured(model: EdmModel, type: EdmStructuredType, key: EdmKeyProperty[] | undefined, indent: string): string[] {
  const tag = type.kind === 'entity' ? 'EntityType' : 'ComplexType';
  let open = `<${tag} Name="${escape(type.name)}"`;
  if (type.baseType) open += ` BaseType="${aliased(model, type.baseType)}"`;
  if (type.abstract) open += ' Abstract="true"';
  if (type.open) open += ' OpenType="true"';
  const own = [...type.properties.filter((p) => p.declaredBy === type.qualifiedName).map((p) => property(model, p)),
    ...type.navigationProperties.filter((n) => n.declaredBy === type.qualifiedName).map((n) => navigation(model, n))];
  const keyXml = key && key.length > 0 ? [`<Key>`, ...key.map(propertyRef), `</Key>`] : [];
  if (own.length === 0 && keyXml.length === 0) return [`${indent}${open} />`];
  return [`${indent}${open}>`, ...[...keyXml, ...own].map((line) => `${indent}  ${line}`), `${indent}</${tag}>`];
}

function parameterXml(model: EdmModel, p: EdmParameter): string {
  let xml = `        <Parameter Name="${escape(p.name)}" Type="${typeReference(model, p.type, p.collection)}"`;
  if (!p.nullable) xml += ' Nullable="false"';
  if (p.maxLength !== undefined) xml += ` MaxLength="${p.maxLength}"`;
  if (p.precision !== undefined) xml += ` Precision="${p.precision}"`;
  if (p.scale !== undefined) xml += ` Scale="${p.scale}"`;
  return `${xml} />`;
}

/** An action or function, bound (its binding parameter first) or not, with every attribute the model keeps. */
function operationXml(model: EdmModel, operation: EdmUnboundOperation | EdmOperation): string[] {
  const tag = operation.kind === 'action' ? 'Action' : 'Function';
  const bound = 'bindingParameter' in operation;
  let open = `      <${tag} Name="${escape(operation.name)}"`;
  if (bound) open += ' IsBound="true"';
  if (operation.composable) open += ' IsComposable="true"';
  if (operation.entitySetPath !== undefined) open += ` EntitySetPath="${escape(operation.entitySetPath)}"`;
  const binding: EdmParameter[] = bound
    ? [{ name: operation.bindingParameter, type: operation.bindingType, typeKind: 'entity', collection: operation.bindingCollection, nullable: operation.bindingNullable }]
    : [];
  const returns = operation.returnType;
  return [
    `${open}>`,
    ...[...binding, ...operation.parameters].map((p) => parameterXml(model, p)),
    ...(returns ? [`        <ReturnType Type="${typeReference(model, returns.type, returns.collection)}"${returns.nullable ? '' : ' Nullable="false"'} />`] : []),
    `      </${tag}>`,
  ];
}

export function writeEdmx(model: EdmModel): string {
  const lines = ['<?xml version="1.0" encoding="utf-8"?>', '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">', '  <edmx:DataServices>'];
  for (const namespace of model.namespaces) {
    const alias = Object.entries(model.aliases).find(([, ns]) => ns === namespace)?.[0];
    lines.push(`    <Schema Namespace="${escape(namespace)}"${alias ? ` Alias="${escape(alias)}"` : ''} xmlns="http://docs.oasis-open.org/odata/ns/edm">`);
    const inSchema = (qualifiedName: string) => qualifiedName.slice(0, qualifiedName.lastIndexOf('.')) === namespace;
    for (const e of Object.values(model.enumTypes).filter((t) => inSchema(t.qualifiedName))) {
      let open = `<EnumType Name="${escape(e.name)}"`;
      if (e.underlyingType !== 'Edm.Int32') open += ` UnderlyingType="${e.underlyingType}"`;
      if (e.isFlags) open += ' IsFlags="true"';
      if (e.members.length === 0) { lines.push(`      ${open} />`); continue; }
      lines.push(`      ${open}>`, ...e.members.map((m) => `        <Member Name="${escape(m.name)}" Value="${m.value}" />`), '      </EnumType>');
    }
    for (const c of Object.values(model.complexTypes).filter((t) => inSchema(t.qualifiedName))) lines.push(...structured(model, c, undefined, '      '));
    for (const t of Object.values(model.entityTypes).filter((t) => inSchema(t.qualifiedName))) {
      // A key is written where it is declared: on a type whose base type has none.
      const baseKey = t.baseType ? model.entityTypes[t.baseType]?.key ?? [] : [];
      lines.push(...structured(model, t, baseKey.length === 0 ? t.keyProperties : undefined, '      '));
    }
    for (const operation of [...model.operations, ...model.unboundOperations].filter((o) => inSchema(o.qualifiedName))) lines.push(...operationXml(model, operation));
    if (model.container.namespace === namespace) {
      lines.push(`      <EntityContainer Name="${escape(model.container.name)}">`);
      const bindings = (list: { path: string; target: string }[]) => list.map((b) => `          <NavigationPropertyBinding Path="${escape(b.path)}" Target="${escape(b.target)}" />`);
      for (const set of Object.values(model.container.entitySets)) {
        const inner = bindings(set.navigationBindings);
        const open = `        <EntitySet Name="${escape(set.name)}" EntityType="${set.entityType}"`;
        lines.push(...(inner.length ? [`${open}>`, ...inner, '        </EntitySet>'] : [`${open} />`]));
      }
      for (const singleton of Object.values(model.container.singletons)) {
        const inner = bindings(singleton.navigationBindings);
        const open = `        <Singleton Name="${escape(singleton.name)}" Type="${singleton.type}"`;
        lines.push(...(inner.length ? [`${open}>`, ...inner, '        </Singleton>'] : [`${open} />`]));
      }
      for (const i of Object.values(model.container.actionImports)) {
        lines.push(`        <ActionImport Name="${escape(i.name)}" Action="${aliased(model, i.action)}"${i.entitySet === undefined ? '' : ` EntitySet="${escape(i.entitySet)}"`} />`);
      }
      for (const i of Object.values(model.container.functionImports)) {
        const set = i.entitySet === undefined ? '' : ` EntitySet="${escape(i.entitySet)}"`;
        lines.push(`        <FunctionImport Name="${escape(i.name)}" Function="${aliased(model, i.function)}"${set}${i.includeInServiceDocument ? ' IncludeInServiceDocument="true"' : ''} />`);
      }
      lines.push('      </EntityContainer>');
    }
    lines.push('    </Schema>');
  }
  lines.push('  </edmx:DataServices>', '</edmx:Edmx>', '');
  return lines.join('\n');
}
