import { ODataError } from '../odata/errors.js';
import { entityTypeInfo, resolveEntityTypeName, type ODataService } from '../odata/service.js';
import { prepareWriteBody } from '../odata/request-entity.js';
import type { DocPage, ExampleRequest, ExampleResponse, PageProperty } from './page.js';
import { resolveTemplate } from './resolve-template.js';

// `edmock docs check`: a page linted against the metadata of its API version, in the manner of
// Microsoft's ApiDoctor. Errors are defects a reader or an SDK would trip on (wrong types,
// placeholders for typed values, foreign namespaces, paths the model cannot resolve, statuses that
// disagree); warnings are gaps in the page (TODO placeholders, vague type names).

export type Severity = 'error' | 'warning';

export interface Finding {
  file: string;
  line: number;
  severity: Severity;
  code: string;
  message: string;
}

/** Values reference pages write where a real value belongs. */
export const PLACEHOLDER = /^(String|Integer|Int32|Int64|Boolean|Double|Guid|Enumeration|String \(.*\)|DateTimeOffset|Date)$/;

/** Names pages use for Edm primitive types. */
const DOC_PRIMITIVES: Record<string, string> = {
  String: 'Edm.String', Int32: 'Edm.Int32', Int64: 'Edm.Int64', Int16: 'Edm.Int16', Boolean: 'Edm.Boolean',
  DateTimeOffset: 'Edm.DateTimeOffset', Date: 'Edm.Date', TimeOfDay: 'Edm.TimeOfDay', Double: 'Edm.Double',
  Single: 'Edm.Single', Decimal: 'Edm.Decimal', Guid: 'Edm.Guid', Binary: 'Edm.Binary', Duration: 'Edm.Duration', Byte: 'Edm.Byte',
};

export const docTypeToEdm = (docType: string): string | undefined => DOC_PRIMITIVES[docType];

interface Context {
  page: DocPage;
  service: ODataService;
  findings: Finding[];
}

function report(context: Context, line: number, severity: Severity, code: string, message: string): void {
  context.findings.push({ file: context.page.file, line, severity, code, message });
}

/** A written type name (`#microsoft.graph.x`) in a namespace the model declares (not a mapped foreign one)? */
function checkTypeName(context: Context, written: unknown, line: number, where: string): string | undefined {
  if (typeof written !== 'string') return undefined;
  const name = written.replace(/^#/, '');
  const dot = name.lastIndexOf('.');
  const namespace = name.slice(0, dot);
  const { model } = context.service;
  const declared = model.namespaces.includes(namespace) || Object.hasOwn(model.aliases, namespace);
  if (!declared) report(context, line, 'error', 'foreign-namespace', `${where} names '${written}': '${namespace}' is not a namespace of the metadata (${model.namespaces.join(', ')})`);
  const resolved = resolveEntityTypeName(context.service, name);
  if (resolved) return resolved;
  const caseless = Object.keys(model.entityTypes).find((t) => t.toLowerCase() === resolveLowercase(context, name));
  if (caseless) {
    report(context, line, 'error', 'type-case', `${where} names '${written}', which differs in case from the type '${caseless}'`);
    return caseless;
  }
  report(context, line, 'error', 'unknown-type', `${where} names '${written}', which is not an entity type of the metadata`);
  return undefined;
}

function resolveLowercase(context: Context, name: string): string {
  const dot = name.lastIndexOf('.');
  const namespace = context.service.namespaces.get(name.slice(0, dot)) ?? name.slice(0, dot);
  return `${namespace}.${name.slice(dot + 1)}`.toLowerCase();
}

function checkPath(context: Context, path: string, line: number, where: string): ReturnType<typeof resolveTemplate> {
  const target = resolveTemplate(context.service, path);
  if (target.kind === 'error') report(context, line, 'error', 'unresolved-path', `${where} ${path} does not resolve: ${target.message}`);
  return target;
}

/** Validates a body as a create of `type`, one finding per failing property. */
function checkBody(context: Context, body: unknown, type: string, line: number, where: string): void {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    report(context, line, 'error', 'invalid-body', `${where} body is not a JSON object`);
    return;
  }
  const values = body as Record<string, unknown>;
  try {
    prepareWriteBody(context.service, { ...values, '@odata.type': `#${type}` }, type, 'create');
  } catch (error) {
    if (!(error instanceof ODataError)) throw error;
    const details = error.details.length > 0 ? error.details : [{ code: 'BadRequest', message: error.message, target: error.target }];
    for (const detail of details) {
      const value = detail.target ? values[detail.target.split('/')[0] as string] : undefined;
      if (typeof value === 'string' && PLACEHOLDER.test(value)) {
        const property = detail.target ? entityTypeInfo(context.service, type).properties.get(detail.target) : undefined;
        report(context, line, 'error', 'placeholder-value', `${where} property '${detail.target}' has the placeholder "${value}" where ${property ? `'${property.type}'` : 'a real value'} is expected`);
      } else {
        report(context, line, 'error', detail.code === 'UnknownProperty' ? 'unknown-property' : 'invalid-value', `${where} ${detail.message}`);
      }
    }
  }
}

