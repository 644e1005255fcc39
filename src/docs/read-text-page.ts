import type { DocPage } from './page.js';
import { OPERATION_LINE, possibleValues, readRequestBlock, readResponseBlock } from './read-http-block.js';

// A page in its rendered plain-text form (corpus file 004): no markup, so sections are the lines
// that equal a known heading, tables are lines whose first words are the columns, and examples are
// found by their request and status lines.

const HEADINGS = new Map([
  ['permissions', 'permissions'], ['http request', 'http request'], ['request headers', 'request headers'],
  ['request body', 'request body'], ['response', 'response'], ['example', 'examples'], ['examples', 'examples'],
]);

export function readTextPage(file: string, text: string): DocPage {
  const lines = text.split('\n');
  const page: DocPage = { file, format: 'text', frontMatter: {}, operations: [], properties: [], permissions: [], examples: [], todos: [] };
  let section = '';
  let table: 'properties' | 'permissions' | undefined;
  let sawExampleRequestHeading = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = raw.trim();
    const lineNumber = i + 1;
    if (line === '') { table = undefined; continue; }
    if (page.title === undefined) { page.title = line; continue; }
    const heading = HEADINGS.get(line.toLowerCase());
    if (heading && !(section === 'examples' && (line === 'Request' || line === 'Response'))) {
      section = heading;
      table = undefined;
      continue;
    }
    if (section === 'examples' && line === 'Request') { sawExampleRequestHeading = true; continue; }
    const namespace = /^Namespace:\s*([\w.]+)$/.exec(line);
    if (namespace) { page.namespace = namespace[1] as string; continue; }
    if (/^Property\s+Type\s+Description$/i.test(line)) { table = 'properties'; continue; }
    if (/^Permission type\s+Permissions/i.test(line)) { table = 'permissions'; continue; }
    if (table === 'properties') {
      const match = /^(\S+)\s+(\S+)\s*(.*)$/.exec(line);
      if (match) {
        const property = { name: match[1] as string, type: match[2] as string, description: match[3] as string, line: lineNumber };
        const members = possibleValues(property.description);
        page.properties.push(members ? { ...property, enumMembers: members } : property);
      }
      continue;
    }
    if (table === 'permissions') {
      const match = /^(Delegated \([^)]*\)|Application)\s+(.*)$/.exec(line);
      if (match) {
        const scopesText = (match[2] as string).trim();
        const scopes = /TODO|not supported/i.test(scopesText) ? [] : scopesText.split(',').map((s) => s.trim()).filter(Boolean);
        page.permissions.push({ kind: match[1] as string, scopes, text: scopesText, line: lineNumber });
      }
      continue;
    }
    if (section === 'http request') {
      const match = OPERATION_LINE.exec(line);
      if (match) page.operations.push({ method: match[1] as string, path: match[2] as string, line: lineNumber });
      continue;
    }
    if (section === 'request body' && page.entityType === undefined) {
      const match = /JSON representation (?:of|for) the (\w+) object/i.exec(line);
      if (match) page.entityType = match[1] as string;
      continue;
    }
    if (section === 'response' && page.expectedStatus === undefined) {
      const match = /\b(\d{3})\s+[A-Z][a-z]+/.exec(line);
      if (match) page.expectedStatus = { status: Number(match[1]), line: lineNumber };
      continue;
    }
    if (section === 'examples') {
      // An example runs to the next example line or the end: its lines are handed over whole.
      const end = lines.findIndex((l, j) => j > i && (/^(GET|POST|PATCH|PUT|DELETE)\s+https?:\/\//.test(l.trim()) || /^HTTP\/\d/.test(l.trim())));
      const block = lines.slice(i, end < 0 ? lines.length : end);
      if (/^(GET|POST|PATCH|PUT|DELETE)\s+https?:\/\//.test(line)) {
        const request = readRequestBlock(block, lineNumber, sawExampleRequestHeading ? { blockType: 'request' } : {});
        if (request) page.examples.push({ request });
        i += block.length - 1;
      } else if (/^HTTP\/\d/.test(line)) {
        const response = readResponseBlock(block, lineNumber, { blockType: 'response' });
        const example = page.examples.at(-1);
        if (response && example && !example.response) example.response = response;
        i += block.length - 1;
      }
    }
  }
  lines.forEach((line, index) => {
    if (/TODO/.test(line)) page.todos.push({ text: line.trim(), line: index + 1 });
  });
  return page;
}
