import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { EdmProperty } from '../edm/model.js';
import { entityTypeInfo, resolveEntityTypeName, type ODataService } from '../odata/service.js';
import { packageRoot } from '../package-root.js';
import { createMockServer } from '../index.js';
import { PLACEHOLDER } from './check-pages.js';
import type { PageExample } from './page.js';
import { readPages } from './read-page.js';
import { resolveTemplate } from './resolve-template.js';
import { pageVersion, servicesByVersion } from './services-by-version.js';

// `edmock docs replay`: each page's example request sent to a mock, its answer compared with the
// page's example response. Path parameters are bound to entities that exist (created first when
// a collection is empty); placeholders for typed values are replaced by valid values of the
// declared type. The comparison: status, @odata.type, every documented property present with a
// value of its type, and exactly the documented value where the page shows a real one.

export interface ReplayResult {
  name: string;
  file: string;
  line: number;
  ok: boolean;
  failures: string[];
}

interface HttpResponse { status: number; body: unknown }
type Send = (method: string, url: string, body?: unknown) => Promise<HttpResponse>;


/** A valid stand-in for a placeholder, by declared type. */
function validValue(service: ODataService, property: EdmProperty): unknown {
  if (property.typeKind === 'enum') return service.model.enumTypes[property.type]?.members[0]?.name;
  const samples: Record<string, unknown> = {
    'Edm.Int32': 1, 'Edm.Int64': 1, 'Edm.Int16': 1, 'Edm.Byte': 1, 'Edm.Double': 1.5, 'Edm.Decimal': 1.5, 'Edm.Boolean': true,
    'Edm.DateTimeOffset': '2026-01-01T00:00:00Z', 'Edm.Date': '2026-01-01', 'Edm.TimeOfDay': '12:00:00', 'Edm.Duration': 'PT1H',
    'Edm.Guid': '00000000-0000-4000-8000-000000000001', 'Edm.String': 'text',
  };
  return samples[property.type] ?? null;
}

function isPlaceholderFor(property: EdmProperty | undefined, value: unknown): boolean {
  return property !== undefined && property.type !== 'Edm.String' && typeof value === 'string' && PLACEHOLDER.test(value);
}

function substitutePlaceholders(service: ODataService, type: string, body: Record<string, unknown>): Record<string, unknown> {
  const properties = entityTypeInfo(service, type).properties;
  return Object.fromEntries(Object.entries(body).map(([name, value]) => [name, isPlaceholderFor(properties.get(name), value) ? validValue(service, properties.get(name)!) : value]));
}

/** The example's path with every `{key}` bound to an entity that exists, creating one where needed. */
async function bindPath(service: ODataService, version: string, template: string, send: Send): Promise<string> {
  let url = `/${version}`;
  for (const segment of template.split('/').filter(Boolean)) {
    if (!/^\{\w+\}$/.test(segment)) { url += `/${segment}`; continue; }
    const listed = await send('GET', url);
    const first = (listed.body as { value?: { id?: string }[] } | undefined)?.value?.[0]?.id;
    if (first !== undefined) { url += `/${encodeURIComponent(first)}`; continue; }
    const target = resolveTemplate(service, url.slice(version.length + 1));
    if (target.kind !== 'collection') throw new Error(`cannot bind ${segment}: ${url} is not a collection`);
    const concrete = entityTypeInfo(service, target.type).concreteTypes[0];
    if (!concrete) throw new Error(`cannot bind ${segment}: '${target.type}' has no concrete type to create`);
    const created = await send('POST', url, { '@odata.type': `#${concrete}` });
    const id = (created.body as { id?: string } | undefined)?.id;
    if (created.status !== 201 || id === undefined) throw new Error(`cannot bind ${segment}: creating in ${url} answered ${created.status}`);
    url += `/${encodeURIComponent(id)}`;
  }
  return url;
}

