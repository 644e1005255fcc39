import { createHash } from 'node:crypto';
import { csdlXmlToJson, type CsdlJsonDocument } from '../edm/csdl-json.js';
import type { ODataService } from './service.js';

// A service's metadata as CSDL JSON, made once per service on first use and kept.
//
// Lazily rather than at load: converting the whole Graph v1.0 metadata (3.5 MB of XML) takes
// 1.4 to 3 s on the reference machine, about as long as the rest of `serve --metadata` startup,
// and most clients only ever read the XML. The first `$metadata?$format=json` (or OpenAPI
// export) pays it once; every later one sends the kept bytes.

export interface ServiceCsdlJson {
  /** The document as the converter made it; shared, so callers must not change it. */
  document: CsdlJsonDocument;
  /** The compact JSON text as served, encoded once. */
  body: Buffer;
  /** Weak ETag of `body`: differs from the XML document's, as the representation differs. */
  etag: string;
  /** What the converter reported about the XML (converted anyway). */
  messages: string[];
}

// Keyed by the service object so that a reloaded service (`serve --watch`) converts its new XML.
const converted = new WeakMap<ODataService, ServiceCsdlJson>();

/** The CSDL JSON of `service`'s `$metadata` document, converted on the first call. */
export function csdlJsonOf(service: ODataService): ServiceCsdlJson {
  let result = converted.get(service);
  if (result === undefined) {
    const { document, messages } = csdlXmlToJson(service.metadataXml);
    const body = Buffer.from(JSON.stringify(document), 'utf8');
    const etag = `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    result = { document, body, etag, messages };
    converted.set(service, result);
  }
  return result;
}
