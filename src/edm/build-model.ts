import { EdmError } from './edm-error.js';
import type {
  EdmComplexType, EdmEntityContainer, EdmEntityType, EdmEnumType, EdmModel, EdmNavigationProperty, EdmOperation,
  EdmProperty, EdmStructuredType, TypeKind,
} from './model.js';
import { readEdmx, type RawBinding, type RawSchema, type RawStructuredType } from './read-edmx.js';

const PRIMITIVE_TYPES = new Set([
  'Edm.Binary', 'Edm.Boolean', 'Edm.Byte', 'Edm.Date', 'Edm.DateTimeOffset', 'Edm.Decimal',
  'Edm.Double', 'Edm.Duration', 'Edm.Guid', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64', 'Edm.SByte',
  'Edm.Single', 'Edm.Stream', 'Edm.String', 'Edm.TimeOfDay', 'Edm.Untyped', 'Edm.PrimitiveType',
  'Edm.Geography', 'Edm.GeographyPoint', 'Edm.GeographyLineString', 'Edm.GeographyPolygon',
  'Edm.GeographyMultiPoint', 'Edm.GeographyMultiLineString', 'Edm.GeographyMultiPolygon',
  'Edm.GeographyCollection', 'Edm.Geometry', 'Edm.GeometryPoint', 'Edm.GeometryLineString',
  'Edm.GeometryPolygon', 'Edm.GeometryMultiPoint', 'Edm.GeometryMultiLineString',
  'Edm.GeometryMultiPolygon', 'Edm.GeometryCollection',
]);

const KEY_TYPES = new Set([
  'Edm.String', 'Edm.Guid', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64', 'Edm.Byte', 'Edm.SByte',
  'Edm.Boolean', 'Edm.Date', 'Edm.DateTimeOffset', 'Edm.Decimal', 'Edm.Duration', 'Edm.TimeOfDay',
]);

interface DeclaredType {
  kind: 'entity' | 'complex' | 'enum';
  raw: RawStructuredType | undefined;
  namespace: string;
  element: string;
}

/** Parses and checks an EDMX document; the result is the typed model every later stage reads. */
export function parseEdmx(xml: string, source?: string): EdmModel {
  return buildModel(readEdmx(xml, source), source);
}

