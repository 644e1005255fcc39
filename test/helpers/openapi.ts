import { Validator, type SpecData } from '@seriousme/openapi-schema-validator';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import type { CreateRoutes, Operation, RouteEntry } from '../../src/contract/routes.js';
import { REPO_ROOT } from './paths.js';

// Checks of an OpenAPI description: against the OpenAPI 3.0 schema, and against the URLs the mock
// answers (derived from a bundled service's generated route table, not from the converter).

/** The validator's findings (empty when the document is valid OpenAPI 3.0). */
export async function openApiErrors(document: unknown): Promise<unknown[]> {
  const validator = new Validator();
  const result = await validator.validate(document as SpecData);
  if (validator.version !== '3.0') return [`validated as OpenAPI ${validator.version}, not 3.0`];
  return result.valid ? [] : (result.errors as unknown[] ?? ['invalid']);
}

/** `/a/{id_1}/b/{id_2}` and `/a/{id}/b/{id}` alike: the names of key parameters do not matter here. */
export const keysNamed = (p: string): string => p.replace(/\{[^}]*\}/g, '{id}');

/**
 * The paths of entity sets, singletons, their members and navigation the mock answers for a
 * bundled service, up to `maxLevels` navigation segments: containment is followed (members by
 * key included), a navigation that is not containment is one path (its members have their own
 * canonical URL). Property, `$count`, `$ref` and `$value` paths are left out.
 */
export async function servedPaths(service: string, maxLevels = 4): Promise<Set<string>> {
  const url = pathToFileURL(path.join(REPO_ROOT, 'generated', service, 'routes.mjs')).href;
  const { default: createRoutes } = (await import(url)) as { default: CreateRoutes };
  const entries = createRoutes({ operations: {} as Record<Operation, unknown> }) as RouteEntry[];
  const patterns = new Set(entries.map((e) => e.pattern));
  const typeOf = new Map(entries.map((e) => [e.pattern, e.type]));
  const paths = new Set<string>();
  const walk = (prefix: string, type: string, level: number): void => {
    if (level >= maxLevels) return;
    for (const pattern of patterns) {
      const match = new RegExp(`^<${type.replace(/\./g, '\\.')}>/([^/{$]+)$`).exec(pattern);
      if (!match) continue;
      const navigation = `${prefix}/${match[1]}`;
      paths.add(navigation);
      const containment = !patterns.has(`${pattern}/$ref`);
      if (!containment) continue;
      const member = patterns.has(`${pattern}/{id}`) ? `${navigation}/{id}` : undefined;
      if (member !== undefined) paths.add(member);
      walk(member ?? navigation, typeOf.get(pattern)!, level + 1);
    }
  };
  for (const pattern of patterns) {
    if (pattern.startsWith('<') || /\{property\}|\$count|\$ref|\$value/.test(pattern)) continue;
    paths.add(pattern);
    if (pattern.endsWith('/{id}') || !patterns.has(`${pattern}/{id}`)) walk(pattern, typeOf.get(pattern)!, 0);
  }
  return paths;
}
