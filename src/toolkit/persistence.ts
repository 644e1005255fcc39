import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseJsonBody } from '../odata/lossless-json.js';
import { stringifyJson } from '../odata/response-json.js';
import type { MemoryStore, StoreSnapshot } from '../store/memory-store.js';

// `--data <file>`: the default session's stores survive a restart. Writes are saved shortly after
// they happen (coalesced) and on shutdown; each save writes a temporary file, flushes it to disk
// and renames it over the old one, so a crash leaves either the previous file or the new one,
// never half of one. A file that cannot be read as edmock's is a startup error: the server does
// not start on an empty store and overwrite what someone may still need.

const FORMAT = 'edmock-store';
const VERSION = 1;

export interface DataFileContent {
  format: typeof FORMAT;
  version: number;
  savedAt: string;
  /** Service prefix -> its store. */
  services: Record<string, StoreSnapshot>;
}

function corrupt(file: string, reason: string): Error {
  return new Error(`--data ${file}: ${reason}. The file was left as it is; move it aside (or fix it) to start.`);
}

/** The stores a data file holds, or undefined when there is no file yet. */
export async function readDataFile(file: string): Promise<Map<string, StoreSnapshot> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw corrupt(file, (error as Error).message);
  }
  // Read as unknown: the file may be anything, or come from another version of edmock.
  let raw: { format?: unknown; version?: unknown; services?: unknown } | null;
  try {
    raw = parseJsonBody(text) as typeof raw;
  } catch (error) {
    throw corrupt(file, `not JSON (${(error as Error).message})`);
  }
  if (raw?.format !== FORMAT) throw corrupt(file, `not an edmock store (no "format": "${FORMAT}")`);
  if (raw.version !== VERSION) throw corrupt(file, `store format version ${JSON.stringify(raw.version)}, this edmock reads ${VERSION}`);
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
    services.set(prefix, snapshot);
  }
  return services;
}

export { corrupt as dataFileError };

export class DataFile {
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;

  /** `failed` hears of a save that failed in the background (the server goes on serving). */
  constructor(readonly file: string, private readonly stores: () => Map<string, MemoryStore>, private readonly failed: (error: Error) => void, private readonly delayMs = 200) {}

  /** A write happened: save soon, once for any number of writes in between. */
  changed(): void {
    this.dirty = true;
    if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        try {
          this.flush();
        } catch (error) {
          this.dirty = true; // try again with the next write
          this.failed(error as Error);
        }
      }, this.delayMs);
      this.timer.unref();
    }
  }

  /** Saves now, changed or not: at startup, to learn at once that the file can be written. */
  save(): void {
    this.dirty = true;
    this.flush();
  }

  /** Saves now if anything changed (synchronously, so that it also works on the way out). */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    const services: Record<string, StoreSnapshot> = {};
    for (const [prefix, store] of this.stores()) services[prefix] = store.snapshot();
    const content: DataFileContent = { format: FORMAT, version: VERSION, savedAt: new Date().toISOString(), services };
    const temporary = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeSync(fd, stringifyJson(content));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.file);
  }
}
