import type { StoredEntity } from '../../store/memory-store.js';
import { ODataError, odataErrors } from '../errors.js';
import { resolvePath, type ResolvedPath } from '../path/resolve-path.js';
import { contextUrl, entityUrl, writeCollection } from '../payload.js';
import { isDerivedFrom } from '../service.js';
import { allowOptions, expectTarget, type OperationHandler, type OperationRequest } from './operation.js';

// Entity references of non-containment navigations (OData 4.01 Protocol §11.4.6, JSON Format
// §14): `{"@odata.id": URL}` bodies that add, replace or remove links, never entities.

/** The entity an `@odata.id` (absolute, or relative to the service root) points at. */
function referencedEntity(request: OperationRequest, expectedType: string): { entity: StoredEntity; path: string } {
  const body = request.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw odataErrors.refBodyInvalid('the body must be a JSON object with "@odata.id".');
  const id = (body as Record<string, unknown>)['@odata.id'];
  if (id === undefined) throw odataErrors.refBodyInvalid('"@odata.id" is missing.');
  if (typeof id !== 'string' || id.trim() === '') throw odataErrors.refBodyInvalid('"@odata.id" must be a non-empty string URL.');
  let url: URL;
  try {
    url = new URL(id, `${request.baseUrl}/`);
  } catch {
    throw odataErrors.refBodyInvalid(`'${id}' is not a URL.`);
  }
  // Any host is accepted (pages write https://graph.microsoft.com/...); the path must be in this service.
  const prefix = `${request.prefix}/`;
  if (!url.pathname.startsWith(prefix)) throw odataErrors.refBodyInvalid(`'${id}' is not a URL of this service (its path must start with '${prefix}').`);
  let target: ResolvedPath;
  try {
    target = resolvePath(request.service, request.store, url.pathname.slice(prefix.length));
  } catch (error) {
    if (error instanceof ODataError && error.status === 404) throw odataErrors.refTargetNotFound(id);
    throw error instanceof ODataError ? odataErrors.refBodyInvalid(`'${id}': ${error.message}`) : error;
  }
  if (target.kind !== 'entity') throw odataErrors.refBodyInvalid(`'${id}' does not address a single entity.`);
  if (!target.entity) throw odataErrors.refTargetNotFound(id);
  if (!isDerivedFrom(request.service, target.entity.type, expectedType)) throw odataErrors.refTypeMismatch(target.entity.type, expectedType);
  return { entity: target.entity, path: target.path };
}

export const listRefsOperation: OperationHandler = (request) => {
  const refs = expectTarget(request.resolved, 'collectionRefs');
  allowOptions(request.query, ['format'], 'a list of references');
  const value = [...request.store.getLinks(refs.navigation.navigationPath).values()]
    .filter((path) => request.store.get(path) !== undefined)
    .map((path) => JSON.stringify({ '@odata.id': entityUrl(request.baseUrl, path) }));
  const context = { service: request.service, baseUrl: request.baseUrl, format: request.format };
  return { status: 200, body: writeCollection(context, value, 'Collection($ref)') };
};

export const addRefOperation: OperationHandler = (request) => {
  const refs = expectTarget(request.resolved, 'collectionRefs');
  const { entity, path } = referencedEntity(request, refs.type);
  const links = request.store.getLinks(refs.navigation.navigationPath);
  if (links.has(entity.key)) throw odataErrors.refAlreadyExists(refs.navigation.property.name);
  request.store.addLink(refs.navigation.navigationPath, entity.key, path);
  return { status: 204 };
};

export const removeRefOperation: OperationHandler = (request) => {
  const ref = expectTarget(request.resolved, 'entityRef');
  const { navigationPath } = ref.navigation;
  const links = request.store.getLinks(navigationPath);
  const key = ref.key ?? [...links.keys()][0];
  if (key === undefined) return { status: 204 }; // a single-valued navigation that is already empty
  const target = links.get(key);
  if (target === undefined || !request.store.removeLink(navigationPath, key)) throw odataErrors.linkNotFound(key, ref.navigation.property.name);
  // An entity created through the navigation itself (no binding named a home) lives only there.
  if (target.startsWith(`${navigationPath}(`)) request.store.delete(target);
  return { status: 204 };
};

export const readRefOperation: OperationHandler = (request) => {
  const ref = expectTarget(request.resolved, 'entityRef');
  const [target] = request.store.getLinks(ref.navigation.navigationPath).values();
  if (target === undefined) return { status: 204 };
  const id = entityUrl(request.baseUrl, target);
  return { status: 200, body: request.format.metadata === 'none' ? { '@odata.id': id } : { '@odata.context': contextUrl(request.baseUrl, '$ref'), '@odata.id': id } };
};

export const setRefOperation: OperationHandler = (request) => {
  const ref = expectTarget(request.resolved, 'entityRef');
  const { entity, path } = referencedEntity(request, ref.type);
  const { navigationPath } = ref.navigation;
  for (const key of [...request.store.getLinks(navigationPath).keys()]) request.store.removeLink(navigationPath, key);
  request.store.addLink(navigationPath, entity.key, path);
  return { status: 204 };
};
