import { buildContainer } from './build-container.js';
import { buildEnumTypes } from './build-enum-types.js';
import { buildOperations } from './build-operations.js';
import { checkKeyProperties, requireKeysWhereCollected } from './check-keys.js';
import { failIn } from './edm-error.js';
import { flattenInheritance, linkDerivedTypes, splitByKind } from './flatten-inheritance.js';
import type { EdmModel } from './model.js';
import { declareTypes, readNamespaces, typeResolver } from './name-scope.js';
import { readEdmx, type RawSchema } from './read-edmx.js';
import { readStructuredTypes } from './read-structured-types.js';

/** Parses and checks an EDMX document; the result is the typed model every later stage reads. */
export function parseEdmx(xml: string, source?: string): EdmModel {
  return buildModel(readEdmx(xml, source), source);
}

/**
 * Builds the model phase by phase; the phases run in this order so that the first defect a
 * document has is the one reported, and every name is declared before any reference resolves.
 */
export function buildModel(schemas: RawSchema[], source?: string): EdmModel {
  const fail = failIn(source);
  const { namespaces, aliases } = readNamespaces(schemas, fail);
  const declared = declareTypes(schemas, fail);
  const resolveType = typeResolver(aliases, declared, fail);
  const enumTypes = buildEnumTypes(schemas, fail);
  const flatTypes = flattenInheritance(readStructuredTypes(declared, resolveType, fail), fail);
  linkDerivedTypes(flatTypes);
  const { entityTypes, complexTypes } = splitByKind(flatTypes);
  checkKeyProperties(entityTypes, complexTypes, fail);
  const operations = buildOperations(schemas, resolveType, fail);
  const container = buildContainer(schemas, resolveType, fail, { unbound: operations.unbound, aliases });
  requireKeysWhereCollected(entityTypes, container, fail);
  return {
    namespaces,
    aliases: Object.fromEntries([...aliases].sort(([a], [b]) => a.localeCompare(b))),
    entityTypes,
    complexTypes,
    enumTypes,
    operations: operations.bound,
    unboundOperations: operations.unbound,
    container,
  };
}
