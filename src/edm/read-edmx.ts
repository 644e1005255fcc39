import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { EdmError } from './edm-error.js';

// The CSDL XML elements edmock reads, as fast-xml-parser hands them over: attributes as plain
// string fields, repeatable children as arrays. Elements edmock does not use (annotations,
// terms, operations before issue 5) are ignored here rather than rejected.

export interface RawProperty { Name?: string; Type?: string; Nullable?: string; DefaultValue?: string; MaxLength?: string; Precision?: string; Scale?: string }
export interface RawNavigationProperty { Name?: string; Type?: string; Nullable?: string; ContainsTarget?: string }
export interface RawPropertyRef { Name?: string; Alias?: string }
export interface RawStructuredType {
  Name?: string;
  BaseType?: string;
  Abstract?: string;
  OpenType?: string;
  Key?: { PropertyRef?: RawPropertyRef[] }[];
  Property?: RawProperty[];
  NavigationProperty?: RawNavigationProperty[];
}
export interface RawEnumType { Name?: string; UnderlyingType?: string; IsFlags?: string; Member?: { Name?: string; Value?: string }[] }
export interface RawBinding { Path?: string; Target?: string }
export interface RawEntitySet { Name?: string; EntityType?: string; NavigationPropertyBinding?: RawBinding[] }
export interface RawSingleton { Name?: string; Type?: string; NavigationPropertyBinding?: RawBinding[] }
export interface RawActionImport { Name?: string; Action?: string; EntitySet?: string }
export interface RawFunctionImport { Name?: string; Function?: string; EntitySet?: string; IncludeInServiceDocument?: string }
export interface RawEntityContainer {
  Name?: string;
  EntitySet?: RawEntitySet[];
  Singleton?: RawSingleton[];
  ActionImport?: RawActionImport[];
  FunctionImport?: RawFunctionImport[];
}
export interface RawParameter { Name?: string; Type?: string; Nullable?: string; MaxLength?: string; Precision?: string; Scale?: string }
export interface RawOperation {
  Name?: string;
  IsBound?: string;
  IsComposable?: string;
  EntitySetPath?: string;
  Parameter?: RawParameter[];
  ReturnType?: { Type?: string; Nullable?: string }[];
}
export interface RawSchema {
  Action?: RawOperation[];
  Function?: RawOperation[];
  Namespace?: string;
  Alias?: string;
  EntityType?: RawStructuredType[];
  ComplexType?: RawStructuredType[];
  EnumType?: RawEnumType[];
  EntityContainer?: RawEntityContainer[];
}

const REPEATABLE = new Set([
  'Schema', 'EntityType', 'ComplexType', 'EnumType', 'Member', 'Key', 'PropertyRef', 'Property',
  'NavigationProperty', 'EntityContainer', 'EntitySet', 'Singleton', 'NavigationPropertyBinding',
  'Reference', 'Include', 'Annotation', 'Action', 'Function', 'Parameter', 'Term', 'TypeDefinition',
  'ActionImport', 'FunctionImport', 'Annotations', 'OnDelete', 'ReferentialConstraint', 'ReturnType',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  ignoreDeclaration: true,
  parseAttributeValue: false,
  parseTagValue: false,
  // Attributes pass through isArray too: EntitySet has an attribute named EntityType.
  isArray: (name, _jPath, _isLeaf, isAttribute) => !isAttribute && REPEATABLE.has(name),
});

/** Parses EDMX text into its schemas. Malformed XML or a document that is not EDMX is an EdmError. */
export function readEdmx(xml: string, source?: string): RawSchema[] {
  const verdict = XMLValidator.validate(xml);
  if (verdict !== true) {
    const { line, col, msg } = verdict.err;
    throw new EdmError('document', `malformed XML at line ${line}, column ${col}: ${msg}`, source);
  }
  const document = parser.parse(xml) as { Edmx?: { DataServices?: { Schema?: RawSchema[] } } };
  const schemas = document.Edmx?.DataServices?.Schema;
  if (!document.Edmx) throw new EdmError('document', 'the root element is not edmx:Edmx', source);
  if (!schemas || schemas.length === 0) throw new EdmError('edmx:DataServices', 'holds no Schema element', source);
  return schemas;
}