export function buildModel(schemas: RawSchema[], source?: string): EdmModel {
  const fail = (element: string, problem: string): never => {
    throw new EdmError(element, problem, source);
  };

  const namespaces: string[] = [];
  const aliases = new Map<string, string>();
  for (const schema of schemas) {
    const namespace = schema.Namespace ?? fail('Schema', 'has no Namespace attribute');
    if (namespaces.includes(namespace)) fail(`Schema '${namespace}'`, 'is declared twice');
    namespaces.push(namespace);
    if (schema.Alias) {
      if (aliases.has(schema.Alias)) fail(`Schema '${namespace}'`, `alias '${schema.Alias}' is already used`);
      aliases.set(schema.Alias, namespace);
    }
  }

  // Pass 1: every declared name, so references can be resolved in any order.
  const declared = new Map<string, DeclaredType>();
  const declare = (namespace: string, kind: DeclaredType['kind'], label: string, name: string | undefined, raw?: RawStructuredType) => {
    if (!name) fail(`${label} in Schema '${namespace}'`, 'has no Name attribute');
    const qualifiedName = `${namespace}.${name}`;
    const element = `${label} '${qualifiedName}'`;
    const previous = declared.get(qualifiedName);
    if (previous) fail(element, `duplicate name: ${previous.element} has the same qualified name`);
    declared.set(qualifiedName, { kind, raw, namespace, element });
  };
  for (const schema of schemas) {
    const ns = schema.Namespace as string;
    for (const t of schema.EntityType ?? []) declare(ns, 'entity', 'EntityType', t.Name, t);
    for (const t of schema.ComplexType ?? []) declare(ns, 'complex', 'ComplexType', t.Name, t);
    for (const t of schema.EnumType ?? []) declare(ns, 'enum', 'EnumType', t.Name);
  }

  /** Alias-qualified or namespace-qualified name -> namespace-qualified name (no existence check). */
  const qualify = (name: string): string => {
    const dot = name.lastIndexOf('.');
    if (dot < 0) return name;
    const prefix = name.slice(0, dot);
    const namespace = aliases.get(prefix);
    return namespace ? `${namespace}.${name.slice(dot + 1)}` : name;
  };

  const resolveType = (raw: string | undefined, element: string): { type: string; kind: TypeKind; collection: boolean } => {
    if (!raw) return fail(element, 'has no Type attribute');
    const match = /^Collection\((.+)\)$/.exec(raw);
    const inner = match ? (match[1] as string) : raw;
    if (inner.startsWith('Edm.')) {
      if (!PRIMITIVE_TYPES.has(inner)) fail(element, `unknown primitive type '${inner}'`);
      return { type: inner, kind: 'primitive', collection: Boolean(match) };
    }
    const qualifiedName = qualify(inner);
    const target = declared.get(qualifiedName);
    if (!target) return fail(element, `unresolved type '${inner}'`);
    return { type: qualifiedName, kind: target.kind, collection: Boolean(match) };
  };

  // Enum types.
  const enumTypes: Record<string, EdmEnumType> = {};
  for (const schema of schemas) {
    for (const raw of schema.EnumType ?? []) {
      const qualifiedName = `${schema.Namespace}.${raw.Name}`;
      const element = `EnumType '${qualifiedName}'`;
      const isFlags = raw.IsFlags === 'true';
      const seen = new Set<string>();
      const members = (raw.Member ?? []).map((member, index) => {
        if (!member.Name) fail(element, `member #${index + 1} has no Name`);
        const name = member.Name as string;
        if (seen.has(name)) fail(`Member '${name}' of ${element}`, 'duplicate member name');
        seen.add(name);
        // CSDL 10.2.2: without Value, members are numbered from 0 in order (flags enums need values).
        const value = member.Value === undefined ? index : Number(member.Value);
        if (!Number.isInteger(value)) fail(`Member '${name}' of ${element}`, `Value '${member.Value}' is not an integer`);
        return { name, value };
      });
      // No members is tolerated: Graph's v1.0 metadata declares such placeholders (auditLogRecordType).
      enumTypes[qualifiedName] = {
        name: raw.Name as string, qualifiedName, underlyingType: raw.UnderlyingType ?? 'Edm.Int32', isFlags, members,
      };
    }
  }

  // Structured types: own members first, then inheritance flattened with cycle detection.
  const structured = new Map<string, EdmStructuredType & { ownKey?: string[] }>();
  for (const [qualifiedName, decl] of declared) {
    if (decl.kind === 'enum' || !decl.raw) continue;
    const raw = decl.raw;
    const baseType = raw.BaseType ? resolveType(raw.BaseType, decl.element) : undefined;
    if (baseType && baseType.kind !== decl.kind) fail(decl.element, `BaseType '${raw.BaseType}' is not ${decl.kind === 'entity' ? 'an entity' : 'a complex'} type`);
    const properties = (raw.Property ?? []).map((p): EdmProperty => {
      if (!p.Name) return fail(`Property of ${decl.element}`, 'has no Name attribute');
      const element = `Property '${p.Name}' of ${decl.element}`;
      const t = resolveType(p.Type, element);
      if (t.kind === 'entity') fail(element, `type '${p.Type}' is an entity type: use a NavigationProperty`);
      const property: EdmProperty = {
        name: p.Name, type: t.type, typeKind: t.kind, collection: t.collection,
        nullable: p.Nullable !== 'false', declaredBy: qualifiedName,
      };
      if (p.DefaultValue !== undefined) property.defaultValue = p.DefaultValue;
      if (p.MaxLength !== undefined && /^\d+$/.test(p.MaxLength)) property.maxLength = Number(p.MaxLength);
      return property;
    });
    const navigationProperties = (raw.NavigationProperty ?? []).map((n): EdmNavigationProperty => {
      if (!n.Name) return fail(`NavigationProperty of ${decl.element}`, 'has no Name attribute');
      const element = `NavigationProperty '${n.Name}' of ${decl.element}`;
      const t = resolveType(n.Type, element);
      if (t.kind !== 'entity') fail(element, `type '${n.Type}' is not an entity type`);
      return {
        name: n.Name, type: t.type, collection: t.collection, nullable: n.Nullable !== 'false',
        containsTarget: n.ContainsTarget === 'true', declaredBy: qualifiedName,
      };
    });
    const ownKey = raw.Key?.[0]?.PropertyRef?.map((ref) => ref.Name ?? fail(`Key of ${decl.element}`, 'PropertyRef has no Name'));
    const type: EdmStructuredType & { ownKey?: string[] } = {
      kind: decl.kind, name: raw.Name as string, qualifiedName, abstract: raw.Abstract === 'true',
      open: raw.OpenType === 'true', properties, navigationProperties, derivedTypes: [],
    };
    if (baseType) type.baseType = baseType.type;
    if (ownKey) type.ownKey = ownKey;
    structured.set(qualifiedName, type);
  }

  const flattened = new Set<string>();
  const flatten = (qualifiedName: string, chain: string[]): void => {
    if (flattened.has(qualifiedName)) return;
    const type = structured.get(qualifiedName) as EdmStructuredType & { ownKey?: string[]; key?: string[] };
    if (chain.includes(qualifiedName)) fail(`${type.kind === 'entity' ? 'EntityType' : 'ComplexType'} '${qualifiedName}'`, `inheritance cycle: ${[...chain, qualifiedName].join(' -> ')}`);
    const element = `${type.kind === 'entity' ? 'EntityType' : 'ComplexType'} '${qualifiedName}'`;
    if (type.baseType) {
      flatten(type.baseType, [...chain, qualifiedName]);
      const base = structured.get(type.baseType) as EdmStructuredType & { key?: string[] };
      const names = new Set([...base.properties, ...base.navigationProperties].map((m) => m.name));
      for (const member of [...type.properties, ...type.navigationProperties]) {
        if (names.has(member.name)) fail(element, `member '${member.name}' is already declared by base type '${type.baseType}'`);
      }
      type.properties = [...base.properties, ...type.properties];
      type.navigationProperties = [...base.navigationProperties, ...type.navigationProperties];
      if (type.ownKey && base.key && base.key.length > 0) fail(element, `declares a Key although base type '${type.baseType}' already has one`);
      type.key = type.ownKey ?? base.key ?? [];
    } else {
      type.key = type.ownKey ?? [];
    }
    const seen = new Set<string>();
    for (const member of [...type.properties, ...type.navigationProperties]) {
      // A legal SimpleIdentifier, but as a JavaScript object key it would reach the prototype.
      if (member.name === '__proto__') fail(element, "the member name '__proto__' is reserved");
      if (seen.has(member.name)) fail(element, `duplicate member name '${member.name}'`);
      seen.add(member.name);
    }
    flattened.add(qualifiedName);
  };
  for (const qualifiedName of structured.keys()) flatten(qualifiedName, []);

  for (const type of structured.values()) {
    for (let base = type.baseType; base; base = structured.get(base)?.baseType) {
      structured.get(base)?.derivedTypes.push(type.qualifiedName);
    }
  }

  const entityTypes: Record<string, EdmEntityType> = {};
  const complexTypes: Record<string, EdmComplexType> = {};
  for (const qualifiedName of [...structured.keys()].sort()) {
    const { ownKey: _ownKey, ...type } = structured.get(qualifiedName) as EdmStructuredType & { ownKey?: string[]; key: string[] };
    type.derivedTypes.sort();
    if (type.kind === 'entity') {
      const element = `EntityType '${qualifiedName}'`;
      for (const keyName of type.key) {
        const keyProperty = type.properties.find((p) => p.name === keyName);
        if (!keyProperty) fail(element, `key property '${keyName}' is not a property of the type`);
        else if (keyProperty.typeKind !== 'primitive' && keyProperty.typeKind !== 'enum') fail(element, `key property '${keyName}' is not of a primitive or enum type`);
        else if (keyProperty.typeKind === 'primitive' && !KEY_TYPES.has(keyProperty.type)) fail(element, `key property '${keyName}' has type '${keyProperty.type}', which cannot be a key`);
        else if (keyProperty.nullable) fail(element, `key property '${keyName}' must have Nullable="false"`);
      }
      entityTypes[qualifiedName] = { ...type, kind: 'entity' };
    } else {
      const { key: _key, ...complex } = type;
      complexTypes[qualifiedName] = { ...complex, kind: 'complex' };
    }
  }

  const operations: EdmOperation[] = [];
  for (const schema of schemas) {
    for (const [kind, list] of [['action', schema.Action ?? []], ['function', schema.Function ?? []]] as const) {
      for (const raw of list) {
        if (raw.IsBound !== 'true') continue;
        const qualifiedName = `${schema.Namespace}.${raw.Name ?? fail(`${kind === 'action' ? 'Action' : 'Function'} in Schema '${schema.Namespace}'`, 'has no Name attribute')}`;
        const element = `${kind === 'action' ? 'Action' : 'Function'} '${qualifiedName}'`;
        const parameters = (raw.Parameter ?? []).map((parameter) => {
          const t = resolveType(parameter.Type, `Parameter '${parameter.Name}' of ${element}`);
          return { name: parameter.Name ?? fail(element, 'a Parameter has no Name'), type: t.type, collection: t.collection, nullable: parameter.Nullable !== 'false' };
        });
        const [binding] = parameters;
        if (!binding) fail(element, 'is bound but has no binding parameter');
        const operation: EdmOperation = {
          kind, name: raw.Name as string, qualifiedName, bindingParameter: (binding as { name: string }).name,
          bindingType: (binding as { type: string }).type, bindingCollection: (binding as { collection: boolean }).collection,
          bindingNullable: (binding as { nullable: boolean }).nullable, parameters: parameters.slice(1),
        };
        const returnType = raw.ReturnType?.[0]?.Type;
        if (returnType) {
          const t = resolveType(returnType, `ReturnType of ${element}`);
          operation.returnType = { type: t.type, collection: t.collection };
        }
        operations.push(operation);
      }
    }
  }
  const container = buildContainer(schemas, resolveType, fail);
  // CSDL 4.01 §6.5: a key may only be missing where no collection holds the type (singletons and
  // single-valued navigation need none; Graph's v1.0 metadata has such types, `admin` for one).
  const keyless = (typeName: string) => (entityTypes[typeName]?.key.length ?? 0) === 0;
  const noKey = (typeName: string, usedBy: string): never =>
    fail(`EntityType '${typeName}'`, `has no Key and inherits none, but ${usedBy} holds it in a collection`);
  for (const set of Object.values(container.entitySets)) if (keyless(set.entityType)) noKey(set.entityType, `EntitySet '${set.name}'`);
  for (const type of Object.values(entityTypes)) {
    for (const nav of type.navigationProperties) {
      if (nav.collection && nav.declaredBy === type.qualifiedName && keyless(nav.type)) noKey(nav.type, `NavigationProperty '${nav.name}' of EntityType '${type.qualifiedName}'`);
    }
  }
  const sortedEnums: Record<string, EdmEnumType> = {};
  for (const name of Object.keys(enumTypes).sort()) sortedEnums[name] = enumTypes[name] as EdmEnumType;
  return {
    namespaces,
    aliases: Object.fromEntries([...aliases].sort(([a], [b]) => a.localeCompare(b))),
    entityTypes,
    complexTypes,
    enumTypes: sortedEnums,
    operations,
    container,
  };
}

