import AjvModule from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import type { BodyValidator } from '../contract/validators.js';
import type { EdmModel } from '../edm/model.js';
import { buildJsonSchemas, validatorExports, type JsonSchema } from './json-schema.js';
import { inlineRuntimeHelpers } from './standalone-helpers.js';

// Ajv ships CommonJS; under NodeNext its default export is the module object.
const Ajv = AjvModule.default;
const standaloneCode = standaloneModule.default;

const AJV_OPTIONS = {
  allErrors: true, // one OData `details` entry per failing property
  strict: true,
  allowUnionTypes: true,
  unicodeRegExp: true,
} as const;

function ajvWith(schemas: JsonSchema[], source: boolean): AjvModule.default {
  // Line breaks only for emitted code: a metadata change then reviews as a readable diff.
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source, esm: source, lines: source, optimize: true } });
  // Checking each schema against JSON Schema's meta-schema is for the generator, whose output is
  // reviewed and tested; at startup (`--metadata`) it is most of the cost and finds nothing new:
  // the same builder made the schemas, and compiling one still checks it in strict mode.
  for (const schema of schemas) ajv.addSchema(schema, undefined, undefined, source);
  return ajv;
}

/**
 * Ajv standalone code as an ES module exporting one validate function per entity type and mode
 * (named by validatorExportName), self-contained: it imports nothing.
 */
export function emitValidatorModule(model: EdmModel): string {
  const ajv = ajvWith(buildJsonSchemas(model), true);
  return inlineRuntimeHelpers(standaloneCode(ajv, validatorExports(model)));
}

/**
 * The same validators compiled in-process, for metadata served without a generate step. Each is
 * compiled on first use: the whole Graph model has 2,300 of them and a request needs one or two,
 * so startup does not pay for all of them.
 */
export function compileValidators(model: EdmModel): Record<string, BodyValidator> {
  const ajv = ajvWith(buildJsonSchemas(model), false);
  const compiled: Record<string, BodyValidator> = {};
  for (const [exportName, id] of Object.entries(validatorExports(model))) {
    let validate: BodyValidator | undefined;
    Object.defineProperty(compiled, exportName, {
      enumerable: true,
      get: () => {
        validate ??= ajv.getSchema(id);
        if (!validate) throw new Error(`no schema ${id}`);
        return validate;
      },
    });
  }
  return compiled;
}
