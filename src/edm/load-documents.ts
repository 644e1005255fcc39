import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EdmError, type Warn } from './edm-error.js';
import { qualifyDocumentNames } from './qualify-names.js';
import { readEdmx, type RawDocument, type RawReference, type RawSchema } from './read-edmx.js';

// A main EDMX document and what its edmx:Reference elements bring in (CSDL 3.3): included
// schemas of files beside it join the model; well-known vocabularies need no file; a reference
// that cannot be loaded leaves its namespaces unavailable (a warning, not a failure).

/** Every schema the model is built from, and what the names in them may refer to. */
export interface DocumentSet {
  /** The main document's schemas first (in order), then the included schemas of referenced files. */
  schemas: RawSchema[];
  /** The main document as parsed, and every referenced document loaded, with their files. */
  documents: { document: RawDocument; source: string | undefined }[];
  /** Namespace -> the file that declares it (for diagnostics naming the right file). */
  sources: Map<string, string | undefined>;
  /** The main document's Include aliases (schema aliases are read from the schemas). */
  includeAliases: Map<string, string>;
  /** Namespaces of well-known vocabularies referenced: their terms are understood, no file needed. */
  vocabularies: Set<string>;
  /** Namespaces referenced but not loaded: elements typed in them are left out. */
  unavailable: Set<string>;
}

const VOCABULARY_NAMESPACE = /^(Org\.OData\.|com\.sap\.vocabularies\.)/;
const VOCABULARY_URI = /^https?:\/\/(docs\.oasis-open\.org\/odata\/|oasis-tcs\.github\.io\/odata-vocabularies\/|sap\.github\.io\/odata-vocabularies\/)/i;

/** A reference needs no file when it names a vocabulary by namespace or by its OASIS/SAP address. */
export function isVocabularyReference(reference: RawReference): boolean {
  if (reference.Uri && VOCABULARY_URI.test(reference.Uri)) return true;
  const includes = reference.Include ?? [];
  return includes.length > 0 && includes.every((include) => VOCABULARY_NAMESPACE.test(include.Namespace ?? ''));
}

/** The local file a reference's URI names, relative to the referencing file; undefined for other schemes. */
function referencedFile(uri: string, from: string | undefined): string | undefined {
  try {
    const url = new URL(uri, pathToFileURL(from ? path.resolve(from) : path.resolve('document.xml')));
    return url.protocol === 'file:' ? fileURLToPath(url) : undefined;
  } catch {
    return undefined;
  }
}

/** A document and, recursively, the documents it references; each file read once. */
export function loadDocumentSet(main: RawDocument, mainSource: string | undefined, warn: Warn, readFile: ((file: string) => string) | undefined): DocumentSet {
  const set: DocumentSet = {
    schemas: [...main.schemas], documents: [{ document: main, source: mainSource }], sources: new Map(),
    includeAliases: new Map(), vocabularies: new Set(), unavailable: new Set(),
  };
  for (const schema of main.schemas) if (schema.Namespace) set.sources.set(schema.Namespace, mainSource);
  const loaded = new Map<string, RawDocument | undefined>();
  if (mainSource) loaded.set(path.resolve(mainSource), undefined);
  const joined = new Set(set.sources.keys());
  const visit = (document: RawDocument, source: string | undefined, isMain: boolean): void => {
    for (const reference of document.references) {
      const element = `edmx:Reference '${reference.Uri ?? ''}'`;
      const includes = (reference.Include ?? []).filter((include) => include.Namespace);
      if (isMain) for (const include of includes) if (include.Alias) set.includeAliases.set(include.Alias, include.Namespace as string);
      if (isVocabularyReference(reference)) {
        for (const include of includes) set.vocabularies.add(include.Namespace as string);
        continue;
      }
      const file = reference.Uri ? referencedFile(reference.Uri, source) : undefined;
      const target = file && readFile ? loadOnce(file, loaded, readFile, warn, element, source) : undefined;
      if (file && !readFile) warn(element, 'not loaded: the document was given as text, without its file; the namespaces it includes are unavailable');
      else if (!file) warn(element, `'${reference.Uri ?? ''}' is not a file edmock can read (only relative and file: URIs are loaded); the namespaces it includes are unavailable`);
      for (const include of includes) {
        const namespace = include.Namespace as string;
        if (joined.has(namespace)) continue;
        const schema = target?.schemas.find((s) => s.Namespace === namespace);
        if (!schema) {
          if (target) warn(element, `the referenced document declares no Schema '${namespace}'`);
          set.unavailable.add(namespace);
          continue;
        }
        joined.add(namespace);
        // The entity container served is the main document's: a referenced one's is not.
        const { EntityContainer: _container, ...withoutContainer } = schema;
        set.schemas.push(withoutContainer);
        set.sources.set(namespace, file);
      }
      if (target && file && !set.documents.some((d) => d.document === target)) {
        set.documents.push({ document: target, source: file });
        visit(target, file, false);
      }
    }
  };
  visit(main, mainSource, true);
  for (const namespace of joined) set.unavailable.delete(namespace);
  return set;
}

/**
 * The referenced document at `file`, read and parsed on first use (undefined when it cannot be:
 * a warning). Its alias-qualified names are rewritten with its own aliases, since aliases are
 * local to the document that declares them.
 */
function loadOnce(
  file: string, loaded: Map<string, RawDocument | undefined>, readFile: (file: string) => string, warn: Warn, element: string, from: string | undefined,
): RawDocument | undefined {
  if (loaded.has(file)) return loaded.get(file);
  loaded.set(file, undefined);
  if (!existsSync(file)) {
    warn(element, `file '${displayPath(file, from)}' not found; the namespaces it includes are unavailable`);
    return undefined;
  }
  try {
    const document = readEdmx(readFile(file), file);
    qualifyDocumentNames(document);
    loaded.set(file, document);
    return document;
  } catch (error) {
    if (!(error instanceof EdmError)) throw error;
    warn(element, `'${displayPath(file, from)}' cannot be read: ${error.element}: ${error.problem}`);
    return undefined;
  }
}

function displayPath(file: string, from: string | undefined): string {
  return from ? path.relative(path.dirname(path.resolve(from)), file) || file : file;
}
