import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { EdmError } from './edm-error.js';

// The CSDL XML elements edmock reads, as fast-xml-parser hands them over: attributes as plain
// string fields, child elements always as arrays (so an attribute and a child of the same name
// never look alike, and unknown markup can be told apart). Elements edmock does not use are
// ignored here; check-markup.ts warns about the ones CSDL does not define.

/** An annotation (CSDL 14.3): its term as written, and its value in attribute or element form. */
export interface RawAnnotation { Term?: string; Qualifier?: string; Annotation?: RawAnnotation[]; [expression: string]: unknown }
export interface RawAnnotations { Target?: string; Qualifier?: string; Annotation?: RawAnnotation[] }

export interface RawProperty { Name?: string; Type?: string; Nullable?: string; DefaultValue?: string; MaxLength?: string; Precision?: string; Scale?: string; Annotation?: RawAnnotation[] }
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
  TypeDefinition?: { Name?: string; UnderlyingType?: string }[];
  Term?: { Name?: string }[];
  Annotations?: RawAnnotations[];
}

/** An edmx:Include of an edmx:Reference: a namespace of the referenced document, maybe aliased. */
export interface RawInclude { Namespace?: string; Alias?: string }
export interface RawReference { Uri?: string; Include?: RawInclude[] }

/** One EDMX document: what it references and the schemas it declares. */
export interface RawDocument {
  references: RawReference[];
  schemas: RawSchema[];
  /** The edmx:Edmx element as parsed, for the check of unknown markup. */
  root: Record<string, unknown>;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  ignoreDeclaration: true,
  parseAttributeValue: false,
  parseTagValue: false,
  // Attributes pass through isArray too: EntitySet has an attribute named EntityType.
  isArray: (_name, _jPath, _isLeaf, isAttribute) => !isAttribute,
});

/** Parses EDMX text into its references and schemas. Malformed XML or a document that is not EDMX is an EdmError. */
export function readEdmx(xml: string, source?: string): RawDocument {
  const verdict = XMLValidator.validate(xml);
  if (verdict !== true) {
    const { line, col, msg } = verdict.err;
    throw new EdmError('document', `malformed XML at line ${line}, column ${col}: ${msg}`, source);
  }
  type Parsed = { Edmx?: (Record<string, unknown> & { Reference?: RawReference[]; DataServices?: { Schema?: RawSchema[] }[] })[] };
  const edmx = (parser.parse(xml) as Parsed).Edmx;
  if (!edmx) throw new EdmError('document', 'the root element is not edmx:Edmx', source);
  const root = typeof edmx[0] === 'object' ? edmx[0] : {};
  const schemas = root.DataServices?.[0]?.Schema;
  if (!schemas || schemas.length === 0) throw new EdmError('edmx:DataServices', 'holds no Schema element', source);
  return { references: root.Reference ?? [], schemas, root };
}
