import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseJsonBody } from '../odata/json-numbers.js';
import { stringifyJson } from '../odata/payload.js';
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
  let content: DataFileContent;
  try {
    content = parseJsonBody(text) as DataFileContent;
  } catch (error) {
    throw corrupt(file, `not JSON (${(error as Error).message})`);
  }
  if (content?.format !== FORMAT) throw corrupt(file, `not an edmock store (no "format": "${FORMAT}")`);
  if (content.version !== VERSION) throw corrupt(file, `store format version ${String(content.version)}, this edmock reads ${VERSION}`);
  const services = new Map<string, StoreSnapshot>();
  for (const [prefix, snapshot] of Object.entries(content.services ?? {})) {
    if (!Array.isArray(snapshot?.entities) || !Array.isArray(snapshot.links) || typeof snapshot.sequence !== 'number') throw corrupt(file, `the store of '${prefix}' is incomplete`);
    for (const entity of snapshot.entities) {
      if (typeof entity?.path !== 'string' || typeof entity.type !== 'string' || typeof entity.key !== 'string' || typeof entity.properties !== 'object') {
        throw corrupt(file, `an entity of '${prefix}' lacks its path, type, key or properties`);
      }
    }
    services.set(prefix, snapshot);
  }
  return services;
}

export class DataFile {
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;

  constructor(readonly file: string, private readonly stores: () => Map<string, MemoryStore>, private readonly delayMs = 200) {}

  /** A write happened: save soon, once for any number of writes in between. */
  changed(): void {
    this.dirty = true;
    if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), this.delayMs);
      this.timer.unref();
    }
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
    const temporary = `${this.file}.${process.pid}.tmp`;
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