function checkPropertyTable(context: Context, type: string): void {
  const info = entityTypeInfo(context.service, type);
  const { model } = context.service;
  for (const row of context.page.properties) {
    const property = info.properties.get(row.name);
    if (!property) {
      report(context, row.line, 'error', 'unknown-property', `the property table lists '${row.name}', which '${type}' does not have`);
      continue;
    }
    checkRowType(context, row, property.type, property.typeKind === 'enum');
    if (property.typeKind === 'enum') {
      const members = model.enumTypes[property.type]?.members.map((m) => m.name) ?? [];
      const listed = row.enumMembers ?? [];
      const missing = members.filter((m) => !listed.includes(m));
      const extra = listed.filter((m) => !members.includes(m));
      if (listed.length === 0) report(context, row.line, 'warning', 'enum-members', `'${row.name}' is an enum but the table lists none of its members`);
      if (extra.length > 0) report(context, row.line, 'error', 'enum-members', `'${row.name}' lists ${extra.map((m) => `'${m}'`).join(', ')}, not members of '${property.type}'`);
      if (listed.length > 0 && missing.length > 0) report(context, row.line, 'warning', 'enum-members', `'${row.name}' does not list ${missing.map((m) => `'${m}'`).join(', ')} of '${property.type}'`);
    }
  }
  const listed = new Set(context.page.properties.map((p) => p.name));
  const firstRow = context.page.properties[0];
  if (firstRow) {
    for (const property of info.properties.values()) {
      if (!listed.has(property.name)) report(context, firstRow.line, 'warning', 'missing-property', `the property table does not list '${property.name}' of '${type}'`);
    }
  }
}

function checkRowType(context: Context, row: PageProperty, expected: string, isEnum: boolean): void {
  const simple = expected.slice(expected.lastIndexOf('.') + 1);
  if (isEnum) {
    if (row.type === 'Enumeration') report(context, row.line, 'warning', 'vague-type', `'${row.name}' is typed 'Enumeration'; the metadata names the enum '${simple}'`);
    else if (row.type !== simple) report(context, row.line, 'error', 'type-mismatch', `'${row.name}' is typed '${row.type}' but the metadata says '${expected}'`);
    return;
  }
  if (docTypeToEdm(row.type) !== expected && row.type !== simple) report(context, row.line, 'error', 'type-mismatch', `'${row.name}' is typed '${row.type}' but the metadata says '${expected}'`);
}

