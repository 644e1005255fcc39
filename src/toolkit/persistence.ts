import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseJsonBody } from '../odata/lossless-json.js';
import { stringifyJson } from '../odata/response-json.js';
import type { MemoryStore, StoreSnapshot } from '../store/memory-store.js';
import { readLogText, type LogRecord } from './log-records.js';

// `--data <file>`: the default session's stores survive a restart, as a snapshot (the file) and
// write-ahead logs beside it (`<file>.<n>.log`, data-log.ts writes them). The snapshot says the
// first log it does not hold (`log`); what the stores are is the snapshot with those logs
// replayed in order. A snapshot is written to a temporary file, flushed to disk and renamed over
// the old one, so a crash leaves either the previous file or the new one, never half of one.
// A file that cannot be read as edmock's is a startup error: the server does not start on an
// empty store and overwrite what someone may still need.

const FORMAT = 'edmock-store';
/** 2 added `log`; a version 1 file (no logs) reads as `log: 0`. */
const VERSION = 2;
const READABLE_VERSIONS = new Set([1, 2]);

export interface DataFileContent {
  format: typeof FORMAT;
  version: number;
  savedAt: string;
  /** The first log generation this snapshot does not hold: recovery replays it and those after it. */
  log: number;
  /** Service prefix -> its store. */
  services: Record<string, StoreSnapshot>;
}

export interface SavedStores {
  services: Map<string, StoreSnapshot>;
  /** DataFileContent.log (0 without a file). */
  log: number;
}

function corrupt(file: string, reason: string): Error {
  return new Error(`--data ${file}: ${reason}. The file was left as it is; move it aside (or fix it) to start.`);
}

/** The stores a data file holds, or undefined when there is no file yet. */
export async function readDataFile(file: string): Promise<SavedStores | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw corrupt(file, (error as Error).message);
  }
  // Read as unknown: the file may be anything, or come from another version of edmock.
  let raw: { format?: unknown; version?: unknown; services?: unknown; log?: unknown } | null;
  try {
    raw = parseJsonBody(text) as typeof raw;
  } catch (error) {
    throw corrupt(file, `not JSON (${(error as Error).message})`);
  }
  if (raw?.format !== FORMAT) throw corrupt(file, `not an edmock store (no "format": "${FORMAT}")`);
  if (!READABLE_VERSIONS.has(raw.version as number)) throw corrupt(file, `store format version ${JSON.stringify(raw.version)}, this edmock reads ${[...READABLE_VERSIONS].join(' and ')}`);
  const log = raw.version === 1 ? 0 : raw.log;
  if (!Number.isSafeInteger(log) || (log as number) < 0) throw corrupt(file, 'its "log" is not a log generation');
  if (typeof raw.services !== 'object' || raw.services === null || Array.isArray(raw.services)) throw corrupt(file, 'it has no "services" object');
  const content = raw as DataFileContent;
  const services = new Map<string, StoreSnapshot>();
  const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
  for (const [prefix, snapshot] of Object.entries(content.services)) {
    if (!isObject(snapshot) || !Array.isArray(snapshot.entities) || !Array.isArray(snapshot.links) || !Number.isSafeInteger(snapshot.sequence)) throw corrupt(file, `the store of '${prefix}' is incomplete`);
    for (const entity of snapshot.entities) {
      const e = entity as unknown as Record<string, unknown>;
      if (!isObject(e) || typeof e.path !== 'string' || typeof e.type !== 'string' || typeof e.key !== 'string' || !isObject(e.properties)
        || !Number.isSafeInteger(e.version) || !Number.isSafeInteger(e.seq) || (e.collection !== undefined && typeof e.collection !== 'string')) {
        throw corrupt(file, `an entity of '${prefix}' lacks its path, type, key, properties, version or seq`);
      }
    }
    for (const link of snapshot.links) {
      const l = link as unknown as Record<string, unknown>;
      if (!isObject(l) || typeof l.navigation !== 'string' || typeof l.key !== 'string' || typeof l.target !== 'string') throw corrupt(file, `a link of '${prefix}' lacks its navigation, key or target`);
    }
    if (snapshot.tracking !== undefined && !isTracking(snapshot.tracking)) throw corrupt(file, `the change tracking (delta queries) of '${prefix}' is incomplete`);
    services.set(prefix, snapshot);
  }
  return { services, log: log as number };
}

/** A snapshot's change tracking has its counter and, per collection, its id, start and changes. */
function isTracking(value: unknown): boolean {
  const t = value as { stamp?: unknown; collections?: unknown } | null;
  if (typeof t !== 'object' || t === null || !Number.isSafeInteger(t.stamp) || !Array.isArray(t.collections)) return false;
  return t.collections.every((c: { path?: unknown; id?: unknown; since?: unknown; changes?: unknown } | null) =>
    typeof c === 'object' && c !== null && typeof c.path === 'string' && typeof c.id === 'string' && Number.isSafeInteger(c.since) && Array.isArray(c.changes));
}

