import { createRequire } from 'node:module';

// CSDL XML -> CSDL JSON (OData CSDL JSON Representation 4.01), through the OASIS TC's own
// converter (`odata-csdl`) rather than a writer of ours: the JSON form has many small rules
// (defaults left out, `$Kind` only where needed, annotation values) that the spec's authors
// maintain there, and the OpenAPI converter of the same TC reads exactly that output.

/** A CSDL JSON document: `$Version`, `$EntityContainer`, `$Reference` and one member per schema. */
export type CsdlJsonDocument = { $Version: string; $EntityContainer?: string } & Record<string, unknown>;

export interface CsdlJsonConversion {
  document: CsdlJsonDocument;
  /** What the converter found wrong but converted anyway (an enum without members, a name clash). */
  messages: string[];
}

interface Xml2JsonOptions { lineNumbers?: boolean; annotations?: boolean; strict?: boolean; messages?: Array<{ message: string }> }
type Xml2Json = (xml: string, options?: Xml2JsonOptions) => CsdlJsonDocument;

// The package is CommonJS without type declarations; its one entry point is typed here. Loaded
// on first use: most servers never answer CSDL JSON, and start-up should not pay for it.
const requireCjs = createRequire(import.meta.url);

/**
 * Converts an EDMX document. Not strict: services publish metadata that breaks a rule or two
 * (Graph has enum types without members), and they are served as XML all the same.
 * Throws when the text is not well-formed XML or not EDMX.
 */
export function csdlXmlToJson(xml: string): CsdlJsonConversion {
  const { xml2json } = requireCjs('odata-csdl') as { xml2json: Xml2Json };
  const found: Array<{ message: string }> = [];
  const document = xml2json(xml, { messages: found });
  return { document, messages: found.map((m) => m.message) };
}