function buildContainer(
  schemas: RawSchema[],
  resolveType: (raw: string | undefined, element: string) => { type: string; kind: TypeKind; collection: boolean },
  fail: (element: string, problem: string) => never,
): EdmEntityContainer {
  const holders = schemas.filter((schema) => (schema.EntityContainer?.length ?? 0) > 0);
  if (holders.length === 0) return fail('edmx:DataServices', 'no Schema holds an EntityContainer');
  if (holders.length > 1 || (holders[0]?.EntityContainer?.length ?? 0) > 1) fail('EntityContainer', 'more than one EntityContainer is declared');
  const schema = holders[0] as RawSchema;
  const raw = schema.EntityContainer?.[0] as NonNullable<RawSchema['EntityContainer']>[number];
  const name = raw.Name ?? fail(`EntityContainer in Schema '${schema.Namespace}'`, 'has no Name attribute');
  const children = new Set<string>();
  const claim = (label: string, childName: string | undefined): string => {
    if (!childName) return fail(`${label} in EntityContainer '${name}'`, 'has no Name attribute');
    if (children.has(childName)) fail(`${label} '${childName}'`, `duplicate name in EntityContainer '${name}'`);
    children.add(childName);
    return childName;
  };
  const declaredChildren = new Set([...(raw.EntitySet ?? []), ...(raw.Singleton ?? [])].map((child) => child.Name));
  const bindings = (list: { Path?: string; Target?: string }[] | undefined, element: string) =>
    (list ?? []).map((b) => {
      const path = b.Path ?? fail(`NavigationPropertyBinding of ${element}`, 'has no Path');
      const target = b.Target ?? fail(`NavigationPropertyBinding '${path}' of ${element}`, 'has no Target');
      // CSDL 13.4.2: the target starts at an entity set or singleton, optionally container-qualified.
      const first = target.replace(new RegExp(`^(${schema.Namespace}\\.)?${name}/`), '').split('/')[0];
      if (!declaredChildren.has(first)) fail(`NavigationPropertyBinding '${path}' of ${element}`, `target '${target}' is not an entity set or singleton of EntityContainer '${name}'`);
      return { path, target };
    });

  /** An entity set or singleton: its name claimed, its entity type checked, its bindings read. */
  const child = (label: 'EntitySet' | 'Singleton', raw: { Name?: string; NavigationPropertyBinding?: RawBinding[] }, typeAttribute: string, typeName: string | undefined) => {
    const childName = claim(label, raw.Name);
    const element = `${label} '${childName}'`;
    const t = resolveType(typeName, element);
    if (t.kind !== 'entity' || t.collection) fail(element, `${typeAttribute} '${typeName}' is not an entity type`);
    return { name: childName, type: t.type, navigationBindings: bindings(raw.NavigationPropertyBinding, element) };
  };
  const entitySets: EdmEntityContainer['entitySets'] = {};
  for (const set of raw.EntitySet ?? []) {
    const { name: setName, type, navigationBindings } = child('EntitySet', set, 'EntityType', set.EntityType);
    entitySets[setName] = { name: setName, entityType: type, navigationBindings };
  }
  const singletons: EdmEntityContainer['singletons'] = {};
  for (const singleton of raw.Singleton ?? []) {
    const built = child('Singleton', singleton, 'Type', singleton.Type);
    singletons[built.name] = built;
  }
  return { name, namespace: schema.Namespace as string, entitySets, singletons };
}
