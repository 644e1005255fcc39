import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvModule from 'ajv';

// The OASIS TC's JSON Schema of CSDL JSON 4.01, as the odata-csdl package ships it, compiled
// once with Ajv: what a CSDL JSON document must look like, checked by a validator we did not write.

const Ajv = AjvModule.default;
const schemaFile = createRequire(import.meta.url).resolve('odata-csdl/schemas/csdl.schema.json');
const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as object;
// Not strict: the schema uses keywords in ways Ajv's strict mode flags (it is the spec's, not ours).
const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: true }).compile(schema);

/** The schema's complaints about `document` (at most `limit`), empty when it is valid CSDL JSON. */
export function csdlJsonErrors(document: unknown, limit = 5): string[] {
  if (validate(document)) return [];
  return (validate.errors ?? []).slice(0, limit).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
