import type { Code, Heading, Html, Link, Node, Paragraph, Parent, RootContent, Table } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTable } from 'micromark-extension-gfm-table';
import { parse as parseYaml } from 'yaml';
import type { DocPage } from './page.js';
import { permissionRow, propertyRow } from './page-rows.js';
import { OPERATION_LINE, readRequestBlock, readResponseBlock } from './read-http-block.js';

// A page in its markdown source form: YAML front matter, then CommonMark with GFM tables, where
// an HTML comment holding JSON (`<!-- { "blockType": "request", ... } -->`) annotates the code
// block after it. Parsed with micromark into mdast; sections are found by their headings.

const lineOf = (node: Node): number => node.position?.start.line ?? 0;

function textOf(node: Node): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node as Parent).children.map(textOf).join('');
  return '';
}

function findAll<T extends Node>(node: Node, type: string): T[] {
  const found: T[] = [];
  const visit = (n: Node) => {
    if (n.type === type) found.push(n as T);
    if ('children' in n) for (const child of (n as Parent).children) visit(child);
  };
  visit(node);
  return found;
}

/** Front matter is cut off before parsing, replaced by blank lines so that line numbers hold. */
function splitFrontMatter(text: string): { frontMatter: Record<string, unknown>; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(text);
  if (!match) return { frontMatter: {}, body: text };
  let frontMatter: Record<string, unknown> = {};
  try {
    const parsed: unknown = parseYaml(match[1] as string);
    if (parsed && typeof parsed === 'object') frontMatter = parsed as Record<string, unknown>;
  } catch {
    // a broken front matter leaves the page readable; the title comes from the heading
  }
  return { frontMatter, body: '\n'.repeat(match[0].split('\n').length - 1) + text.slice(match[0].length) };
}

function annotationOf(html: Html): Record<string, unknown> | undefined {
  const match = /^<!--\s*([\s\S]*?)\s*-->$/.exec(html.value.trim());
  if (!match) return undefined;
  try {
    const value: unknown = JSON.parse(match[1] as string);
    return value && typeof value === 'object' ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

function tableRows(table: Table): { cells: string[]; line: number }[] {
  return table.children.slice(1).map((row) => ({ cells: row.children.map((cell) => textOf(cell).trim()), line: lineOf(row) }));
}

export function readMarkdownPage(file: string, text: string): DocPage {
  const { frontMatter, body } = splitFrontMatter(text);
  const tree = fromMarkdown(body, { extensions: [gfmTable()], mdastExtensions: [gfmTableFromMarkdown()] });
  const page: DocPage = { file, format: 'markdown', frontMatter, operations: [], properties: [], permissions: [], examples: [], todos: [] };
  readBlocks(tree.children, page);
  page.todos.push(...todosOf(text));
  if (typeof frontMatter.title === 'string' && page.title === undefined) page.title = frontMatter.title;
  return page;
}

/** What reading one top-level block leaves for the next: the section it is in, the annotation waiting for a code block. */
interface Cursor {
  section: string;
  annotation?: Record<string, unknown>;
  annotationLine?: number;
}

function readBlocks(blocks: RootContent[], page: DocPage): void {
  const cursor: Cursor = { section: '' };
  for (const node of blocks) {
    if (node.type === 'heading') readHeading(node, page, cursor);
    else if (node.type === 'html') holdAnnotation(node, cursor);
    else if (node.type === 'paragraph') readParagraph(node, cursor.section, page);
    else if (node.type === 'table') readTable(node, page);
    else if (node.type === 'code') {
      readCode(node, cursor, page);
      // An annotation belongs to the one code block after it.
      cursor.annotation = undefined;
      cursor.annotationLine = undefined;
    }
  }
}

/** The first level-1 heading is the title; level-2 headings open the sections the other readers look at. */
function readHeading(node: Heading, page: DocPage, cursor: Cursor): void {
  const heading = textOf(node).trim();
  if (node.depth === 1 && page.title === undefined) page.title = heading;
  else if (node.depth === 2) cursor.section = heading.toLowerCase();
}

function holdAnnotation(node: Html, cursor: Cursor): void {
  const parsed = annotationOf(node);
  if (parsed) {
    cursor.annotation = parsed;
    cursor.annotationLine = lineOf(node);
  }
}

/** The namespace line, the request body's entity type link and the response's promised status. */
function readParagraph(node: Paragraph, section: string, page: DocPage): void {
  const paragraph = textOf(node).trim();
  const namespace = /^Namespace:\s*([\w.]+)/.exec(paragraph);
  if (namespace) page.namespace = namespace[1];
  if (section === 'request body' && page.entityType === undefined && /JSON representation/i.test(paragraph)) {
    const [link] = findAll<Link>(node, 'link');
    if (link) page.entityType = textOf(link).trim();
  }
  if (section === 'response' && page.expectedStatus === undefined) {
    const status = /\b(\d{3})\s+[A-Z][a-z]+/.exec(paragraph);
    if (status) page.expectedStatus = { status: Number(status[1]), line: lineOf(node) };
  }
}

/** A property or permission table, told apart by its header; other tables are not read. */
function readTable(table: Table, page: DocPage): void {
  const header = table.children[0]?.children.map((cell) => textOf(cell).trim().toLowerCase()) ?? [];
  if (header[0] === 'property' && header[1] === 'type') {
    for (const { cells, line } of tableRows(table)) page.properties.push(propertyRow(cells[0] ?? '', cells[1] ?? '', cells[2] ?? '', line));
  } else if (header[0] === 'permission type') {
    for (const { cells, line } of tableRows(table)) page.permissions.push(permissionRow(cells[0] ?? '', cells[1] ?? '', line));
  }
}

/** Operation lines under "HTTP request"; elsewhere an annotated example request or its response. */
function readCode(code: Code, cursor: Cursor, page: DocPage): void {
  const lines = code.value.split('\n');
  const firstLine = lineOf(code) + 1;
  const blockType = cursor.annotation?.blockType;
  if (cursor.section === 'http request') {
    for (const [i, line] of lines.entries()) {
      const match = OPERATION_LINE.exec(line.trim());
      if (match) page.operations.push({ method: match[1] as string, path: match[2] as string, line: firstLine + i });
    }
  } else if (blockType === 'request') {
    const request = readRequestBlock(lines, firstLine, cursor.annotation ?? {});
    if (request && cursor.annotationLine !== undefined) request.annotationLine = cursor.annotationLine;
    if (request) page.examples.push({ request });
  } else if (blockType === 'response') {
    const response = readResponseBlock(lines, firstLine, cursor.annotation ?? {});
    if (response && cursor.annotationLine !== undefined) response.annotationLine = cursor.annotationLine;
    const example = page.examples.at(-1);
    if (response && example && !example.response) example.response = response;
  }
}

/** `TODO` placeholders anywhere in the source, front matter included, without their bold markers. */
function todosOf(text: string): DocPage['todos'] {
  const todos: DocPage['todos'] = [];
  text.split('\n').forEach((line, index) => {
    const todo = /\*{0,2}(TODO[^*|]*)\*{0,2}/.exec(line);
    if (todo) todos.push({ text: (todo[1] as string).trim(), line: index + 1 });
  });
  return todos;
}
