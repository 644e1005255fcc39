import type { DocPage } from './page.js';
import { permissionRow, propertyRow } from './page-rows.js';
import { OPERATION_LINE, readRequestBlock, readResponseBlock } from './read-http-block.js';

// A page in its rendered plain-text form (corpus file 004): no markup, so sections are the lines
// that equal a known heading, tables are lines whose first words are the columns, and examples are
// found by their request and status lines.

const HEADINGS = new Map([
  ['permissions', 'permissions'], ['http request', 'http request'], ['request headers', 'request headers'],
  ['request body', 'request body'], ['response', 'response'], ['example', 'examples'], ['examples', 'examples'],
]);

const REQUEST_LINE = /^(GET|POST|PATCH|PUT|DELETE)\s+https?:\/\//;
const STATUS_LINE = /^HTTP\/\d/;

export function readTextPage(file: string, text: string): DocPage {
  const lines = text.split('\n');
  const page: DocPage = { file, format: 'text', frontMatter: {}, operations: [], properties: [], permissions: [], examples: [], todos: [] };
  readLines(lines, page);
  lines.forEach((line, index) => {
    if (/TODO/.test(line)) page.todos.push({ text: line.trim(), line: index + 1 });
  });
  return page;
}

/** What reading one line leaves for the next: the section and table it is in. */
interface Cursor {
  section: string;
  table?: 'properties' | 'permissions';
  sawExampleRequestHeading: boolean;
}

function readLines(lines: string[], page: DocPage): void {
  const cursor: Cursor = { section: '', sawExampleRequestHeading: false };
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    const lineNumber = i + 1;
    if (line === '') { cursor.table = undefined; continue; }
    if (page.title === undefined) { page.title = line; continue; }
    if (readLayoutLine(line, cursor, page)) continue;
    if (cursor.table === 'properties') readPropertyLine(line, lineNumber, page);
    else if (cursor.table === 'permissions') readPermissionLine(line, lineNumber, page);
    // An example takes the lines up to the next example, so the walk resumes after them.
    else i += readSectionLine(lines, i, cursor, page);
  }
}

/** Headings, the example "Request" label, the namespace line and table headers: lines that say what follows. */
function readLayoutLine(line: string, cursor: Cursor, page: DocPage): boolean {
  const heading = HEADINGS.get(line.toLowerCase());
  if (heading && !(cursor.section === 'examples' && (line === 'Request' || line === 'Response'))) {
    cursor.section = heading;
    cursor.table = undefined;
    return true;
  }
  if (cursor.section === 'examples' && line === 'Request') { cursor.sawExampleRequestHeading = true; return true; }
  const namespace = /^Namespace:\s*([\w.]+)$/.exec(line);
  if (namespace) { page.namespace = namespace[1]; return true; }
  if (/^Property\s+Type\s+Description$/i.test(line)) { cursor.table = 'properties'; return true; }
  if (/^Permission type\s+Permissions/i.test(line)) { cursor.table = 'permissions'; return true; }
  return false;
}

function readPropertyLine(line: string, lineNumber: number, page: DocPage): void {
  const match = /^(\S+)\s+(\S+)\s*(.*)$/.exec(line);
  if (match) page.properties.push(propertyRow(match[1] as string, match[2] as string, match[3] as string, lineNumber));
}

function readPermissionLine(line: string, lineNumber: number, page: DocPage): void {
  const match = /^(Delegated \([^)]*\)|Application)\s+(.*)$/.exec(line);
  if (match) page.permissions.push(permissionRow(match[1] as string, (match[2] as string).trim(), lineNumber));
}

/** A line read by the section it is in; returns how many lines after it were read along with it. */
function readSectionLine(lines: string[], index: number, cursor: Cursor, page: DocPage): number {
  const line = (lines[index] as string).trim();
  const lineNumber = index + 1;
  if (cursor.section === 'http request') {
    const match = OPERATION_LINE.exec(line);
    if (match) page.operations.push({ method: match[1] as string, path: match[2] as string, line: lineNumber });
  } else if (cursor.section === 'request body') {
    const match = page.entityType === undefined ? /JSON representation (?:of|for) the (\w+) object/i.exec(line) : null;
    if (match) page.entityType = match[1];
  } else if (cursor.section === 'response') {
    const match = page.expectedStatus === undefined ? /\b(\d{3})\s+[A-Z][a-z]+/.exec(line) : null;
    if (match) page.expectedStatus = { status: Number(match[1]), line: lineNumber };
  } else if (cursor.section === 'examples') {
    return readExample(lines, index, cursor, page);
  }
  return 0;
}

/** An example request or response: its lines run to the next request or status line, or the end. */
function readExample(lines: string[], index: number, cursor: Cursor, page: DocPage): number {
  const line = (lines[index] as string).trim();
  const end = lines.findIndex((l, j) => j > index && (REQUEST_LINE.test(l.trim()) || STATUS_LINE.test(l.trim())));
  const block = lines.slice(index, end < 0 ? lines.length : end);
  if (REQUEST_LINE.test(line)) {
    const request = readRequestBlock(block, index + 1, cursor.sawExampleRequestHeading ? { blockType: 'request' } : {});
    if (request) page.examples.push({ request });
    return block.length - 1;
  }
  if (STATUS_LINE.test(line)) {
    const response = readResponseBlock(block, index + 1, { blockType: 'response' });
    const example = page.examples.at(-1);
    if (response && example && !example.response) example.response = response;
    return block.length - 1;
  }
  return 0;
}
