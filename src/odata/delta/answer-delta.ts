import type { StoredEntity } from '../../store/memory-store.js';
import { odataErrors } from '../errors.js';
import { pageSizeOf } from '../handlers/page-result.js';
import type { OperationRequest, OperationResult } from '../handlers/handler.js';
import type { ResolvedCollection, ResolvedOperation } from '../path/resolved-path.js';
import { selectList, shapeEntity, type ShapeContext } from '../query/shape.js';
import { contextUrl, JsonText } from '../response-json.js';
import { entityTypeInfo, isDerivedFrom } from '../service.js';
import { changePage, statePage, type DeltaItem, type DeltaPage, type Keep } from './delta-pages.js';
import { checkTokenOptions, scopeOf, type DeltaScope } from './delta-scope.js';
import { decodeDeltaToken, DEFAULT_DELTA_RETENTION_MS, encodeDeltaToken, tokenProblem, trackingIds, type DeltaToken } from './delta-token.js';

// Graph's delta query ("Use delta query to track changes in Microsoft Graph data"; user: delta,
// group: delta): `GET <collection>/delta` wherever the model binds a function `delta` to a
// collection and returns a collection of its entities. The first request starts tracking the
// collection (store/change-tracking.ts) and answers its current state in pages linked by
// `@odata.nextLink` (`$skiptoken`), the last one with an `@odata.deltaLink` (`$deltatoken`);
// following that link answers what changed since, created and updated entities with their
// latest state and deleted ones as `{"id": ..., "@removed": {"reason": "deleted"}}` (edmock keeps
// no restorable deleted items, so never Graph's "changed"). `$deltatoken=latest` ("sync from
// now") answers no entities and a deltaLink. An unknown or expired token is Graph's 410
// `syncStateNotFound`, with `Location` the initial query ("Synchronization reset").

/** Whether a resolved call is a delta query: a function `delta` bound to a collection, returning entities. */
export function isDeltaCall(target: ResolvedOperation): boolean {
  const { operation, binding } = target;
  const returns = operation.returnType;
  return operation.kind === 'function' && operation.name === 'delta' && binding?.kind === 'collection' && returns?.typeKind === 'entity' && returns.collection;
}

interface Round {
  request: OperationRequest;
  collection: ResolvedCollection;
  paths: string[];
  ids: string;
  scope: DeltaScope;
  keep: Keep;
}

export function answerDelta(request: OperationRequest, target: ResolvedOperation): OperationResult {
  const collection = target.binding as ResolvedCollection;
  const nav = collection.navigation;
  // Linked members live in other collections, which record their own changes, not the links'.
  if (nav !== undefined && !nav.property.containsTarget) throw odataErrors.notImplemented('A delta query of a non-containment navigation');
  const paths = [collection.collectionPath, ...(collection.includes ?? [])];
  const { query } = request;
  if (query.skiptoken !== undefined && query.deltatoken !== undefined) throw odataErrors.badRequest('A delta query takes a $skiptoken or a $deltatoken, not both.', '$skiptoken');
  const tokenText = query.skiptoken ?? (query.deltatoken === 'latest' ? undefined : query.deltatoken);
  if (tokenText === undefined) return firstRequest(request, collection, paths);
  checkTokenOptions(query);
  const token = decodeDeltaToken(tokenText);
  const now = Date.now();
  const problem = token === undefined ? 'is not one this service issued' : tokenProblem(request.store, token, paths, request.deltaRetentionMs ?? DEFAULT_DELTA_RETENTION_MS, now);
  if (problem !== undefined || token === undefined) throw odataErrors.syncStateNotFound(`${request.baseUrl}${request.path}`, problem ?? '');
  const scope: DeltaScope = { ...(token.select ? { select: token.select } : {}), ...(token.keys ? { keys: token.keys } : {}) };
  const round: Round = { request, collection, paths, ids: token.ids, scope, keep: keepOf(request, collection, scope) };
  if (token.phase === 's') return statePhase(round, token.to, token.at);
  // A deltaLink starts a round of the changes since its stamp; a nextLink goes on with one.
  const [from, to, after] = token.phase === 'd' ? [token.to, request.store.changeStamp, token.to] : [token.from, token.to, token.at[0] ?? token.from];
  return changePhase(round, from, to, after);
}

/** No token (or `latest`): tracking starts (if no one asked before), then the state or, with `latest`, nothing. */
function firstRequest(request: OperationRequest, collection: ResolvedCollection, paths: string[]): OperationResult {
  const scope = scopeOf(request.service, collection.type, request.query);
  const { store } = request;
  const started = paths.some((path) => store.tracking(path) === undefined);
  for (const path of paths) store.track(path);
  const round: Round = { request, collection, paths, ids: trackingIds(store, paths) as string, scope, keep: keepOf(request, collection, scope) };
  const stamp = store.changeStamp;
  const result = request.query.deltatoken === 'latest' ? respond(round, { items: [] }, { phase: 'd', from: stamp, to: stamp, at: [] }) : statePhase(round, stamp, []);
  return started ? { ...result, changedStore: true } : result;
}

