import type { ExampleRequest, ExampleResponse } from './page.js';

// The HTTP text of an example (a fenced block in markdown, plain lines in the rendered form):
// a request line or status line, header lines, and a JSON body. Pages are loose about the blank
// line between headers and body (000's response has one before its headers and none after), so
// the body starts at the first line that opens a JSON value.

const REQUEST_LINE = /^(GET|POST|PATCH|PUT|DELETE)\s+(\S+)/;
const STATUS_LINE = /^HTTP\/\d(?:\.\d)?\s+(\d{3})/;
const HEADER_LINE = /^([A-Za-z][\w-]*):\s*(.*)$/;

interface Parsed {
  headers: Record<string, string>;
  body?: unknown;
  bodyText?: string;
  bodyLine?: number;
}

function headersAndBody(lines: string[], firstLine: number): Parsed {
  const headers: Record<string, string> = {};
  const bodyStart = lines.findIndex((line) => /^\s*[{[]/.test(line));
  const headerLines = bodyStart < 0 ? lines : lines.slice(0, bodyStart);
  for (const line of headerLines) {
    const match = HEADER_LINE.exec(line.trim());
    if (match) headers[(match[1] as string).toLowerCase()] = (match[2] as string).trim();
  }
  if (bodyStart < 0) return { headers };
  // The JSON value ends where its brackets balance: rendered pages run on into prose after it.
  const bodyText = balancedPrefix(lines.slice(bodyStart).join('\n').trim());
  const parsed: Parsed = { headers, bodyText, bodyLine: firstLine + bodyStart };
  try {
    parsed.body = JSON.parse(bodyText);
  } catch {
    // left as text: the checker reports a body that is not JSON
  }
  return parsed;
}

/** The leading JSON object or array of `text`, found by bracket depth outside strings. */
function balancedPrefix(text: string): string {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) return text.slice(0, i + 1);
  }
  return text;
}

/** `POST https://graph.microsoft.com/beta/x/y` -> version `beta`, path `/x/y`. */
export function splitExampleUrl(url: string): { version?: string; path: string } {
  const match = /^https?:\/\/[^/]+\/(v\d+\.\d+|beta)(\/[^?#]*)?/.exec(url);
  if (match) return { version: match[1], path: match[2] ?? '/' };
  return { path: url.replace(/^https?:\/\/[^/]+/, '').split('?')[0] ?? url };
}

export function readRequestBlock(lines: string[], firstLine: number, annotation: Record<string, unknown>): ExampleRequest | undefined {
  const start = lines.findIndex((line) => REQUEST_LINE.test(line.trim()));
  if (start < 0) return undefined;
  const [, method, url] = REQUEST_LINE.exec((lines[start] as string).trim()) as RegExpExecArray;
  const { version, path } = splitExampleUrl(url as string);
  const rest = headersAndBody(lines.slice(start + 1), firstLine + start + 1);
  const request: ExampleRequest = { method: method as string, url: url as string, path, headers: rest.headers, line: firstLine + start, annotation };
  if (version !== undefined) request.version = version;
  if (rest.bodyText !== undefined) request.bodyText = rest.bodyText;
  if (rest.body !== undefined) request.body = rest.body;
  if (rest.bodyLine !== undefined) request.bodyLine = rest.bodyLine;
  return request;
}

export function readResponseBlock(lines: string[], firstLine: number, annotation: Record<string, unknown>): ExampleResponse | undefined {
  const start = lines.findIndex((line) => STATUS_LINE.test(line.trim()));
  if (start < 0) return undefined;
  const status = Number((STATUS_LINE.exec((lines[start] as string).trim()) as RegExpExecArray)[1]);
  const rest = headersAndBody(lines.slice(start + 1), firstLine + start + 1);
  const response: ExampleResponse = { status, headers: rest.headers, line: firstLine + start, annotation };
  if (rest.body !== undefined) response.body = rest.body;
  if (rest.bodyLine !== undefined) response.bodyLine = rest.bodyLine;
  return response;
}

/** Members named in "Possible values are: `a`, `b`." (backticks optional). */
export function possibleValues(description: string): string[] | undefined {
  const match = /Possible values are:\s*(.+?)\.?\s*$/i.exec(description);
  if (!match) return undefined;
  return (match[1] as string).split(',').map((v) => v.trim().replace(/^`|`$/g, '').replace(/\.$/, '')).filter((v) => /^\w+$/.test(v));
}

export const OPERATION_LINE = /^(GET|POST|PATCH|PUT|DELETE)\s+(\/\S*)\s*$/;
