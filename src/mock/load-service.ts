import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CreateRoutes } from '../contract/routes.js';
import type { BodyValidator } from '../contract/validators.js';
import { routesInMemory } from '../codegen/route-module.js';
import { loadServiceArtefacts } from '../codegen/service-artefacts.js';
import type { EdmDiagnostic } from '../edm/edm-error.js';
import { compileValidators } from '../codegen/validators.js';
import type { EdmModel } from '../edm/model.js';
import { operationHandlers } from '../odata/handlers/index.js';
import { createODataService, type ODataService, type ServiceOptions, type ServiceRoute } from '../odata/service.js';

// A service is answered by generated code: the route module (routes.mjs) and the validators. Both
// are ES modules that import nothing, so they load with a plain import() wherever they live.

/** The routes of a generated route module, bound to edmock's operations. */
async function importRoutes(url: string): Promise<ServiceRoute[]> {
  const { default: createRoutes } = (await import(url)) as { default: CreateRoutes };
  return createRoutes({ operations: operationHandlers });
}

/** A bundled service from generated/<name>/: no parsing or compiling at startup. */
export async function loadGeneratedService(generatedDir: string, name: string, options: ServiceOptions = {}): Promise<ODataService> {
  const dir = path.resolve(generatedDir, name);
  const { '//': _notice, ...model } = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as EdmModel & { '//'?: string };
  const metadataXml = await readFile(path.join(dir, 'metadata.xml'), 'utf8');
  const routes = await importRoutes(pathToFileURL(path.join(dir, 'routes.mjs')).href);
  const validators = (await import(pathToFileURL(path.join(dir, 'validators.mjs')).href)) as Record<string, BodyValidator>;
  return createODataService(name, { model: model, routes, metadataXml }, validators, options);
}

/**
 * Any EDMX file, generated in memory (`--metadata <file>`): the routes the generated module would
 * make (routesInMemory: same order, names and operations, without compiling the module's text).
 * Validators are compiled in-process, each on first use (the startup budget has no room for
 * compiling all of a large model's up front).
 */
export async function loadServiceFromEdmx(file: string, options: ServiceOptions = {}): Promise<ODataService> {
  const name = path.basename(file).replace(/\.xml$/i, '');
  const built = loadServiceArtefacts(name, file, await readFile(file, 'utf8'));
  // Names parsed out of the XML are slices of the whole document, which is stored two bytes per
  // character as soon as it holds one non-Latin-1 character (Graph's does). Every response built
  // from such names would be two-byte too: twice the memory, and slower to encode. A JSON round
  // trip gives the model and the route table fresh one-byte strings (what generated files get from
  // their parser), and lets the document itself be collected.
  const { model, routes: table } = JSON.parse(JSON.stringify({ model: built.model, routes: built.routes })) as Pick<typeof built, 'model' | 'routes'>;
  const routes: ServiceRoute[] = routesInMemory(table)({ operations: operationHandlers });
  const service = createODataService(name, { model, routes, metadataXml: built.metadataXml }, compileValidators(model), options);
  warningsByService.set(service, built.diagnostics);
  return service;
}

const warningsByService = new WeakMap<ODataService, EdmDiagnostic[]>();

/** The warnings about the metadata a service was loaded from (none for a bundled service). */
export function metadataWarnings(service: ODataService): EdmDiagnostic[] {
  return warningsByService.get(service) ?? [];
}
