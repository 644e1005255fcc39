import { odataErrors } from '../errors.js';
import type { Expression } from '../filter/ast.js';
import { allowOptions } from '../handlers/handler.js';
import type { QueryOptions } from '../query/query-options.js';
import { validateShape } from '../query/shape.js';
import { entityTypeInfo, type ODataService } from '../service.js';

// What a delta query may narrow, as Graph's user: delta and group: delta pages have it:
//   - `$select` "indicates that the client prefers to only track changes on the properties ...
//     specified": an entity whose unselected properties alone changed is not reported. The key is
//     always returned ("The id property is always returned").
//   - `$filter`: "The only supported $filter expression is for tracking changes on a specific
//     object: $filter=id+eq+{value}. You can filter multiple objects ... There is a limit of 50."
//   - `$expand`, `$top`, `$orderby` are "not supported"; nor are `$skip`, `$count`, `$search`.
// The options are given once, in the first request; the tokens carry them on.

/** Graph's "limit of 50 filtered objects". */
export const MAX_FILTERED_OBJECTS = 50;

const FIRST_REQUEST_OPTIONS = ['select', 'filter', 'format', 'deltatoken'];
const TOKEN_OPTIONS = ['format', 'deltatoken', 'skiptoken'];

export interface DeltaScope {
  select?: string[];
  keys?: string[];
}

/** The scope of the first request of a round: its `$select` and `$filter`, checked. */
export function scopeOf(service: ODataService, type: string, query: QueryOptions): DeltaScope {
  allowOptions(query, FIRST_REQUEST_OPTIONS, 'a delta query');
  validateShape(service, type, query);
  const scope: DeltaScope = {};
  const select = query.select?.includes('*') ? undefined : query.select;
  if (select !== undefined) scope.select = withKeys(service, type, select);
  if (query.filter !== undefined) scope.keys = filteredKeys(service, type, query.filter);
  return scope;
}

/** A nextLink or deltaLink: its options are in the token; only `$format` may come beside it. */
export function checkTokenOptions(query: QueryOptions): void {
  for (const name of query.present) {
    if (!TOKEN_OPTIONS.includes(name)) {
      throw odataErrors.badRequest(`The query option '$${name}' cannot be given with a delta token: the token carries the options of the first request of the round.`, `$${name}`);
    }
  }
}

/** The key property names first, then the selected ones: the id is always returned. */
function withKeys(service: ODataService, type: string, select: string[]): string[] {
  const keys = entityTypeInfo(service, type).key.parts.map((p) => p.path[0] as string);
  return [...keys, ...select.filter((name) => !keys.includes(name))];
}

function unsupportedFilter(): Error {
  return odataErrors.badRequest(`A delta query filters only by key: $filter=id eq '{value}', several joined by 'or' (at most ${MAX_FILTERED_OBJECTS}).`, '$filter');
}

/** `id eq 'a' or id eq 'b'` -> the store keys of a and b. */
function filteredKeys(service: ODataService, type: string, filter: Expression): string[] {
  const { parts } = entityTypeInfo(service, type).key;
  const [part] = parts;
  if (part === undefined || parts.length !== 1 || part.path.length !== 1) throw unsupportedFilter();
  const keys: string[] = [];
  const collect = (e: Expression): void => {
    if (e.kind === 'binary' && e.operator === 'or') {
      collect(e.left);
      collect(e.right);
      return;
    }
    if (e.kind !== 'binary' || e.operator !== 'eq') throw unsupportedFilter();
    const [member, literal] = e.left.kind === 'member' ? [e.left, e.right] : [e.right, e.left];
    if (member.kind !== 'member' || (member.variable !== undefined && member.variable !== '$it') || member.path.length !== 1 || member.path[0] !== part.path[0] || literal.kind !== 'literal') throw unsupportedFilter();
    const key = part.literal.fromValue(literal.value);
    if (key === undefined) throw odataErrors.badRequest(`'${literal.text}' is not a value of the key '${part.name}' (${part.type}).`, '$filter');
    if (!keys.includes(key)) keys.push(key);
  };
  collect(filter);
  if (keys.length > MAX_FILTERED_OBJECTS) throw odataErrors.badRequest(`A delta query filters at most ${MAX_FILTERED_OBJECTS} objects; this $filter names ${keys.length}.`, '$filter');
  return keys;
}
