import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { runInThisContext } from 'node:vm';
import type { RouteEntry } from '../contract/routes.js';
import type { BodyValidator } from '../contract/validators.js';
import { buildServiceArtefacts } from '../codegen/service-artefacts.js';
import { compileValidators } from '../codegen/validators.js';
import type { EdmModel } from '../edm/model.js';
import { createODataService, type ODataService, type ServiceOptions } from '../odata/service.js';

const require = createRequire(import.meta.url);

/**
 * Runs generated Ajv standalone code with edmock's own `require`: the code needs Ajv's runtime
 * helpers, which resolve from edmock's dependencies wherever the generated directory lives.
 */
function loadValidatorModule(file: string, code: string): Record<string, BodyValidator> {
  const module = { exports: {} as Record<string, BodyValidator> };
  const wrapper = runInThisContext(`(function (module, exports, require) {${code}\n})`, { filename: file }) as (m: typeof module, e: object, r: NodeRequire) => void;
  wrapper(module, module.exports, require);
  return module.exports;
}

/** A bundled service from generated/<name>/: no parsing or compiling at startup. */
export async function loadGeneratedService(generatedDir: string, name: string, options: ServiceOptions = {}): Promise<ODataService> {
  const dir = path.join(generatedDir, name);
  const readJson = async <T>(file: string) => JSON.parse(await readFile(path.join(dir, file), 'utf8')) as T & { '//'?: string };
  const { '//': _m, ...model } = await readJson<EdmModel>('model.json');
  const { routes } = await readJson<{ routes: RouteEntry[] }>('routes.json');
  const metadataXml = await readFile(path.join(dir, 'metadata.xml'), 'utf8');
  const validators = loadValidatorModule(path.resolve(dir, 'validators.cjs'), await readFile(path.join(dir, 'validators.cjs'), 'utf8'));
  return createODataService(name, { model: model, routes, metadataXml }, validators, options);
}

/** Any EDMX file, generated in memory (`--metadata <file>`): the same artefacts, compiled in-process. */
export async function loadServiceFromEdmx(file: string, options: ServiceOptions = {}): Promise<ODataService> {
  const name = path.basename(file).replace(/\.xml$/i, '');
  const built = buildServiceArtefacts(name, await readFile(file, 'utf8'), file);
  // Names parsed out of the XML are slices of the whole document, which is stored two bytes per
  // character as soon as it holds one non-Latin-1 character (Graph's does). Every response built
  // from such names would be two-byte too: twice the memory, and slower to encode. A JSON round
  // trip gives the model fresh one-byte strings (what a generated model.json gets from JSON.parse)
  // and lets the document itself be collected.
  const model = JSON.parse(JSON.stringify(built.model)) as EdmModel;
  const artefacts = { ...built, model };
  return createODataService(name, artefacts, compileValidators(model), options);
}