/** The members the round reports: those of the type a cast narrowed to, with the keys `$filter` names. */
function keepOf(request: OperationRequest, collection: ResolvedCollection, scope: DeltaScope): Keep {
  const keys = scope.keys === undefined ? undefined : new Set(scope.keys);
  const typed = collection.narrowed ? (e: StoredEntity) => e.type === collection.type || isDerivedFrom(request.service, e.type, collection.type) : undefined;
  if (keys === undefined && typed === undefined) return () => true;
  return (entity) => (keys === undefined || keys.has(entity.key)) && (typed === undefined || typed(entity));
}

function statePhase(round: Round, to: number, at: number[]): OperationResult {
  const page = statePage(round.request.store, round.paths, at, pageSizeOf(round.request), round.keep);
  // The state round ends at the stamp it began with: what changed meanwhile is the next round's.
  const link: Pick<DeltaToken, 'phase' | 'from' | 'to' | 'at'> = page.next ? { phase: 's', from: to, to, at: page.next } : { phase: 'd', from: to, to, at: [] };
  return respond(round, page, link);
}

function changePhase(round: Round, from: number, to: number, after: number): OperationResult {
  const page = changePage(round.request.store, round.paths, { from, to, after, ...round.scope }, pageSizeOf(round.request), round.keep);
  const link: Pick<DeltaToken, 'phase' | 'from' | 'to' | 'at'> = page.next ? { phase: 'c', from, to, at: page.next } : { phase: 'd', from: to, to, at: [] };
  return respond(round, page, link);
}

/** The page as Graph writes it: context, nextLink or deltaLink, value. */
function respond(round: Round, page: DeltaPage, link: Pick<DeltaToken, 'phase' | 'from' | 'to' | 'at'>): OperationResult {
  const { request, collection, scope } = round;
  const token = encodeDeltaToken({ ...link, paths: round.paths, ids: round.ids, issued: Date.now(), ...scope });
  const url = `${request.baseUrl}${request.path}?${link.phase === 'd' ? '$deltatoken' : '$skiptoken'}=${token}`;
  const minimal = request.prefer.return === 'minimal';
  const items = page.items.map((item) => writeItem(round, item, minimal));
  let json = '{';
  const context = `${collection.contextPath}${contextSelect(round)}`;
  if (request.format.metadata !== 'none') json += `"@odata.context":${JSON.stringify(contextUrl(request.baseUrl, context))},`;
  json += `"${link.phase === 'd' ? '@odata.deltaLink' : '@odata.nextLink'}":${JSON.stringify(url)},"value":[${items.join(',')}]}`;
  const applied: string[] = [];
  if (request.prefer.maxPageSize !== undefined) applied.push(`odata.maxpagesize=${request.prefer.maxPageSize}`);
  if (minimal) applied.push('return=minimal');
  return { status: 200, headers: applied.length > 0 ? { 'Preference-Applied': applied.join(',') } : {}, body: new JsonText(json) };
}

/**
 * The select list of the context URL, as for any narrowed collection (Protocol §10.9): Graph's
 * user: delta example answers `$metadata#users(displayName,givenName,surname)` to that `$select`,
 * without the key the scope adds to it (the key is returned whether or not it was selected).
 */
function contextSelect(round: Round): string {
  const { request, collection, scope } = round;
  if (scope.select === undefined) return '';
  const keys = entityTypeInfo(request.service, collection.type).key.parts.map((part) => part.path[0]);
  const selected = scope.select.filter((name) => !keys.includes(name));
  return selectList({ select: selected.length > 0 ? selected : scope.select }, request.format.version);
}

/**
 * One entity of a page, shaped by `$select` (the key always in); with `Prefer: return=minimal`
 * (user: delta), an updated entity only with the properties changed in the round.
 */
function writeItem(round: Round, item: DeltaItem, minimal: boolean): string {
  const { request, collection, scope } = round;
  const [part] = entityTypeInfo(request.service, collection.type).key.parts;
  const keyName = part?.path[0] ?? 'id';
  if ('removed' in item) {
    const numeric = part !== undefined && /^Edm\.(Byte|SByte|Int16|Int32|Double|Single)$/.test(part.type);
    return JSON.stringify({ [keyName]: numeric ? Number(item.removed) : item.removed, '@removed': { reason: 'deleted' } });
  }
  const context: ShapeContext = { service: request.service, baseUrl: request.baseUrl, format: request.format, store: request.store };
  let select = scope.select;
  if (minimal && item.changed !== undefined) {
    const keys = entityTypeInfo(request.service, item.entity.type).key.parts.map((p) => p.path[0] as string);
    select = [...keys, ...item.changed.filter((name) => !keys.includes(name) && (scope.select === undefined || scope.select.includes(name)))];
  }
  return shapeEntity(context, item.entity, select === undefined ? {} : { select });
}
