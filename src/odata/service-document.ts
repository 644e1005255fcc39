import { odataErrors } from './errors.js';
import type { ODataRequest, ODataResponse } from './exchange.js';
import { csdlJsonOf } from './metadata-json.js';
import { contextUrl } from './response-json.js';
import { jsonResponse, rawResponse } from './respond.js';
import type { ODataService } from './service.js';

// The two fixed resources of every service: the metadata document and the service document.

/**
 * OData JSON §5: `kind` may be omitted for entity sets, as Graph does; function imports are listed
 * when they say IncludeInServiceDocument (CSDL 13.6.3).
 */
export function serviceDocumentResponse(request: ODataRequest, service: ODataService, baseUrl: string): ODataResponse {
  const { entitySets, singletons, functionImports } = service.model.container;
  const value = [
    ...Object.keys(entitySets).sort().map((name) => ({ name, url: name })),
    ...Object.keys(singletons).sort().map((name) => ({ name, kind: 'Singleton', url: name })),
    ...Object.values(functionImports).filter((f) => f.includeInServiceDocument).map((f) => f.name).sort().map((name) => ({ name, kind: 'FunctionImport', url: name })),
  ];
  return jsonResponse(request, 200, { '@odata.context': contextUrl(baseUrl, '').replace(/#$/, ''), value });
}

/**
 * CSDL XML, with its ETag; `If-None-Match` can make it a 304. `$format=json` (or
 * `application/json`) asks for CSDL JSON instead (Protocol 4.01 §11.1.2), with its own ETag.
 * Accept alone never does: Graph answers XML to `Accept: application/json`, and clients that
 * send it for every request (odata2ts) read the XML.
 */
export function metadataResponse(request: ODataRequest, service: ODataService, rawQuery: string): ODataResponse {
  const format = rawQuery === '' ? undefined : /(?:^|&)\$?format=([^&]*)/i.exec(rawQuery)?.[1];
  if (format === undefined || /^(xml|application(%2F|\/)xml)/i.test(format)) {
    // The document is encoded once (service.metadataBody), not on every request.
    return conditionalResponse(request, service.metadataEtag, service.metadataBody, 'application/xml');
  }
  if (/^(json|application(%2F|\/)json)(;|%3B|$)/i.test(format)) {
    const { etag, body } = csdlJsonOf(service);
    return conditionalResponse(request, etag, body, 'application/json');
  }
  throw odataErrors.metadataFormatNotAcceptable(decodedOrRaw(format));
}

/** A query value as the client meant it; malformed percent-encoding is shown as sent, never a 500. */
function decodedOrRaw(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function conditionalResponse(request: ODataRequest, etag: string, body: Buffer, contentType: string): ODataResponse {
  const headers = { ETag: etag, 'Cache-Control': 'no-cache' };
  const match = request.headers['if-none-match'];
  if (typeof match === 'string' && match.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
    return rawResponse(request, 304, undefined, undefined, headers);
  }
  return rawResponse(request, 200, body, contentType, headers);
}
