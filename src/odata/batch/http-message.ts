import { STATUS_CODES } from 'node:http';
import type { ODataResponse } from '../exchange.js';
import { odataErrors } from '../errors.js';

// The `application/http` messages inside a multipart batch: header blocks (the MIME part's and the
// HTTP message's share RFC 5322/7230 syntax), the request a part carries, and the response written
// back. Lines may end in CRLF or a bare LF, as clients differ.

const LF = 0x0a;
const CR = 0x0d;

/** RFC 7230 §3.2.6 token: a header name or a method. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export interface HeaderBlock {
  /** Names in lower case; a repeated header's values joined with `, ` (RFC 7230 §3.2.2). */
  headers: Map<string, string>;
  /** Where the body starts: after the blank line, or `end` when the block runs to the end. */
  bodyStart: number;
}

/** The line from `start` up to its line break (or `end`), and where the next line starts. */
function readLine(bytes: Buffer, start: number, end: number): { text: string; next: number } {
  const lf = bytes.indexOf(LF, start);
  const lineEnd = lf === -1 || lf >= end ? end : lf;
  const textEnd = lineEnd > start && bytes[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
  return { text: bytes.toString('utf8', start, textEnd), next: lineEnd === end ? end : lineEnd + 1 };
}

/**
 * Header lines from `start` to the first blank line. A line starting with a space or tab continues
 * the one before (obs-fold, RFC 7230 §3.2.4); a line that is not `name: value` is an ODataError (400).
 */
export function readHeaderBlock(bytes: Buffer, start: number, end: number, what: string): HeaderBlock {
  const headers = new Map<string, string>();
  let lastName: string | undefined;
  let at = start;
  while (at < end) {
    const line = readLine(bytes, at, end);
    at = line.next;
    if (line.text === '') return { headers, bodyStart: at };
    if ((line.text[0] === ' ' || line.text[0] === '\t') && lastName !== undefined) {
      headers.set(lastName, `${headers.get(lastName) ?? ''} ${line.text.trim()}`);
      continue;
    }
    const colon = line.text.indexOf(':');
    const name = colon === -1 ? '' : line.text.slice(0, colon).toLowerCase();
    if (!TOKEN.test(name)) throw odataErrors.malformedBatch(`${what} has a header line that is not 'Name: value': '${clip(line.text)}'.`);
    const value = line.text.slice(colon + 1).trim();
    const earlier = headers.get(name);
    headers.set(name, earlier === undefined ? value : `${earlier}, ${value}`);
    lastName = name;
  }
  return { headers, bodyStart: end };
}

/** A long line quoted in an error message, shortened. */
function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export interface HttpRequestMessage {
  /** Upper case. */
  method: string;
  /** The request target as written. */
  url: string;
  headers: Map<string, string>;
  bodyText: string | undefined;
}

/**
 * The HTTP request an `application/http` part carries (Protocol 4.01 §11.7.7.1): request line
 * (`METHOD target HTTP/1.1`; the version may be missing, as in the protocol's own Example 101),
 * headers, blank line, body. Empty lines before the request line are skipped (RFC 7230 §3.5).
 */
export function readHttpRequest(bytes: Buffer, start: number, end: number, what: string): HttpRequestMessage {
  let line = readLine(bytes, start, end);
  while (line.text === '' && line.next < end) line = readLine(bytes, line.next, end);
  const [method, url, version, ...rest] = line.text.split(' ').filter((word) => word !== '');
  if (method === undefined || url === undefined || !TOKEN.test(method) || rest.length > 0 || (version !== undefined && !/^HTTP\/\d\.\d$/.test(version))) {
    throw odataErrors.malformedBatch(`${what} does not start with a request line 'METHOD url HTTP/1.1': '${clip(line.text)}'.`);
  }
  const { headers, bodyStart } = readHeaderBlock(bytes, line.next, end, what);
  return { method: method.toUpperCase(), url, headers, bodyText: bodyText(bytes, bodyStart, end, headers.get('content-length')) };
}

/**
 * The body as sent: Content-Length bytes when the part says how many, else up to the delimiter
 * less trailing line breaks (clients such as SAP Cloud SDK end each body with one before the
 * delimiter's own; a JSON body means the same without them). Nothing left means no body.
 */
function bodyText(bytes: Buffer, start: number, end: number, contentLength: string | undefined): string | undefined {
  const declared = contentLength !== undefined && /^\d+$/.test(contentLength) ? Number(contentLength) : undefined;
  let bodyEnd = end;
  if (declared !== undefined && declared <= end - start) bodyEnd = start + declared;
  else while (bodyEnd > start && (bytes[bodyEnd - 1] === LF || bytes[bodyEnd - 1] === CR)) bodyEnd--;
  return bodyEnd > start ? bytes.toString('utf8', start, bodyEnd) : undefined;
}

/**
 * Headers that belong to one connection, not to the message (RFC 7230 §6.1): a response nested in a
 * batch does not carry them. Content-Length is written anew for the body as it is framed here.
 */
const NOT_NESTED = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length']);

/** `HTTP/1.1 <status> <reason>`, the response's own headers, a blank line and its body (CRLF line endings). */
export function writeHttpResponse(response: ODataResponse): (string | Buffer)[] {
  const listedInConnection = new Set((response.headers['connection'] ?? response.headers['Connection'] ?? '').split(',').map((name) => name.trim().toLowerCase()));
  const lines = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? 'Unknown'}`];
  for (const [name, value] of Object.entries(response.headers)) {
    const lower = name.toLowerCase();
    if (!NOT_NESTED.has(lower) && !listedInConnection.has(lower)) lines.push(`${name}: ${value}`);
  }
  const body = response.body;
  if (body !== undefined) lines.push(`Content-Length: ${typeof body === 'string' ? Buffer.byteLength(body) : body.length}`);
  const head = `${lines.join('\r\n')}\r\n\r\n`;
  return body === undefined ? [head] : [head, body];
}