export { corrupt as dataFileError };

/** The log of one generation: `store.json` -> `store.json.3.log`. */
export function logPath(file: string, generation: number): string {
  return `${file}.${generation}.log`;
}

/** The generations of the logs beside a data file, in order. */
export function logGenerations(file: string): number[] {
  const base = path.basename(file);
  const generations: number[] = [];
  let names: string[];
  try {
    names = readdirSync(path.dirname(file));
  } catch {
    return [];
  }
  for (const name of names) {
    if (!name.startsWith(`${base}.`) || !name.endsWith('.log')) continue;
    const middle = name.slice(base.length + 1, -4);
    if (/^\d+$/.test(middle)) generations.push(Number(middle));
  }
  return generations.sort((a, b) => a - b);
}

export interface RecoveredStores extends SavedStores {
  /** The changes of the logs from `log` on, oldest first. */
  records: LogRecord[];
  /** The newest generation found (the snapshot's or a log's). */
  newest: number;
  /** The last log ended in a record a crash cut short (left out). */
  tornTail: boolean;
}

/**
 * The snapshot and the logs after it. Logs older than the snapshot's `log` are leftovers of a
 * compaction that was cut short after the snapshot was renamed: they are already in it.
 */
export async function recoverDataFile(file: string): Promise<RecoveredStores | undefined> {
  const saved = await readDataFile(file);
  const from = saved?.log ?? 0;
  const generations = logGenerations(file).filter((g) => g >= from);
  if (saved === undefined && generations.length === 0) return undefined;
  // The snapshot is written before the first log is made: logs without one are not a whole store.
  if (saved === undefined) throw corrupt(file, `it is missing, and the logs beside it (${path.basename(logPath(file, generations[0] as number))}) are not a whole store without it`);
  const records: LogRecord[] = [];
  let tornTail = false;
  for (const [index, generation] of generations.entries()) {
    const expected = from + index;
    if (generation !== expected) throw corrupt(file, `the log ${path.basename(logPath(file, expected))} is missing (${path.basename(logPath(file, generation))} is there)`);
    const last = index === generations.length - 1;
    try {
      const read = readLogText(await readFile(logPath(file, generation), 'utf8'), last);
      for (const record of read.records) records.push(record);
      tornTail = read.tornTail;
    } catch (error) {
      throw corrupt(logPath(file, generation), (error as Error).message);
    }
  }
  return { services: saved?.services ?? new Map(), log: from, records, newest: Math.max(from, ...generations), tornTail };
}

/** The snapshot of some stores, as a data file holds it. */
export function snapshotContent(stores: Map<string, MemoryStore>, log: number): DataFileContent {
  const services: Record<string, StoreSnapshot> = {};
  for (const [prefix, store] of stores) services[prefix] = store.snapshot();
  return { format: FORMAT, version: VERSION, savedAt: new Date().toISOString(), log, services };
}

/** Writes a file and flushes it to disk. */
export function writeDurably(file: string, text: string): void {
  const fd = openSync(file, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes a directory, so that a file made, renamed or removed in it stays so after a crash. */
export function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    fsyncSync(fd);
  } catch {
    // Not every platform can open a directory (Windows): the rename is as durable as it gets there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A temporary file beside the data file, for a snapshot on its way. */
export function temporaryPath(file: string, purpose: string): string {
  return `${file}.${process.pid}.${purpose}.${Date.now()}.tmp`;
}

/** Puts a written snapshot in place of the old one. */
export function installSnapshot(temporary: string, file: string): void {
  renameSync(temporary, file);
  syncDirectory(path.dirname(file));
}

/** Writes the snapshot of the stores in place of the old one, synchronously (startup, shutdown); its size in bytes. */
export function saveSnapshot(file: string, stores: Map<string, MemoryStore>, log: number): number {
  const temporary = temporaryPath(file, 'save');
  try {
    const text = stringifyJson(snapshotContent(stores, log));
    writeDurably(temporary, text);
    installSnapshot(temporary, file);
    return Buffer.byteLength(text);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Removes the temporary snapshots a crash left beside the data file (this process's are named with its pid). */
export function removeTemporaries(file: string): void {
  const base = path.basename(file);
  const pattern = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d+\\.(save|compact)\\.\\d+\\.tmp$`);
  let names: string[];
  try {
    names = readdirSync(path.dirname(file));
  } catch {
    return;
  }
  for (const name of names) if (pattern.test(name)) rmSync(path.join(path.dirname(file), name), { force: true });
}

/** Removes the logs older than `generation` (folded into a snapshot). */
export function removeLogsBefore(file: string, generation: number): void {
  for (const g of logGenerations(file)) if (g < generation) rmSync(logPath(file, g), { force: true });
}
