import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { routeKey, type HttpMethod } from '../codegen/route-table.js';
import { ODataError, odataErrors } from '../odata/errors.js';
import { operationHandlers } from '../odata/operations/index.js';
import { parsePathSegments } from '../odata/path/parse-segments.js';
import { resolvePath } from '../odata/path/resolve-path.js';
import { contextUrl } from '../odata/payload.js';
import { parsePreferences } from '../odata/prefer.js';
import { parseQueryOptions } from '../odata/query/query-options.js';
import { checkRequestVersion, negotiateFormat } from '../odata/response-format.js';
import { resolveEntityTypeName, type ODataService } from '../odata/service.js';
import type { BodyFormat } from '../odata/write-body.js';
import type { Session } from '../toolkit/sessions.js';
import { sendJson, sendRaw } from './lifecycle.js';

// Mounts one service under its prefix: the fixed routes ($metadata, service document) directly,
// and one wildcard route whose handler resolves the path against the model and dispatches to the
// operation the route table names for (resolved target, method).

// Every method Fastify knows, so that OPTIONS or PROPFIND on a real resource is a 405 with Allow
// from the route table, not a 404.
const routedMethods = (app: FastifyInstance): string[] => app.supportedMethods.filter((m) => m !== 'HEAD');

export function baseUrlOf(request: FastifyRequest, prefix: string): string {
  return `${request.protocol}://${request.host}${prefix}`;
}

