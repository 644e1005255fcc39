import { odataErrors } from './errors.js';
import type { ResolvedPath } from './path/resolved-path.js';

// What a client asked the JSON to look like (OData 4.01 JSON Format §3, Protocol §8.2.1/§8.2.6):
// the metadata level (`odata.metadata=none|minimal|full`, minimal by default), whether Int64 and
// Decimal travel as strings (`IEEE754Compatible=true`), and the protocol version to answer in
// (`OData-MaxVersion`: 4.01 when the client accepts it, else 4.0, which Graph always answers).
// `$format` overrides Accept. A raw resource (`/$count`, a property's `/$value`) is sent as its own
// media type instead, which Accept must then allow.

export type MetadataLevel = 'none' | 'minimal' | 'full';

export interface ResponseFormat {
  metadata: MetadataLevel;
  ieee754: boolean;
  version: '4.0' | '4.01';
  contentType: string;
}

export const DEFAULT_FORMAT: ResponseFormat = formatOf('minimal', false, '4.0');

function formatOf(metadata: MetadataLevel, ieee754: boolean, version: '4.0' | '4.01'): ResponseFormat {
  return {
    metadata, ieee754, version,
    contentType: `application/json;odata.metadata=${metadata};odata.streaming=true;IEEE754Compatible=${ieee754};charset=utf-8`,
  };
}

const TEXT_PLAIN = 'text/plain';
export const OCTET_STREAM = 'application/octet-stream';

/**
 * The media type a resource is sent as when it is not JSON: a count (URL Conventions §4.8) and a
 * primitive's raw value are text, binary and stream values their bytes (§4.6); undefined for JSON.
 */
export function rawMediaTypeOf(resolved: ResolvedPath): string | undefined {
  if (resolved.kind === 'collectionCount') return TEXT_PLAIN;
  if (resolved.kind !== 'propertyValue') return undefined;
  const { type } = resolved.property;
  return type === 'Edm.Binary' || type === 'Edm.Stream' ? OCTET_STREAM : TEXT_PLAIN;
}

interface MediaRange { type: string; parameters: Map<string, string>; quality: number }

function parseMediaRanges(header: string): MediaRange[] {
  return header.split(',').map((part) => {
    const [type = '', ...params] = part.split(';').map((p) => p.trim());
    const parameters = new Map<string, string>();
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq > 0) parameters.set(param.slice(0, eq).trim().toLowerCase(), param.slice(eq + 1).trim().replace(/^"|"$/g, ''));
    }
    const q = Number(parameters.get('q') ?? 1);
    return { type: type.toLowerCase(), parameters, quality: Number.isFinite(q) ? q : 1 };
  }).filter((range) => range.type !== '');
}

const JSON_RANGES = new Set(['application/json', 'application/*', '*/*']);

/**
 * RFC 9110 §12.5.1: the quality Accept gives one media type is that of the most specific range
 * matching it (`text/plain` over `text/*` over `*\/*`); undefined when no range matches.
 */
function qualityOf(mediaType: string, ranges: MediaRange[]): number | undefined {
  const [group] = mediaType.split('/');
  let best: { specificity: number; quality: number } | undefined;
  for (const range of ranges) {
    const specificity = range.type === mediaType ? 2 : range.type === `${group}/*` ? 1 : range.type === '*/*' ? 0 : -1;
    if (specificity >= 0 && (best === undefined || specificity > best.specificity)) best = { specificity, quality: range.quality };
  }
  return best?.quality;
}

function levelOf(value: string | undefined, source: string): MetadataLevel | undefined {
  if (value === undefined) return undefined;
  const level = value.toLowerCase();
  if (level === 'none' || level === 'minimal' || level === 'full') return level;
  throw odataErrors.badRequest(`'${value}' in ${source} is not a metadata level (none, minimal, full).`, source);
}

/** The version to answer in: 4.01 when OData-MaxVersion allows it, else 4.0 (Graph's). */
export function negotiateVersion(maxVersion: string | undefined): '4.0' | '4.01' {
  if (maxVersion === undefined || maxVersion.trim() === '') return '4.0';
  const version = Number(maxVersion.trim());
  if (!/^\d+\.\d+$/.test(maxVersion.trim()) || version < 4) {
    throw odataErrors.unsupportedVersion('OData-MaxVersion', maxVersion);
  }
  return version >= 4.01 ? '4.01' : '4.0';
}

