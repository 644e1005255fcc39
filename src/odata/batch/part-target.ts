import { odataErrors } from '../errors.js';

// Where a batch part's URL points, as the request target a single request would carry
// (`/beta/deviceAppManagement/mobileApps?$top=1`). A part may write it four ways:
// - relative to the service root: `deviceAppManagement/mobileApps` (Protocol §11.7.2, JSON §19.1);
// - absolute-path: `/beta/deviceAppManagement/mobileApps`;
// - absolute: `https://host/beta/deviceAppManagement/mobileApps` (the host is not checked: a
//   mock answers under whatever name it was reached by);
// - starting with `$<id>`, the entity an earlier request of the batch created (Protocol §11.7.3.1,
//   JSON §19.1): `$1/assignments` becomes that entity's path followed by `/assignments`.
// Graph's item URLs are relative to the version root even with a leading slash (`/me` means
// `/v1.0/me`), while its SDK sends `/v1.0/me` for custom hosts: an absolute path that does not
// start with the service's prefix is read as relative to the service root.

/** The canonical paths of entities created so far, by the id of the part that created each. */
export type CreatedEntities = ReadonlyMap<string, string>;

export function partTarget(url: string, prefix: string, created: CreatedEntities): string {
  const trimmed = url.trim();
  if (trimmed.startsWith('$')) {
    const reference = referenced(trimmed, created);
    if (reference !== undefined) return reference;
  }
  const schemeEnd = /^[a-z][a-z0-9+.-]*:\/\//i.exec(trimmed);
  const target = schemeEnd ? pathOfAbsolute(trimmed, schemeEnd[0].length) : trimmed;
  if (!target.startsWith('/')) return `${prefix}/${target}`;
  if (prefix === '' || target === prefix || target.startsWith(`${prefix}/`) || target.startsWith(`${prefix}?`)) return target;
  return `${prefix}${target}`;
}

/** `$<id>[/rest][?query]`, when `<id>` is a part that created an entity; undefined when it names no part. */
function referenced(url: string, created: CreatedEntities): string | undefined {
  const end = url.search(/[/?]/);
  const id = end < 0 ? url.slice(1) : url.slice(1, end);
  const path = created.get(id);
  if (path === undefined) {
    // `$metadata`, `$batch`... are resources of their own, not references.
    if (/^(metadata|batch|all|crossjoin|entity)$/i.test(id)) return undefined;
    throw odataErrors.batchInvalid(`The URL '${url}' refers to '$${id}', which is no earlier request of the batch that created an entity.`, id);
  }
  return end < 0 ? path : `${path}${url.slice(end)}`;
}

function pathOfAbsolute(url: string, authorityStart: number): string {
  const pathStart = url.slice(authorityStart).search(/[/?]/);
  if (pathStart < 0) return '/';
  const rest = url.slice(authorityStart + pathStart);
  return rest.startsWith('?') ? `/${rest}` : rest;
}

/** The path (within the server) of a created entity, from the Location its response carries. */
export function createdPath(location: string): string {
  const schemeEnd = /^[a-z][a-z0-9+.-]*:\/\//i.exec(location);
  return schemeEnd ? pathOfAbsolute(location, schemeEnd[0].length) : location;
}
