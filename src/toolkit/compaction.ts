import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { stringifyJson } from '../odata/response-json.js';
import { MemoryStore } from '../store/memory-store.js';
import { readLogText } from './log-records.js';
import { logPath, readDataFile, snapshotContent, temporaryPath, writeDurably } from './persistence.js';

// Compaction of `--data` logs: the snapshot on disk with logs `from`..`to` replayed into it,
// written as the snapshot of generation `to + 1` to a temporary file. It reads the files, not the
// live stores, so it runs in a worker thread while requests go on; the main thread renames the
// file into place (data-log.ts), so that a snapshot written meanwhile is never overwritten by an
// older one.

export interface CompactionJob {
  file: string;
  /** The snapshot's `log`. */
  from: number;
  /** The newest log folded in (closed: nothing is appended to it any more). */
  to: number;
}

export type CompactionOutcome = { temporary: string; bytes: number } | { error: Error };

export interface Compaction {
  /** Stops the worker and removes what it wrote. */
  cancel(): void;
}

/** The snapshot of generation `to + 1`, written to `temporary` and flushed; its size in bytes. */
export async function foldLogs(job: CompactionJob, temporary: string): Promise<number> {
  const saved = await readDataFile(job.file);
  if ((saved?.log ?? 0) !== job.from) throw new Error(`${job.file} holds the logs before ${saved?.log ?? 0}, not before ${job.from}`);
  const stores = new Map<string, MemoryStore>();
  const storeOf = (prefix: string): MemoryStore => {
    let store = stores.get(prefix);
    if (store === undefined) stores.set(prefix, (store = new MemoryStore()));
    return store;
  };
  for (const [prefix, snapshot] of saved?.services ?? []) storeOf(prefix).restore(snapshot);
  for (let generation = job.from; generation <= job.to; generation++) {
    const file = logPath(job.file, generation);
    let records;
    try {
      records = readLogText(await readFile(file, 'utf8'), false).records;
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
    }
    for (const { store, change } of records) storeOf(store).apply(change);
  }
  const text = stringifyJson(snapshotContent(stores, job.to + 1));
  writeDurably(temporary, text);
  return Buffer.byteLength(text);
}

/** Runs foldLogs in a worker thread; `done` hears how it went (not after cancel()). */
export function startCompaction(job: CompactionJob, done: (outcome: CompactionOutcome) => void): Compaction {
  const temporary = temporaryPath(job.file, 'compact');
  const worker = new Worker(new URL('./compact-worker.js', import.meta.url), { workerData: { job, temporary } });
  // A stopping server does not wait for a compaction: the logs it was folding are still there.
  worker.unref();
  let settled = false;
  const settle = (outcome: CompactionOutcome): void => {
    if (settled) return;
    settled = true;
    if ('error' in outcome) rmSync(temporary, { force: true });
    done(outcome);
  };
  worker.once('message', (message: { bytes?: number; error?: string }) => {
    settle(message.error === undefined ? { temporary, bytes: message.bytes as number } : { error: new Error(message.error) });
  });
  worker.once('error', (error) => settle({ error }));
  worker.once('exit', (code) => settle({ error: new Error(`the compaction worker stopped (exit code ${code})`) }));
  return {
    cancel: () => {
      settled = true;
      void worker.terminate().finally(() => rmSync(temporary, { force: true }));
    },
  };
}
