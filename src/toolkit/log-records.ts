import zlib from 'node:zlib';
import { parseJsonBody } from '../odata/lossless-json.js';
import { stringifyJson } from '../odata/response-json.js';
import type { StoreChange } from '../store/memory-store.js';

// The record format of a `--data` write-ahead log (data-log.ts). A log is text, one record a line:
//
//   <crc32 of the JSON, 8 hex digits> <JSON>\n
//
// The first line is the header, {"format":"edmock-log","version":1}; every other line is one
// store change with the prefix of the service whose store it changed ({"store":"/beta","op":...}).
// JSON text never holds a raw line break, so a line is a record; the checksum tells a record that
// was written whole from one a crash cut short (or a disk garbled). Only the last line of the
// last log can be cut short by a crash (records are only appended, one write after the other): it
// is ignored there, and anywhere else it is a startup error.

export const LOG_FORMAT = 'edmock-log';
export const LOG_VERSION = 1;

export interface LogRecord {
  /** The prefix of the service whose store changed (`` for the root). */
  store: string;
  change: StoreChange;
}

export interface ReadLog {
  records: LogRecord[];
  /** The last line was cut short (or is garbled): left out. */
  tornTail: boolean;
}

const OPS = new Set(['insert', 'single', 'update', 'delete', 'link', 'unlink', 'clear', 'track', 'stamp']);

/** zlib.crc32 came with Node 20.15; the table is for the Node 20 releases before it. */
const crc32: (text: string) => number = typeof zlib.crc32 === 'function' ? (text) => zlib.crc32(text) : tableCrc32;

let table: Uint32Array | undefined;
function tableCrc32(text: string): number {
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) crc = (table[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function line(json: string): string {
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

export function encodeHeader(): string {
  return line(JSON.stringify({ format: LOG_FORMAT, version: LOG_VERSION }));
}

/** One change as a log line. stringifyJson: Int64 values beyond 2^53 keep their digits. */
export function encodeRecord(store: string, change: StoreChange): string {
  return line(stringifyJson({ store, ...change }));
}

/** The JSON of a line whose checksum holds, or undefined. */
function checkedJson(text: string): string | undefined {
  if (text.length < 10 || text[8] !== ' ') return undefined;
  const json = text.slice(9);
  const sum = Number.parseInt(text.slice(0, 8), 16);
  return /^[0-9a-f]{8}$/.test(text.slice(0, 8)) && sum === crc32(json) ? json : undefined;
}

function recordOf(json: string): LogRecord | undefined {
  let value: Record<string, unknown>;
  try {
    value = parseJsonBody(json) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || typeof value.store !== 'string' || !OPS.has(value.op as string)) return undefined;
  const { store, ...change } = value;
  return { store, change: change as unknown as StoreChange };
}

/**
 * The records of a log's text. `last`: this is the newest log, whose final line a crash may have
 * cut short; anywhere else a bad line throws, naming it.
 */
export function readLogText(text: string, last: boolean): ReadLog {
  const lines = text.split('\n');
  // A whole file ends with a line break, leaving '' after the last one; anything else there is a cut record.
  const tail = lines.pop() as string;
  let tornTail = tail !== '';
  if (tornTail && !last) throw new Error('it ends in the middle of a record');
  const header = lines.length > 0 ? checkedJson(lines[0] as string) : undefined;
  if (header === undefined) {
    // A crash while the log was being made leaves it empty or with half a header.
    if (last && lines.length <= 1) return { records: [], tornTail: text.length > 0 };
    throw new Error('it does not start with an edmock log header');
  }
  const parsed = JSON.parse(header) as { format?: unknown; version?: unknown };
  if (parsed.format !== LOG_FORMAT) throw new Error(`it is not an edmock log (no "format": "${LOG_FORMAT}")`);
  if (parsed.version !== LOG_VERSION) throw new Error(`log format version ${JSON.stringify(parsed.version)}, this edmock reads ${LOG_VERSION}`);
  const records: LogRecord[] = [];
  for (let i = 1; i < lines.length; i++) {
    const json = checkedJson(lines[i] as string);
    const record = json === undefined ? undefined : recordOf(json);
    if (record !== undefined) {
      records.push(record);
      continue;
    }
    if (last && i === lines.length - 1 && !tornTail) {
      tornTail = true; // a whole line, garbled: what a crash can leave of the last write too
      break;
    }
    throw new Error(`record ${i} (line ${i + 1}) is damaged`);
  }
  return { records, tornTail };
}
