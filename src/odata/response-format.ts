import { odataErrors } from './errors.js';

// What a client asked the JSON to look like (OData 4.01 JSON Format §3, Protocol §8.2.1/§8.2.6):
// the metadata level (`odata.metadata=none|minimal|full`, minimal by default), whether Int64 and
// Decimal travel as strings (`IEEE754Compatible=true`), and the protocol version to answer in
// (`OData-MaxVersion`: 4.01 when the client accepts it, else 4.0, which Graph always answers).
// `$format` overrides Accept.

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

function levelOf(value: string | undefined, source: string): MetadataLevel | undefined {
  if (value === undefined) return undefined;
  const level = value.toLowerCase();
  if (level === 'none' || level === 'minimal' || level === 'full') return level;
  throw odataErrors.badRequest(`'${value}' in ${source} is not a metadata level (none, minimal, full).`, source);
}

function negotiateVersion(maxVersion: string | undefined): '4.0' | '4.01' {
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

export function negotiateFormat(accept: string | undefined, formatOption: string | undefined, maxVersion: string | undefined): ResponseFormat {
  if (accept === undefined && formatOption === undefined && maxVersion === undefined) return DEFAULT_FORMAT;
  const key = `${accept ?? ''}\u0000${formatOption ?? ''}\u0000${maxVersion ?? ''}`;
  let format = negotiated.get(key);
  if (format === undefined) {
    format = negotiate(accept, formatOption, maxVersion);
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
