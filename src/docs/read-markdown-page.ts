import type { Code, Heading, Html, Link, Node, Paragraph, Parent, Table } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTable } from 'micromark-extension-gfm-table';
import { parse as parseYaml } from 'yaml';
import type { DocPage } from './page.js';
import { OPERATION_LINE, possibleValues, readRequestBlock, readResponseBlock } from './read-http-block.js';

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
  let section = '';
  let annotation: Record<string, unknown> | undefined;
  let annotationLine: number | undefined;
  for (const node of tree.children) {
    if (node.type === 'heading') {
      const heading = textOf(node as Heading).trim();
      if ((node as Heading).depth === 1 && page.title === undefined) page.title = heading;
      else if ((node as Heading).depth === 2) section = heading.toLowerCase();
      continue;
    }
    if (node.type === 'html') {
      const parsed = annotationOf(node as Html);
      if (parsed) {
        annotation = parsed;
        annotationLine = lineOf(node);
      }
      continue;
    }
    if (node.type === 'paragraph') {
      const paragraph = textOf(node as Paragraph).trim();
      const namespace = /^Namespace:\s*([\w.]+)/.exec(paragraph);
      if (namespace) page.namespace = namespace[1] as string;
      if (section === 'request body' && page.entityType === undefined && /JSON representation/i.test(paragraph)) {
        const [link] = findAll<Link>(node, 'link');
        if (link) page.entityType = textOf(link).trim();
      }
      if (section === 'response' && page.expectedStatus === undefined) {
        const status = /\b(\d{3})\s+[A-Z][a-z]+/.exec(paragraph);
        if (status) page.expectedStatus = { status: Number(status[1]), line: lineOf(node) };
      }
      continue;
    }
    if (node.type === 'table') {
      const table = node as Table;
      const header = table.children[0]?.children.map((cell) => textOf(cell).trim().toLowerCase()) ?? [];
      if (header[0] === 'property' && header[1] === 'type') {
        for (const { cells, line } of tableRows(table)) {
          const description = cells[2] ?? '';
          const property = { name: cells[0] ?? '', type: cells[1] ?? '', description, line };
          const members = possibleValues(description);
          page.properties.push(members ? { ...property, enumMembers: members } : property);
        }
      } else if (header[0] === 'permission type') {
        for (const { cells, line } of tableRows(table)) {
          const scopesText = cells[1] ?? '';
          const scopes = /TODO|not supported/i.test(scopesText) ? [] : scopesText.split(',').map((s) => s.trim()).filter(Boolean);
          page.permissions.push({ kind: cells[0] ?? '', scopes, text: scopesText, line });
        }
      }
      continue;
    }
    if (node.type === 'code') {
      const code = node as Code;
      const lines = code.value.split('\n');
      const firstLine = lineOf(code) + 1;
      const blockType = annotation?.blockType;
      if (section === 'http request') {
        for (const [i, line] of lines.entries()) {
          const match = OPERATION_LINE.exec(line.trim());
          if (match) page.operations.push({ method: match[1] as string, path: match[2] as string, line: firstLine + i });
        }
      } else if (blockType === 'request') {
        const request = readRequestBlock(lines, firstLine, annotation ?? {});
        if (request && annotationLine !== undefined) request.annotationLine = annotationLine;
        if (request) page.examples.push({ request });
      } else if (blockType === 'response') {
        const response = readResponseBlock(lines, firstLine, annotation ?? {});
        if (response && annotationLine !== undefined) response.annotationLine = annotationLine;
        const example = page.examples.at(-1);
        if (response && example && !example.response) example.response = response;
      }
      annotation = undefined;
      annotationLine = undefined;
    }
  }
  text.split('\n').forEach((line, index) => {
    const todo = /\*{0,2}(TODO[^*|]*)\*{0,2}/.exec(line);
    if (todo) page.todos.push({ text: (todo[1] as string).trim(), line: index + 1 });
  });
  if (typeof frontMatter.title === 'string' && page.title === undefined) page.title = frontMatter.title;
  return page;
}

