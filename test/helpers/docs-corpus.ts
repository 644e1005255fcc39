import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CORPUS_DIR } from './paths.js';

// Reads the example request and response of each page of the docs corpus (paths.ts says where).
// This is a test fixture reader, not the docs importer (issue 4 builds that with a markdown
// parser): it only needs the first example request line and the JSON objects that follow the request and the
// `HTTP/1.1 201` response line.

export interface PageExample {
  file: string;
  method: string;
  version: 'beta' | 'v1.0';
  /** Path template below the version, e.g. `/deviceAppManagement/mobileApps/{mobileAppId}/userStatuses`. */
  pathTemplate: string;
  requestBody: Record<string, unknown>;
  responseStatus: number;
  responseBody: Record<string, unknown>;
}

/** The JSON object starting at the first `{` at or after `from`, respecting strings. */
function jsonObjectAfter(text: string, from: number): { value: Record<string, unknown>; end: number } {
  const start = text.indexOf('{', from);
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return { value: JSON.parse(text.slice(start, i + 1)), end: i + 1 };
  }
  throw new Error(`unbalanced JSON after offset ${from}`);
}

export function readPageExamples(): PageExample[] {
  return readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.txt')).sort().map((file) => {
    const text = readFileSync(path.join(CORPUS_DIR, file), 'utf8');
    const request = /^(POST|GET|PATCH|PUT|DELETE) https:\/\/graph\.microsoft\.com\/(beta|v1\.0)(\/\S+)$/m.exec(text);
    if (!request) throw new Error(`${file}: no example request line`);
    const body = jsonObjectAfter(text, request.index + request[0].length);
    const statusLine = /^HTTP\/1\.1 (\d{3})/m.exec(text.slice(body.end));
    if (!statusLine) throw new Error(`${file}: no example response`);
    const response = jsonObjectAfter(text, body.end + statusLine.index);
    return {
      file,
      method: request[1],
      version: request[2] as 'beta' | 'v1.0',
      pathTemplate: request[3],
      requestBody: body.value,
      responseStatus: Number(statusLine[1]),
      responseBody: response.value,
    };
  });
}

/**
 * Page 001 changed to disagree with the metadata: devicesCount retyped (a conflict), a new
 * property and a new enum member (changes an import adds).
 */
export async function disagreeingPage(): Promise<string> {
  return (await readFile(path.join(CORPUS_DIR, '001_8b2e5b793cf2cf7e.txt'), 'utf8'))
    .replace('|devicesCount|Int32|', '|devicesCount|String|')
    .replace('|userPrincipalName|String|**TODO: Add Description**|', '|userPrincipalName|String|**TODO: Add Description**|\n|deviceName|String|A new property.|')
    .replace("`conflict`, `notAssigned`.|", "`conflict`, `notAssigned`, `quarantined`.|");
}
