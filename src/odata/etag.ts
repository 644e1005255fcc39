import type { StoredEntity } from '../store/memory-store.js';
import { odataErrors } from './errors.js';

const { preconditionFailed } = odataErrors;

// Entity tags (OData 4.01 Protocol §11.4.1.1, RFC 9110 §13): a weak tag made of the entity's
// store sequence number (new on every create) and its version (bumped on every write).

export const etagOf = (entity: StoredEntity): string => `W/"${entity.seq}-${entity.version}"`;

/** RFC 9110 weak comparison: `W/"x"` and `"x"` match; `*` matches any existing entity. */
function listMatches(header: string, etag: string): boolean {
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').map((tag) => tag.trim()).some((tag) => tag === '*' || tag.replace(/^W\//, '') === opaque);
}

export interface Preconditions {
  ifMatch: string | undefined;
  ifNoneMatch: string | undefined;
}


/** Conditional writes: If-Match must match, If-None-Match must not (412 otherwise). */
export function checkWritePreconditions(entity: StoredEntity, preconditions: Preconditions): void {
  if (preconditions.ifMatch === undefined && preconditions.ifNoneMatch === undefined) return;
  const etag = etagOf(entity);
  if (preconditions.ifMatch !== undefined && !listMatches(preconditions.ifMatch, etag)) throw preconditionFailed('If-Match');
  if (preconditions.ifNoneMatch !== undefined && listMatches(preconditions.ifNoneMatch, etag)) throw preconditionFailed('If-None-Match');
}

/** Conditional reads: true when If-None-Match matches (304 Not Modified); If-Match failing is 412. */
export function isNotModified(entity: StoredEntity, preconditions: Preconditions): boolean {
  if (preconditions.ifMatch === undefined && preconditions.ifNoneMatch === undefined) return false;
  const etag = etagOf(entity);
  if (preconditions.ifMatch !== undefined && !listMatches(preconditions.ifMatch, etag)) throw preconditionFailed('If-Match');
  return preconditions.ifNoneMatch !== undefined && listMatches(preconditions.ifNoneMatch, etag);
}
