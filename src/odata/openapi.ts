import { createRequire } from 'node:module';
import { csdlXmlToJson } from '../edm/csdl-json.js';

// An OpenAPI 3.0 description of a service, made by the OASIS converters rather than by hand:
// odata-csdl turns the CSDL XML into CSDL JSON (edm/csdl-json.ts), odata-openapi turns that into
// OpenAPI. Both are CommonJS without types, and loaded on first use: the whole Graph metadata takes seconds to
// convert, and nothing else needs them.

/** CSDL JSON as odata-csdl writes it: `$Version`, `$EntityContainer`, one member per schema. */
type CsdlJson = Record<string, unknown>;

/** What the converters report about a model they read (an unknown type, a dangling annotation target). */
type ConverterMessage = string | { message: string; parser?: { line?: number } };

interface OpenApiConverter {
  csdl2openapi: (csdl: CsdlJson, options: {
    scheme: string; host: string; basePath: string; openapiVersion: string; maxLevels: number; messages: ConverterMessage[];
  }) => OpenApiDocument;
}

export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  servers?: { url: string }[];
  paths: Record<string, Record<string, unknown>>;
  [member: string]: unknown;
}

export interface OpenApiOptions {
  /**
   * Navigation segments followed below an entity set or singleton (the converter's own limit,
   * default 4): containment nests without bound in Graph, and every level multiplies the paths.
   */
  maxLevels?: number;
}

export interface OpenApiResult {
  document: OpenApiDocument;
  /** The converters' findings, one a line (`line 465: ...` where they know it). */
  warnings: string[];
}

const CAPABILITIES = 'Org.OData.Capabilities.V1';
const requireCjs = createRequire(import.meta.url);

/**
 * The OpenAPI 3.0.2 description of the service `metadataXml` describes, served at `serverUrl`
 * (the service root: `http://127.0.0.1:4000/beta`).
 */
export function openApiOf(metadataXml: string, serverUrl: string, options: OpenApiOptions = {}): OpenApiResult {
  const { csdl2openapi } = requireCjs('odata-openapi') as OpenApiConverter;
  // A conversion of its own, not the one $metadata?$format=json keeps: preferKeySegments changes it.
  const { document: csdl, messages: csdlMessages } = csdlXmlToJson(metadataXml);
  const messages: ConverterMessage[] = [...csdlMessages];
  preferKeySegments(csdl);
  const root = new URL(serverUrl);
  const document = csdl2openapi(csdl, {
    scheme: root.protocol.replace(/:$/, ''),
    host: root.host,
    basePath: root.pathname.replace(/\/$/, ''),
    openapiVersion: '3.0.2',
    maxLevels: options.maxLevels ?? 4,
    messages,
  });
  // The converter writes scheme://host/basePath; the caller's text is what a client was given.
  if (document.servers !== undefined) document.servers = [{ url: serverUrl.replace(/\/$/, '') }];
  return { document, warnings: messages.map(messageText) };
}

/**
 * Keys as segments (`/mobileApps/{id}`), as Graph writes its URLs and the mock answers them,
 * unless the metadata says how it wants them or a key has several parts (a segment holds one).
 */
function preferKeySegments(csdl: CsdlJson): void {
  const qualified = csdl.$EntityContainer;
  if (typeof qualified !== 'string') return;
  const dot = qualified.lastIndexOf('.');
  const schema = csdl[qualified.slice(0, dot)] as Record<string, Record<string, unknown>> | undefined;
  const container = schema?.[qualified.slice(dot + 1)];
  if (container === undefined) return;
  const term = `@${CAPABILITIES}.KeyAsSegmentSupported`;
  if (Object.keys(container).some((name) => name.endsWith('.KeyAsSegmentSupported'))) return;
  if (hasCompositeKey(csdl)) return;
  container[term] = true;
}

function hasCompositeKey(csdl: CsdlJson): boolean {
  for (const [name, schema] of Object.entries(csdl)) {
    if (name.startsWith('$') || typeof schema !== 'object' || schema === null) continue;
    for (const element of Object.values(schema as Record<string, unknown>)) {
      const key = (element as { $Key?: unknown[] } | null)?.$Key;
      if (Array.isArray(key) && key.length > 1) return true;
    }
  }
  return false;
}

function messageText(message: ConverterMessage): string {
  if (typeof message === 'string') return message;
  const line = message.parser?.line;
  return line === undefined ? message.message : `line ${line}: ${message.message}`;
}