function checkRequest(context: Context, request: ExampleRequest, pageType: string | undefined): string | undefined {
  const { page } = context;
  if (request.version === undefined) report(context, request.line, 'error', 'no-version', `the example URL ${request.url} names no API version`);
  const target = checkPath(context, request.path, request.line, 'the example request path');
  const documented = page.operations.some((op) => op.method === request.method && op.path === request.path);
  if (page.operations.length > 0 && !documented) {
    const listed = page.operations.map((op) => `${op.method} ${op.path}`).join('; ');
    report(context, request.line, 'error', 'undocumented-operation', `the example sends ${request.method} ${request.path}, which the HTTP request section does not document (${listed})`);
  }
  let type = target.kind !== 'error' ? target.type : pageType;
  const body = request.body as Record<string, unknown> | undefined;
  if (request.bodyText !== undefined && request.body === undefined) report(context, request.bodyLine ?? request.line, 'error', 'invalid-body', 'the example request body is not valid JSON');
  if (body && typeof body === 'object') {
    const named = checkTypeName(context, body['@odata.type'], request.bodyLine ?? request.line, 'the example request @odata.type');
    if (named) type = named;
    if (type && request.method !== 'DELETE') checkBody(context, body, type, request.bodyLine ?? request.line, 'the example request:');
  }
  return type;
}

function checkResponse(context: Context, response: ExampleResponse, type: string | undefined): void {
  const { page } = context;
  if (page.expectedStatus && response.status !== page.expectedStatus.status) {
    report(context, response.line, 'error', 'status-mismatch', `the example response is ${response.status}; the Response section promises ${page.expectedStatus.status}`);
  }
  const annotated = response.annotation['@odata.type'];
  let responseType = type;
  if (annotated !== undefined) responseType = checkTypeName(context, annotated, response.annotationLine ?? response.line, 'the response annotation @odata.type') ?? type;
  const body = response.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return;
  const named = checkTypeName(context, body['@odata.type'], response.bodyLine ?? response.line, 'the example response @odata.type');
  responseType = named ?? responseType;
  if (!responseType) return;
  checkBody(context, body, responseType, response.bodyLine ?? response.line, 'the example response:');
  if (response.annotation.truncated !== true) {
    for (const property of entityTypeInfo(context.service, responseType).properties.values()) {
      if (!Object.hasOwn(body, property.name)) report(context, response.bodyLine ?? response.line, 'error', 'missing-response-property', `the example response lacks '${property.name}' and is not marked truncated`);
    }
  }
}

/** All findings of one page, against the service of its API version. */
export function checkPage(page: DocPage, service: ODataService): Finding[] {
  const context: Context = { page, service, findings: [] };
  for (const todo of page.todos) {
    const text = todo.text.replace(/\*+/g, '').replace(/\s*See \[.*$/, '').replace(/^.*?(TODO)/, '$1').trim();
    report(context, todo.line, 'warning', 'todo', `placeholder text left on the page: "${text}"`);
  }
  let pageType: string | undefined;
  if (page.entityType !== undefined) {
    pageType = resolveEntityTypeName(service, `${service.model.namespaces[0]}.${page.entityType}`);
    if (!pageType) report(context, 1, 'error', 'unknown-type', `the page is about '${page.entityType}', which is not an entity type of the metadata`);
  }
  for (const operation of page.operations) {
    const target = checkPath(context, operation.path, operation.line, `${operation.method}`);
    // Protocol §11.4.6.1: adding a reference answers 204 No Content, never 201.
    if (target.kind === 'refs' && operation.method === 'POST' && page.expectedStatus && page.expectedStatus.status !== 204) {
      report(context, page.expectedStatus.line, 'error', 'status-mismatch', `the Response section promises ${page.expectedStatus.status} for ${operation.method} ${operation.path}; adding a reference answers 204`);
    }
  }
  if (pageType) checkPropertyTable(context, pageType);
  for (const example of page.examples) {
    const type = checkRequest(context, example.request, pageType);
    if (example.response) checkResponse(context, example.response, type);
  }
  return context.findings.sort((a, b) => a.line - b.line || a.code.localeCompare(b.code));
}
