import { odataErrors } from './errors.js';
import type { ODataRequest, ODataResponse } from './exchange.js';
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

/** CSDL XML, with its ETag; `If-None-Match` can make it a 304. */
export function metadataResponse(request: ODataRequest, service: ODataService, rawQuery: string): ODataResponse {
  // Only CSDL XML is served: a request for JSON CSDL (OData 4.01 CSDL JSON) is not acceptable.
  const format = /(?:^|&)\$?format=([^&]*)/i.exec(rawQuery)?.[1];
  if (format !== undefined && !/^(xml|application(%2F|\/)xml)/i.test(format)) throw odataErrors.metadataFormatNotAcceptable(decodeURIComponent(format));
  const headers = { ETag: service.metadataEtag, 'Cache-Control': 'no-cache' };
  const match = request.headers['if-none-match'];
  if (typeof match === 'string' && match.split(',').some((tag) => tag.trim() === service.metadataEtag || tag.trim() === '*')) {
    return rawResponse(request, 304, undefined, undefined, headers);
  }
  // The document is encoded once (service.metadataBody), not on every request.
  return rawResponse(request, 200, service.metadataBody, 'application/xml', headers);
}
