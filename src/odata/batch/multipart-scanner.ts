import { odataErrors } from '../errors.js';

// The multipart framing of RFC 2046 §5.1.1, on bytes: the boundary parameter of a Content-Type,
// and the body parts between its delimiter lines. Nothing here knows OData.
//
// Why not a package: the maintained multipart parsers on npm (@remix-run/multipart-parser,
// multipasta, dicer) all look for the delimiter only after CRLF, and bare-LF bodies are what some
// OData clients send (@odata/client before 2.x, hand-written batches); RFC 2046 asks for CRLF, so a
// server that reads both is the tolerant reader clients need. The scanner is small and linear.

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const DASH = 0x2d;

/** RFC 2046 §5.1.1: a boundary is 1 to 70 characters, and must not end in a space. */
const MAX_BOUNDARY_LENGTH = 70;

export interface MediaType {
  /** Lower case, without parameters (`multipart/mixed`). */
  type: string;
  /** Parameter names in lower case; quoted values unquoted. */
  params: Map<string, string>;
}

/** Reads `type/subtype; name=value; name="quoted value"` (RFC 7231 §3.1.1.1). */
export function parseMediaType(value: string): MediaType {
  const semicolon = value.indexOf(';');
  const type = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  const params = new Map<string, string>();
  let at = semicolon === -1 ? value.length : semicolon + 1;
  let equals = -1; // kept while ahead: searching again for each valueless parameter would be quadratic
  while (at < value.length) {
    if (equals < at) equals = value.indexOf('=', at);
    if (equals === -1) break;
    const nextSemicolon = value.indexOf(';', at);
    if (nextSemicolon !== -1 && nextSemicolon < equals) {
      at = nextSemicolon + 1; // a parameter without a value names nothing
      continue;
    }
    const name = value.slice(at, equals).trim().toLowerCase();
    const [parameter, next] = readParameterValue(value, equals + 1);
    if (name !== '' && !params.has(name)) params.set(name, parameter);
    at = next;
  }
  return { type, params };
}

/** The value after `=`, quoted or not, and where the next parameter starts. */
function readParameterValue(value: string, from: number): [string, number] {
  let at = from;
  while (value[at] === ' ' || value[at] === '\t') at++;
  if (value[at] !== '"') {
    const end = value.indexOf(';', at);
    return end === -1 ? [value.slice(at).trim(), value.length] : [value.slice(at, end).trim(), end + 1];
  }
  let text = '';
  for (at++; at < value.length && value[at] !== '"'; at++) {
    if (value[at] === '\\' && at + 1 < value.length) at++;
    text += value[at];
  }
  const end = value.indexOf(';', at);
  return [text, end === -1 ? value.length : end + 1];
}

/** The boundary a multipart Content-Type names, checked against RFC 2046 §5.1.1; an ODataError (400) otherwise. */
export function boundaryOf(contentType: string, what: string): string {
  const boundary = parseMediaType(contentType).params.get('boundary');
  if (boundary === undefined || boundary === '') {
    throw odataErrors.malformedBatch(`the Content-Type of ${what} has no boundary parameter (RFC 2046 §5.1.1).`);
  }
  if (boundary.length > MAX_BOUNDARY_LENGTH || boundary.endsWith(' ') || !/^[\x20-\x7e]+$/.test(boundary)) {
    throw odataErrors.malformedBatch(`the boundary of ${what} must be 1 to 70 printable characters not ending in a space (RFC 2046 §5.1.1).`);
  }
  return boundary;
}

/** A body part's bytes: its header lines, the blank line and its body, without the line break the next delimiter owns. */
export interface PartRange {
  start: number;
  end: number;
}

/**
 * The body parts of a multipart entity (RFC 2046 §5.1.1), in order. The preamble before the first
 * delimiter line and the epilogue after the closing one are ignored, as OData says they must be
 * (Protocol 4.01 §11.7.7.1). A delimiter line is `--boundary`, optional `--` (closing), optional
 * spaces or tabs, then CRLF or a bare LF, at the start of a line; the line break before it belongs
 * to the delimiter, not to the part. Without a closing delimiter the body was cut: an ODataError (400).
 * Linear in the body: each search resumes after the last candidate, and the boundary is at most 70 bytes.
 */
export function splitParts(body: Buffer, boundary: string, what: string): PartRange[] {
  const dashBoundary = Buffer.from(`--${boundary}`, 'latin1');
  const parts: PartRange[] = [];
  let partStart = -1;
  let from = 0;
  for (;;) {
    const at = body.indexOf(dashBoundary, from);
    if (at === -1) throw odataErrors.malformedBatch(`${what} has no closing delimiter '--${boundary}--'; the body seems cut short (RFC 2046 §5.1.1).`);
    const line = delimiterLine(body, at, dashBoundary.length);
    if (line === undefined) {
      from = at + 1;
      continue;
    }
    if (partStart !== -1) parts.push({ start: partStart, end: Math.max(partStart, lineBreakStart(body, at)) });
    if (line.closing) return parts;
    partStart = line.next;
    from = line.next;
  }
}

/** Whether the candidate at `at` is a delimiter line, whether it closes, and where the next part begins. */
function delimiterLine(body: Buffer, at: number, length: number): { closing: boolean; next: number } | undefined {
  if (at > 0 && body[at - 1] !== LF) return undefined;
  let cursor = at + length;
  const closing = body[cursor] === DASH && body[cursor + 1] === DASH;
  if (closing) cursor += 2;
  while (body[cursor] === SPACE || body[cursor] === TAB) cursor++;
  if (body[cursor] === CR && body[cursor + 1] === LF) return { closing, next: cursor + 2 };
  if (body[cursor] === LF) return { closing, next: cursor + 1 };
  // The closing delimiter may end the body without a line break.
  return closing && cursor === body.length ? { closing, next: cursor } : undefined;
}

/** Where the line break before a delimiter starts (CRLF or LF), or the delimiter itself at the body's start. */
function lineBreakStart(body: Buffer, delimiterAt: number): number {
  if (delimiterAt === 0) return 0;
  return delimiterAt >= 2 && body[delimiterAt - 2] === CR ? delimiterAt - 2 : delimiterAt - 1;
}