function serviceDocument(service: ODataService, baseUrl: string) {
  const { entitySets, singletons } = service.model.container;
  // OData JSON §5: `kind` may be omitted for entity sets, as Graph does.
  const value = [
    ...Object.keys(entitySets).sort().map((name) => ({ name, url: name })),
    ...Object.keys(singletons).sort().map((name) => ({ name, kind: 'Singleton', url: name })),
  ];
  return { '@odata.context': contextUrl(baseUrl, '').replace(/#$/, ''), value };
}

export interface MountOptions {
  /** Server-driven page size of collections (Protocol §11.2.6.7). */
  pageSize: number;
}

/**
 * The service a prefix answers with. Each request reads `slot.service` once when it starts, so
 * `serve --watch` can put a regenerated service in the slot while earlier requests finish with
 * the one they began with.
 */
export interface ServiceSlot {
  service: ODataService;
}

const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

export function mountService(app: FastifyInstance, slot: ServiceSlot, prefix: string, options: MountOptions): void {
  const { toolkit } = app.edmock;
  const authorizer = toolkit.authorizers?.get(prefix);
  const metadata = (request: FastifyRequest, reply: FastifyReply): void => {
    const { service } = slot;
    // Only CSDL XML is served: a request for JSON CSDL (OData 4.01 CSDL JSON) is not acceptable.
    const format = /(?:^|&)\$?format=([^&]*)/i.exec((request.raw.url ?? '').split('?')[1] ?? '')?.[1];
    if (format !== undefined && !/^(xml|application(%2F|\/)xml)/i.test(format)) {
      throw new ODataError(406, 'NotAcceptable', `$format '${decodeURIComponent(format)}' is not available for $metadata; it is served as application/xml.`, '$format');
    }
    const headers = { ETag: service.metadataEtag, 'Cache-Control': 'no-cache' };
    const match = request.headers['if-none-match'];
    if (match !== undefined && match.split(',').some((tag) => tag.trim() === service.metadataEtag || tag.trim() === '*')) {
      sendRaw(request, reply, 304, undefined, undefined, headers);
      return;
    }
    // The document is encoded once (service.metadataBody), not on every request.
    sendRaw(request, reply, 200, service.metadataBody, 'application/xml', headers);
  };
  /** A fixed route's handler, behind the faults that may answer instead. */
  const withFaults = (handler: (request: FastifyRequest, reply: FastifyReply) => void) => (request: FastifyRequest, reply: FastifyReply) => {
    const fault = toolkit.faultFor(request, toolkit.session(request), (request.raw.url ?? '').split('?')[0] ?? '');
    if (fault !== undefined) return toolkit.applyFault(fault, request, reply, () => handler(request, reply));
    handler(request, reply);
    return undefined;
  };
  app.get(`${prefix}/$metadata`, withFaults(metadata));

  const root = (request: FastifyRequest, reply: FastifyReply): void => {
    sendJson(request, reply, 200, serviceDocument(slot.service, baseUrlOf(request, prefix)));
  };
  app.get(`${prefix}/`, withFaults(root));
  if (prefix !== '') app.get(prefix, withFaults(root));
  // The document and the service root are read-only: other methods are a 405 naming GET.
  const readOnly = (request: FastifyRequest): void => {
    throw odataErrors.methodNotAllowed(request.method, (request.raw.url ?? '').split('?')[0] ?? '', ['GET']);
  };
  const others = routedMethods(app).filter((m) => m !== 'GET');
  for (const url of [`${prefix}/$metadata`, `${prefix}/`, ...(prefix === '' ? [] : [prefix])]) app.route({ method: others, url, handler: readOnly });

  // Not async: the handler finishes synchronously, and a promise per request is measurable.
  // Fastify sends what a synchronous throw carries to the error handler. Handlers return
  // nothing: a sync handler's return value would be sent a second time.
  app.route({
    method: routedMethods(app),
    url: `${prefix}/*`,
    handler: (request, reply) => {
      const rawUrl = request.raw.url ?? '';
      const queryStart = rawUrl.indexOf('?');
      const rawPath = queryStart < 0 ? rawUrl : rawUrl.slice(0, queryStart);
      const session = toolkit.session(request);
      const fault = toolkit.faultFor(request, session, rawPath);
      if (fault !== undefined) return toolkit.applyFault(fault, request, reply, () => serve(request, reply, session, rawUrl, rawPath, queryStart));
      serve(request, reply, session, rawUrl, rawPath, queryStart);
      return undefined;
    },
  });

  function serve(request: FastifyRequest, reply: FastifyReply, session: Session, rawUrl: string, rawPath: string, queryStart: number): void {
    const { service } = slot;
    const store = toolkit.storeOf(session, prefix);
    const rawQuery = queryStart < 0 ? '' : rawUrl.slice(queryStart + 1);
    const path = rawPath.slice(prefix.length);
    // `/%24metadata` is `/$metadata` percent-encoded; the router matched it literally.
    if (path.length === 12 && /^\/%24metadata$/i.test(path)) {
      if (request.method === 'GET' || request.method === 'HEAD') metadata(request, reply);
      else readOnly(request);
      return;
    }
    // Graph checks the token before anything else, and the permissions once the operation is known.
    const claims = authorizer?.authenticate(header(request, 'authorization'));
    checkRequestVersion(header(request, 'odata-version'));
    const query = parseQueryOptions(rawQuery);
    const resolved = resolvePath(service, store, path);
    const methods = service.routes.get(routeKey(resolved.source, resolved.kind));
    if (!methods) throw odataErrors.segmentNotFound(path.split('/').filter(Boolean).pop() ?? path);
    // HEAD is GET without the body (RFC 9110 §9.3.2); Fastify drops the body.
    const route = methods.get((request.method === 'HEAD' ? 'GET' : request.method) as HttpMethod);
    if (!route) throw odataErrors.methodNotAllowed(request.method, rawPath, [...methods.keys()]);
    if (claims !== undefined) authorizer?.authorize(claims, request.method === 'HEAD' ? 'GET' : request.method, operationSegments(service, path));
    const format = negotiateFormat(header(request, 'accept'), query.format, header(request, 'odata-maxversion'));
    const result = operationHandlers[route.operation]({
      service, store, resolved, body: request.body, bodyFormat: bodyFormatOf(request), baseUrl: baseUrlOf(request, prefix), prefix, path, query, rawQuery, format,
      prefer: parsePreferences(request.headers.prefer),
      preconditions: { ifMatch: header(request, 'if-match'), ifNoneMatch: header(request, 'if-none-match') },
      pageSize: options.pageSize,
    });
    if (toolkit.dataFile && session === toolkit.sessions.default && WRITES.has(request.method)) toolkit.dataFile.changed();
    if (result.contentType !== undefined) sendRaw(request, reply, result.status, result.body as string | Buffer, result.contentType, result.headers, format.version);
    else sendJson(request, reply, result.status, result.body, result.headers, format.contentType, format.version);
  }
}

/**
 * A request path as the permission tables write paths: each name and each key a segment of its
 * own (`mobileApps('a')` is `mobileApps/a`), type casts left out, so no spelling of the URL
 * escapes the check its operation has.
 */
function operationSegments(service: ODataService, path: string): string[] {
  const segments: string[] = [];
  for (const segment of parsePathSegments(path)) {
    if (segment.key === undefined && segment.name.includes('.') && resolveEntityTypeName(service, segment.name) !== undefined) continue;
    segments.push(segment.name);
    if (segment.key !== undefined) segments.push(segment.key);
  }
  return segments;
}

const NO_BODY_FORMAT = Object.freeze({});
const IEEE754_BODY = Object.freeze({ ieee754: true });

/** OData JSON §3.2: `IEEE754Compatible=true` in the Content-Type says Int64 and Decimal are strings. */
function bodyFormatOf(request: FastifyRequest): BodyFormat {
  const type = request.headers['content-type'];
  return type !== undefined && /;\s*ieee754compatible\s*=\s*"?true/i.test(type) ? IEEE754_BODY : NO_BODY_FORMAT;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}
