import { readFileSync } from 'node:fs';
import { applyPropertyAnnotations } from './apply-annotations.js';
import { buildContainer } from './build-container.js';
import { buildEnumTypes } from './build-enum-types.js';
import { buildOperations } from './build-operations.js';
import { checkMarkup } from './check-markup.js';
import { checkKeyProperties, requireKeysWhereCollected } from './check-keys.js';
import { dropUnavailable } from './drop-unavailable.js';
import { EdmError, type EdmDiagnostic, type Fail, type Warn } from './edm-error.js';
import { flattenInheritance, linkDerivedTypes, splitByKind } from './flatten-inheritance.js';
import { loadDocumentSet, type DocumentSet } from './load-documents.js';
import type { EdmModel } from './model.js';
import { declareTypes, readNamespaces, typeResolver } from './name-scope.js';
import { qualifier } from './qualify-names.js';
import { readEdmx, type RawSchema } from './read-edmx.js';
import { readStructuredTypes } from './read-structured-types.js';

/** A model and what edmock thought of the document(s) it was built from. */
export interface LoadedModel {
  model: EdmModel;
  /** Warnings only: an error stops the build with an EdmError. */
  diagnostics: EdmDiagnostic[];
}

/**
 * Parses and checks an EDMX text; the result is the typed model every later stage reads. Its
 * references are not loaded (see loadEdmx); warnings are dropped.
 */
export function parseEdmx(xml: string, source?: string): EdmModel {
  return parseEdmxWithDiagnostics(xml, source).model;
}

/** parseEdmx, with the warnings. References to files are not loaded: their namespaces are unavailable. */
export function parseEdmxWithDiagnostics(xml: string, source?: string): LoadedModel {
  const diagnostics: EdmDiagnostic[] = [];
  return { model: buildFrom(xml, source, undefined, diagnostics), diagnostics };
}

const readText = (file: string) => readFileSync(file, 'utf8');

/**
 * An EDMX file with the files its edmx:Reference elements name beside it, recursively (`xml`:
 * the file's text, when the caller has read it already).
 */
export function loadEdmx(file: string, xml = readText(file)): LoadedModel {
  const diagnostics: EdmDiagnostic[] = [];
  return { model: buildFrom(xml, file, readText, diagnostics), diagnostics };
}

/**
 * Every diagnostic of an EDMX file: its warnings, and the error that stops the build if any
 * (the last diagnostic, rather than thrown).
 */
export function checkEdmxFile(file: string): EdmDiagnostic[] {
  const diagnostics: EdmDiagnostic[] = [];
  try {
    buildFrom(readText(file), file, readText, diagnostics);
  } catch (error) {
    if (!(error instanceof EdmError)) throw error;
    diagnostics.push({ severity: 'error', element: error.element, problem: error.problem, ...(error.source ? { source: error.source } : {}) });
  }
  return diagnostics;
}

/** The model of a main document; warnings go to `diagnostics` as they come, an error is thrown. */
function buildFrom(xml: string, source: string | undefined, readFile: ((file: string) => string) | undefined, diagnostics: EdmDiagnostic[]): EdmModel {
  // Filled once the references are loaded; until then every diagnostic is the main file's.
  const loaded: { documents?: DocumentSet } = {};
  const located = (element: string, problem: string, severity: EdmDiagnostic['severity']): EdmDiagnostic => {
    const file = loaded.documents ? sourceOf(element, loaded.documents) ?? source : source;
    return { severity, element, problem, ...(file ? { source: file } : {}) };
  };
  const warn: Warn = (element, problem) => { diagnostics.push(located(element, problem, 'warning')); };
  const documents = loadDocumentSet(readEdmx(xml, source), source, warn, readFile);
  loaded.documents = documents;
  for (const { document, source: file } of documents.documents) {
    checkMarkup(document.root, (element, problem) => { diagnostics.push({ severity: 'warning', element, problem, ...(file ? { source: file } : {}) }); });
  }
  const fail: Fail = (element, problem) => {
    throw new EdmError(element, problem, located(element, problem, 'error').source);
  };
  return buildModel(documents, fail, warn);
}

/** The file an element is declared in: the namespace of the last qualified name its path quotes. */
function sourceOf(element: string, documents: DocumentSet): string | undefined {
  const quoted = [...element.matchAll(/'([^']*)'/g)].map((m) => m[1] as string).reverse();
  for (const name of quoted) {
    for (let dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
      const namespace = name.slice(0, dot);
      if (documents.sources.has(namespace)) return documents.sources.get(namespace);
    }
    if (documents.sources.has(name)) return documents.sources.get(name);
  }
  return undefined;
}

/**
 * Builds the model phase by phase; the phases run in this order so that the first defect a
 * document has is the one reported, and every name is declared before any reference resolves.
 */
export function buildModel(documents: DocumentSet, fail: Fail, warn: Warn): EdmModel {
  const schemas: RawSchema[] = documents.schemas;
  const { namespaces, aliases } = readNamespaces(schemas, fail);
  for (const [alias, namespace] of documents.includeAliases) {
    if (!aliases.has(alias)) aliases.set(alias, namespace);
    else if (aliases.get(alias) !== namespace) warn(`edmx:Include '${namespace}'`, `alias '${alias}' is already the alias of Schema '${aliases.get(alias)}'; the Include's alias is ignored`);
  }
  const qualifyName = qualifier(aliases) as (name: string) => string;
  const unchecked = new Set([...documents.unavailable, ...documents.vocabularies]);
  dropUnavailable(schemas, { namespaces: unchecked, qualify: qualifyName }, warn);
  const declared = declareTypes(schemas, fail);
  const resolveType = typeResolver(aliases, declared, fail);
  const enumTypes = buildEnumTypes(schemas, fail);
  const flatTypes = flattenInheritance(readStructuredTypes(declared, resolveType, fail), fail);
  linkDerivedTypes(flatTypes);
  const { entityTypes, complexTypes } = splitByKind(flatTypes);
  checkKeyProperties(entityTypes, complexTypes, fail, warn);
  const operations = buildOperations(schemas, resolveType, fail);
  const container = buildContainer(schemas, resolveType, fail, { unbound: operations.unbound, aliases }, warn);
  requireKeysWhereCollected(entityTypes, container, fail);
  const model: EdmModel = {
    namespaces,
    // Only aliases of namespaces in the model: a vocabulary's alias names no type.
    aliases: Object.fromEntries([...aliases].filter(([, ns]) => namespaces.includes(ns)).sort(([a], [b]) => a.localeCompare(b))),
    entityTypes,
    complexTypes,
    enumTypes,
    operations: operations.bound,
    unboundOperations: operations.unbound,
    container,
  };
  applyPropertyAnnotations(schemas, model, { qualify: qualifyName, unchecked, warn });
  return model;
}