/** Protocol §8.1.5: a request in a version the service does not speak is refused. */
export function checkRequestVersion(version: string | undefined): void {
  if (version === undefined) return;
  const v = version.trim();
  if (v !== '4.0' && v !== '4.01') throw odataErrors.unsupportedVersion('OData-Version', version);
}

/**
 * Clients send the same few Accept headers over and over (an SDK one, curl's `*\/*`), and reading
 * one costs more than the rest of a simple read's bookkeeping, so answers are remembered, up to
 * a bound that hostile variety cannot grow past.
 */
const negotiated = new Map<string, ResponseFormat>();
const NEGOTIATED_MAX = 256;

/**
 * The response format of a resource. `rawType` is the media type of a raw resource (`text/plain`
 * for `/$count` and a primitive's `/$value`, `application/octet-stream` for binary or stream
 * media); the JSON parts of the format then only carry the version.
 */
export function negotiateFormat(
  accept: string | undefined, formatOption: string | undefined, maxVersion: string | undefined, rawType?: string,
): ResponseFormat {
  if (accept === undefined && formatOption === undefined && maxVersion === undefined) return DEFAULT_FORMAT;
  const key = `${accept ?? ''}\u0000${formatOption ?? ''}\u0000${maxVersion ?? ''}\u0000${rawType ?? ''}`;
  let format = negotiated.get(key);
  if (format === undefined) {
    format = rawType === undefined ? negotiate(accept, formatOption, maxVersion) : negotiateRaw(accept, formatOption, maxVersion, rawType);
    if (negotiated.size >= NEGOTIATED_MAX) negotiated.clear();
    negotiated.set(key, format);
  }
  return format;
}

function negotiate(accept: string | undefined, formatOption: string | undefined, maxVersion: string | undefined): ResponseFormat {
  const version = negotiateVersion(maxVersion);
  if (formatOption !== undefined) {
    // `json` abbreviates application/json, parameters included (`json;odata.metadata=full`).
    const [range] = parseMediaRanges(/^json(;|$)/i.test(formatOption) ? `application/${formatOption}` : formatOption);
    if (!range || range.type !== 'application/json') {
      throw odataErrors.formatNotAcceptable(formatOption);
    }
    return formatOf(levelOf(range.parameters.get('odata.metadata'), '$format') ?? 'minimal', range.parameters.get('ieee754compatible') === 'true', version);
  }
  if (accept === undefined || accept.trim() === '') return version === '4.0' ? DEFAULT_FORMAT : formatOf('minimal', false, version);
  const ranges = parseMediaRanges(accept).filter((r) => r.quality > 0).sort((a, b) => b.quality - a.quality);
  const json = ranges.find((r) => JSON_RANGES.has(r.type));
  if (!json) throw odataErrors.notAcceptable(accept);
  return formatOf(levelOf(json.parameters.get('odata.metadata'), 'Accept') ?? 'minimal', json.parameters.get('ieee754compatible') === 'true', version);
}

/**
 * A raw resource is sent as `rawType` whatever JSON parameters Accept asks for. Accept allows it
 * when it gives that type a non-zero quality (Protocol §11.2.10 for `$count`, §11.2.4.1 for
 * `$value`), or, lacking any range for it, when it accepts JSON: SDKs that send
 * `Accept: application/json` on every request get their count, as from Graph. A type refused
 * outright (`text/plain;q=0`) is a 406.
 */
function negotiateRaw(accept: string | undefined, formatOption: string | undefined, maxVersion: string | undefined, rawType: string): ResponseFormat {
  const version = negotiateVersion(maxVersion);
  const raw = formatOf('minimal', false, version);
  if (formatOption !== undefined) {
    const [range] = parseMediaRanges(formatOption);
    // Short of naming the raw type, `$format` must be JSON, as it always could be here; else a 406.
    if (range === undefined || qualityOf(rawType, [range]) === undefined) negotiate(undefined, formatOption, maxVersion);
    return raw;
  }
  if (accept === undefined || accept.trim() === '') return raw;
  const ranges = parseMediaRanges(accept);
  const quality = qualityOf(rawType, ranges);
  if (quality !== undefined ? quality > 0 : ranges.some((r) => r.quality > 0 && JSON_RANGES.has(r.type))) return raw;
  throw odataErrors.notAcceptable(accept, rawType);
}
