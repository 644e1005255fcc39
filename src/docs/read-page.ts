import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DocPage } from './page.js';
import { readMarkdownPage } from './read-markdown-page.js';
import { readTextPage } from './read-text-page.js';

// Pages by file or directory, each read in the form it is in: markdown when it has front matter,
// headings or fenced blocks, the rendered plain-text form otherwise.

export function readPage(file: string, text: string): DocPage {
  const markdown = /^---\r?\n/.test(text) || /^#{1,6}\s/m.test(text) || /^```/m.test(text);
  const page = markdown ? readMarkdownPage(file, text) : readTextPage(file, text);
  // The page's entity type when the request body section names none: the examples' @odata.type.
  if (page.entityType === undefined) {
    const odataType = page.examples.map((e) => (e.request.body as Record<string, unknown> | undefined)?.['@odata.type']).find((t): t is string => typeof t === 'string');
    if (odataType) page.entityType = odataType.split('.').pop();
  }
  return page;
}

/** Every page under the given files and directories (`.md`, `.txt`; README.md skipped), sorted. */
export async function readPages(inputs: string[]): Promise<DocPage[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const info = await stat(input);
    if (info.isDirectory()) {
      for (const name of (await readdir(input)).sort()) {
        if (/\.(md|txt)$/i.test(name) && name.toLowerCase() !== 'readme.md') files.push(path.join(input, name));
      }
    } else {
      files.push(input);
    }
  }
  return Promise.all(files.map(async (file) => readPage(file, await readFile(file, 'utf8'))));
}
