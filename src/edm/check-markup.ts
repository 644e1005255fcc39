import type { Warn } from './edm-error.js';

// Markup CSDL does not define (a misspelt element, a foreign attribute such as SAP's `sap:label`)
// is ignored and reported, so the user learns that edmock did not read it. Annotation contents are
// expressions of any shape and are not checked.

interface Grammar { attributes: string[]; children: string[] }

const FACETS = ['MaxLength', 'Precision', 'Scale', 'SRID', 'Unicode'];
const G = (attributes: string[], children: string[] = []): Grammar => ({ attributes, children: [...children, 'Annotation'] });

const GRAMMAR: Record<string, Grammar> = {
  Edmx: { attributes: ['Version'], children: ['Reference', 'DataServices'] },
  Reference: G(['Uri'], ['Include', 'IncludeAnnotations']),
  Include: G(['Namespace', 'Alias']),
  IncludeAnnotations: G(['TermNamespace', 'Qualifier', 'TargetNamespace']),
  // DataServiceVersion: written by generators of OData 2 habits, harmless.
  DataServices: { attributes: ['DataServiceVersion', 'MaxDataServiceVersion'], children: ['Schema'] },
  Schema: G(['Namespace', 'Alias'], ['EntityType', 'ComplexType', 'EnumType', 'TypeDefinition', 'Term', 'Action', 'Function', 'EntityContainer', 'Annotations']),
  EntityType: G(['Name', 'BaseType', 'Abstract', 'OpenType', 'HasStream'], ['Key', 'Property', 'NavigationProperty']),
  ComplexType: G(['Name', 'BaseType', 'Abstract', 'OpenType'], ['Property', 'NavigationProperty']),
  Key: { attributes: [], children: ['PropertyRef'] },
  PropertyRef: { attributes: ['Name', 'Alias'], children: [] },
  Property: G(['Name', 'Type', 'Nullable', 'DefaultValue', ...FACETS]),
  NavigationProperty: G(['Name', 'Type', 'Nullable', 'Partner', 'ContainsTarget'], ['ReferentialConstraint', 'OnDelete']),
  ReferentialConstraint: G(['Property', 'ReferencedProperty']),
  OnDelete: G(['Action']),
  EnumType: G(['Name', 'UnderlyingType', 'IsFlags'], ['Member']),
  Member: G(['Name', 'Value']),
  TypeDefinition: G(['Name', 'UnderlyingType', ...FACETS]),
  Term: G(['Name', 'Type', 'BaseTerm', 'Nullable', 'DefaultValue', 'AppliesTo', ...FACETS]),
  Action: G(['Name', 'IsBound', 'EntitySetPath'], ['Parameter', 'ReturnType']),
  Function: G(['Name', 'IsBound', 'IsComposable', 'EntitySetPath'], ['Parameter', 'ReturnType']),
  Parameter: G(['Name', 'Type', 'Nullable', ...FACETS]),
  ReturnType: G(['Type', 'Nullable', ...FACETS]),
  EntityContainer: G(['Name', 'Extends'], ['EntitySet', 'Singleton', 'ActionImport', 'FunctionImport']),
  EntitySet: G(['Name', 'EntityType', 'IncludeInServiceDocument'], ['NavigationPropertyBinding']),
  Singleton: G(['Name', 'Type', 'Nullable'], ['NavigationPropertyBinding']),
  NavigationPropertyBinding: { attributes: ['Path', 'Target'], children: [] },
  ActionImport: G(['Name', 'Action', 'EntitySet']),
  FunctionImport: G(['Name', 'Function', 'EntitySet', 'IncludeInServiceDocument']),
  Annotations: { attributes: ['Target', 'Qualifier'], children: ['Annotation'] },
};
const KNOWN = new Map(Object.entries(GRAMMAR).map(([name, g]) => [name, { attributes: new Set(g.attributes), children: new Set(g.children) }]));

/** How an element is named in diagnostics: `Property 'id' of EntityType 'ns.T'`. */
function elementLabel(name: string, element: Record<string, unknown>, parent: string | undefined, namespace: string | undefined): string {
  const identity = element.Name ?? element.Namespace ?? element.Target ?? element.Uri ?? element.Term;
  const qualified = (name === 'EntityType' || name === 'ComplexType' || name === 'EnumType') && namespace ? `${namespace}.${String(identity)}` : identity;
  const own = typeof qualified === 'string' ? `${name} '${qualified}'` : name;
  const top = name === 'Schema' || name === 'EntityType' || name === 'ComplexType' || name === 'EnumType' || name === 'EntityContainer' || name === 'Edmx';
  return parent && !top ? `${own} of ${parent}` : own;
}

/** Warns about every attribute and child element CSDL does not define, from the edmx:Edmx element down. */
export function checkMarkup(root: Record<string, unknown>, warn: Warn): void {
  // An element's label is only built when it has something to report: most have nothing.
  type Label = () => string;
  const visit = (name: string, element: Record<string, unknown>, parent: Label | undefined, namespace: string | undefined): void => {
    const grammar = KNOWN.get(name);
    if (!grammar) return;
    const ns = name === 'Schema' && typeof element.Namespace === 'string' ? element.Namespace : namespace;
    let label: string | undefined;
    const here: Label = () => (label ??= elementLabel(name, element, parent?.(), ns));
    for (const key in element) {
      const value = element[key];
      if (!Array.isArray(value)) {
        if (key !== '#text' && !grammar.attributes.has(key)) warn(here(), `unknown attribute '${key}' ignored`);
        continue;
      }
      if (!grammar.children.has(key)) { warn(here(), `unknown element '${key}' ignored`); continue; }
      if (key === 'Annotation') continue;
      for (const child of value) visit(key, typeof child === 'object' && child !== null ? child as Record<string, unknown> : {}, here, ns);
    }
  };
  visit('Edmx', root, undefined, undefined);
}