const canonicalType = (service: ODataService, written: unknown): string | undefined =>
  typeof written === 'string' ? resolveEntityTypeName(service, written.replace(/^#/, '')) ?? written.replace(/^#/, '') : undefined;

function sameJsonType(property: EdmProperty, value: unknown): boolean {
  if (value === null) return property.nullable;
  if (property.collection) return Array.isArray(value);
  if (property.typeKind === 'enum') return typeof value === 'string';
  if (property.typeKind === 'complex') return typeof value === 'object';
  const edm = property.type;
  if (['Edm.Int32', 'Edm.Int64', 'Edm.Int16', 'Edm.Byte', 'Edm.SByte', 'Edm.Double', 'Edm.Single', 'Edm.Decimal'].includes(edm)) return typeof value === 'number';
  if (edm === 'Edm.Boolean') return typeof value === 'boolean';
  return typeof value === 'string';
}

async function replayExample(example: PageExample, service: ODataService, version: string, send: Send): Promise<string[]> {
  const failures: string[] = [];
  const { request, response } = example;
  const url = await bindPath(service, version, request.path, send);
  const target = resolveTemplate(service, request.path);
  const type = canonicalType(service, (request.body as Record<string, unknown> | undefined)?.['@odata.type']) ?? (target.kind !== 'error' ? target.type : undefined);
  let body = request.body;
  if (body && typeof body === 'object' && !Array.isArray(body) && type && service.entityTypes.has(type)) body = substitutePlaceholders(service, type, body as Record<string, unknown>);
  const actual = await send(request.method, url, body);
  if (!response) return failures;
  if (actual.status !== response.status) failures.push(`status ${actual.status}, expected ${response.status}: ${JSON.stringify(actual.body).slice(0, 300)}`);
  const expected = response.body as Record<string, unknown> | undefined;
  const got = actual.body as Record<string, unknown> | undefined;
  if (!expected || typeof expected !== 'object' || !got || typeof got !== 'object') return failures;
  const expectedType = canonicalType(service, expected['@odata.type']);
  if (expectedType && got['@odata.type'] !== `#${expectedType}`) failures.push(`@odata.type ${String(got['@odata.type'])}, expected #${expectedType}`);
  const responseType = expectedType && service.entityTypes.has(expectedType) ? expectedType : type;
  const properties = responseType && service.entityTypes.has(responseType) ? entityTypeInfo(service, responseType).properties : new Map<string, EdmProperty>();
  for (const [name, documented] of Object.entries(expected)) {
    if (name.includes('@')) continue;
    if (!Object.hasOwn(got, name)) { failures.push(`'${name}' is missing from the answer`); continue; }
    const property = properties.get(name);
    if (property && !sameJsonType(property, got[name])) failures.push(`'${name}' is ${JSON.stringify(got[name])}, not a value of ${property.type}`);
    // Exact values where the page shows a real one; keys are the server's to assign.
    const real = !(typeof documented === 'string' && PLACEHOLDER.test(documented)) && name !== 'id';
    if (property && real && JSON.stringify(got[name]) !== JSON.stringify(documented)) {
      failures.push(`'${name}' is ${JSON.stringify(got[name])}, the page shows ${JSON.stringify(documented)}`);
    }
  }
  return failures;
}

export interface ReplayOptions {
  metadataDir: string;
  /** A running mock's root URL; by default an in-process server over metadataDir. */
  url?: string;
}

async function inProcessSend(metadataDir: string): Promise<{ send: Send; close: () => Promise<void> }> {
  const root = packageRoot();
  const versions = (await readdir(metadataDir)).filter((f) => f.endsWith('.xml')).map((f) => f.slice(0, -4));
  // The public in-process API, as a user's test would use it.
  const mock = await createMockServer({
    services: versions.map((version) => {
      const fixtures = path.join(root, 'fixtures', `${version}.json`);
      return { prefix: `/${version}`, metadataFile: path.join(metadataDir, `${version}.xml`), ...(existsSync(fixtures) ? { fixturesFile: fixtures } : {}) };
    }),
  });
  const send: Send = async (method, url, body) => {
    const response = await mock.inject({ method: method as 'GET', url, ...(body === undefined ? {} : { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
    return { status: response.statusCode, body: response.body === '' ? undefined : JSON.parse(response.body) as unknown };
  };
  return { send, close: () => mock.close() };
}

function httpSend(root: string): Send {
  return async (method, url, body) => {
    const response = await fetch(`${root.replace(/\/$/, '')}${url}`, {
      method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) as unknown };
  };
}

export async function replayDocs(inputs: string[], options: ReplayOptions): Promise<ReplayResult[]> {
  const serviceFor = servicesByVersion(options.metadataDir);
  const connection = options.url ? { send: httpSend(options.url), close: async () => {} } : await inProcessSend(options.metadataDir);
  const results: ReplayResult[] = [];
  try {
    for (const page of await readPages(inputs)) {
      for (const example of page.examples) {
        const { request } = example;
        const name = `${path.basename(page.file)}:${request.line} ${request.method} /${request.version ?? '?'}${request.path}`;
        const version = request.version ?? pageVersion(page);
        const service = version === undefined ? undefined : await serviceFor(version);
        if (!service || version === undefined) {
          results.push({ name, file: page.file, line: request.line, ok: false, failures: ['no metadata for the API version of the example'] });
          continue;
        }
        try {
          const failures = await replayExample(example, service, version, connection.send);
          results.push({ name, file: page.file, line: request.line, ok: failures.length === 0, failures });
        } catch (error) {
          results.push({ name, file: page.file, line: request.line, ok: false, failures: [(error as Error).message] });
        }
      }
    }
  } finally {
    await connection.close();
  }
  return results;
}

export function formatTap(results: ReplayResult[]): string {
  const lines = ['TAP version 14', `1..${results.length}`];
  results.forEach((result, i) => {
    lines.push(`${result.ok ? 'ok' : 'not ok'} ${i + 1} - ${result.name}`);
    if (!result.ok) lines.push('  ---', '  failures:', ...result.failures.map((f) => `    - ${JSON.stringify(f)}`), '  ...');
  });
  const passed = results.filter((r) => r.ok).length;
  lines.push(`# ${passed} passed, ${results.length - passed} failed`);
  return lines.join('\n');
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function formatJunit(results: ReplayResult[]): string {
  const failed = results.filter((r) => !r.ok).length;
  const cases = results.map((r) => `  <testcase classname="${xml(path.basename(r.file))}" name="${xml(r.name)}">${r.ok ? '' : `\n    <failure message="${xml(r.failures[0] ?? 'failed')}">${xml(r.failures.join('\n'))}</failure>\n  `}</testcase>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="edmock docs replay" tests="${results.length}" failures="${failed}">\n${cases.join('\n')}\n</testsuite>\n`;
}
