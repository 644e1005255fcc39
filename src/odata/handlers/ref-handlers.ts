import type { StoredEntity } from '../../store/memory-store.js';
import { ODataError, odataErrors } from '../errors.js';
import { resolvePath, type ResolvedPath } from '../path/resolve-path.js';
import { contextUrl, entityUrl } from '../response-json.js';
import { isDerivedFrom } from '../service.js';
import { readCollection } from '../query/read-collection.js';
import { pageResult, pageSizeOf } from './page-result.js';
import { allowOptions, expectTarget, type OperationHandler, type OperationRequest } from './handler.js';

// Entity references of non-containment navigations (OData 4.01 Protocol §11.4.6, JSON Format
// §14): `{"@odata.id": URL}` bodies that add, replace or remove links, never entities.

/** The `@odata.id` of a reference body (JSON Format §14): nothing else but annotations beside it. */
function referenceId(request: OperationRequest): string {
  const body = request.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw odataErrors.refBodyInvalid('the body must be a JSON object with "@odata.id".');
  const id = (body as Record<string, unknown>)['@odata.id'];
  if (id === undefined) throw odataErrors.refBodyInvalid('"@odata.id" is missing.');
  if (typeof id !== 'string' || id.trim() === '') throw odataErrors.refBodyInvalid('"@odata.id" must be a non-empty string URL.');
  const extra = Object.keys(body).find((name) => !name.includes('@'));
  if (extra !== undefined) throw odataErrors.refBodyInvalid(`'${extra}' is not part of an entity reference, which holds only "@odata.id".`);
  return id;
}

/** The entity an `@odata.id` (absolute, or relative to the service root) points at. */
function referencedEntity(request: OperationRequest, expectedType: string, id = referenceId(request)): { entity: StoredEntity; path: string } {
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
  const { query, store } = request;
  // OData 4.01 URL Conventions §4.4: a collection of references takes the options of a collection
  // that do not shape entities.
  allowOptions(query, ['filter', 'orderby', 'top', 'skip', 'count', 'skiptoken', 'format'], 'a list of references');
  const linked = store.linked(refs.navigation.navigationPath).filter((entity) => isDerivedFrom(request.service, entity.type, refs.type));
  const page = readCollection(request.service, refs.type, linked, undefined, query, pageSizeOf(request));
  const value = page.items.map((entity) => JSON.stringify({ '@odata.id': entityUrl(request.baseUrl, entity.path) }));
  return pageResult(request, page, value, 'Collection($ref)');
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
  if (request.resolved.kind === 'collectionRefs') return removeRefById(request);
  const ref = expectTarget(request.resolved, 'entityRef');
  allowOptions(request.query, ['format'], 'a reference');
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

/** `DELETE .../nav/$ref?$id=<URL>` (OData 4.0 form; `@id` as Graph's SDKs send it). */
function removeRefById(request: OperationRequest) {
  const refs = expectTarget(request.resolved, 'collectionRefs');
  allowOptions(request.query, ['id', 'format'], 'a list of references');
  const id = request.query.id;
  if (id === undefined) throw odataErrors.badRequest('Removing a reference from a collection needs the entity: DELETE .../{key}/$ref, or .../$ref?$id=<URL of the entity>.', '$id');
  const { entity } = referencedEntity(request, refs.type, id);
  const { navigationPath } = refs.navigation;
  const links = request.store.getLinks(navigationPath);
  const target = links.get(entity.key);
  if (target !== entity.path || !request.store.removeLink(navigationPath, entity.key)) throw odataErrors.linkNotFound(entity.key, refs.navigation.property.name);
  if (target.startsWith(`${navigationPath}(`)) request.store.delete(target);
  return { status: 204 };
}

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
