import { closeSync, fdatasync, fdatasyncSync, ftruncateSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { MemoryStore, StoreChange } from '../store/memory-store.js';
import { startCompaction, type Compaction } from './compaction.js';
import { encodeHeader, encodeRecord } from './log-records.js';
import { installSnapshot, logPath, removeLogsBefore, removeTemporaries, saveSnapshot, syncDirectory } from './persistence.js';

// The write-ahead log of `--data`: every change to the default session's stores is appended to
// the open log as it happens (MemoryStore.observe), and a write is answered only once its changes
// are on disk (durable()). With `sync: 'group'` the changes of every request that arrives while a
// write is on its way go to disk together, in one write and one fdatasync, and all those requests
// are answered after it; with `'always'` each write request writes and syncs on its own, before
// its answer, holding the event loop meanwhile.
//
// The log is folded into the snapshot in the background (compaction.ts) once it outgrows
// `compactBytes` and the snapshot: new changes go to a fresh log from then on, and a worker
// thread replays the old logs into the old snapshot and writes the new one. checkpoint() writes
// the snapshot on the spot, synchronously (at startup, and when the server stops).

const fdatasyncAsync = promisify(fdatasync);

export type DataSync = 'always' | 'group';
export const DATA_SYNC_MODES: readonly DataSync[] = ['group', 'always'];
/** Below this a log is not worth a compaction, whatever the snapshot's size. */
export const DEFAULT_COMPACT_BYTES = 16 * 1024 * 1024;

export interface DataLogOptions {
  file: string;
  /** Service prefix -> the store kept. */
  stores: Map<string, MemoryStore>;
  sync: DataSync;
  /** A log is compacted once it is larger than this and than the snapshot. */
  compactBytes: number;
  /** A failure the server goes on from (a failed write is answered 500; a failed compaction is tried again later). */
  failed(error: Error, what: string): void;
}

/** A promise and its settling, for the requests waiting on one group of changes. */
class Barrier {
  readonly promise: Promise<void>;
  resolve!: () => void;
  reject!: (error: Error) => void;
  constructor() {
    this.promise = new Promise<void>((resolve, reject) => { this.resolve = resolve; this.reject = reject; });
    // Nobody may be waiting (a change made outside a request): its failure is reported through failed().
    this.promise.catch(() => undefined);
  }
}

export class DataLog {
  private fd: number | undefined;
  /** Generation of the open log. */
  private generation: number;
  /** The snapshot on disk holds the logs before this generation. */
  private snapshotLog: number;
  private snapshotBytes = 0;
  /** Bytes on disk in the open log. */
  private logBytes = 0;
  /** Records appended and not handed to a write yet, and who waits for them. */
  private buffer: string[] = [];
  private next: Barrier | undefined;
  /** The group on its way to disk (sync: 'group'). */
  private inFlight: Barrier | undefined;
  private flushing = false;
  /** Bumped by checkpoint(): a write that was on its way then is moot (the snapshot holds its changes). */
  private epoch = 0;
  private changedSinceCheckpoint = true;
  private compaction: Compaction | undefined;
  private closed = false;

  /** Starts from the stores as recovered: writes them as the snapshot, then logs every change after. */
  constructor(private readonly options: DataLogOptions, newestGeneration: number) {
    this.generation = newestGeneration;
    this.snapshotLog = newestGeneration;
    removeTemporaries(options.file);
    this.checkpoint();
    for (const [prefix, store] of options.stores) store.observe((change) => this.append(prefix, change));
  }

  get file(): string {
    return this.options.file;
  }

  private append(prefix: string, change: StoreChange): void {
    if (this.closed) return;
    this.buffer.push(encodeRecord(prefix, change));
    this.changedSinceCheckpoint = true;
    if (this.next === undefined) {
      this.next = new Barrier();
      if (this.options.sync === 'group') this.schedule();
    }
  }

  /**
   * Settles once every change made so far is on disk; undefined when they are already. With
   * sync 'always', writes them now and throws if that fails.
   */
  durable(): Promise<void> | undefined {
    if (this.options.sync === 'always') {
      this.writeNow();
      return undefined;
    }
    return (this.next ?? this.inFlight)?.promise;
  }

  private writeNow(): void {
    const barrier = this.next;
    if (barrier === undefined || this.fd === undefined) return;
    const text = this.takeBuffer();
    try {
      writeSync(this.fd, text);
      fdatasyncSync(this.fd);
      this.logBytes += Buffer.byteLength(text);
      barrier.resolve();
    } catch (error) {
      this.writeFailed(this.fd, barrier, error as Error);
      throw error;
    }
    this.compactIfDue();
  }

  private takeBuffer(): string {
    const text = this.buffer.join('');
    this.buffer = [];
    this.next = undefined;
    return text;
  }

  private schedule(): void {
    if (this.flushing) return;
    this.flushing = true;
    // setImmediate: the requests already read in this turn of the event loop join the group.
    setImmediate(() => void this.flushGroups());
  }

  /** One write and one fdatasync for everything appended meanwhile, until nothing is left. */
  private async flushGroups(): Promise<void> {
    while (this.next !== undefined && this.fd !== undefined && !this.closed) {
      const barrier = this.next;
      const text = this.takeBuffer();
      const { fd, epoch } = this;
      this.inFlight = barrier;
      try {
        // The write only copies into the page cache (microseconds, even for a large group): done
        // here, it saves the group a trip through libuv's thread pool, which under load costs
        // as much as the sync. The sync is what waits for the disk: that one is off the loop.
        const bytes = writeSync(fd, text);
        await fdatasyncAsync(fd);
        if (epoch === this.epoch) this.logBytes += bytes;
        barrier.resolve();
      } catch (error) {
        if (epoch === this.epoch) this.writeFailed(fd, barrier, error as Error);
      }
      this.inFlight = undefined;
      if (fd !== this.fd) closeSync(fd); // retired by a checkpoint while the write was on its way
      if (epoch === this.epoch) this.compactIfDue();
    }
    this.flushing = false;
  }

  /**
   * The requests of the group are answered 500. The log is cut back to its last whole record, so
   * that the next write does not follow half a record; the changes themselves stay in memory and
   * are in the next snapshot.
   */
  private writeFailed(fd: number, barrier: Barrier, error: Error): void {
    try {
      ftruncateSync(fd, this.logBytes);
    } catch {
      // the next write fails the same way, or a checkpoint starts a fresh log
    }
    barrier.reject(error);
    this.options.failed(error, `writing ${logPath(this.file, this.generation)} failed; the write is answered 500`);
  }

  /** Starts a new log generation; the old file is closed unless a write is still on its way to it. */
  private openLog(generation: number): void {
    const old = this.fd;
    const fd = openSync(logPath(this.file, generation), 'w', 0o600);
    const header = encodeHeader();
    try {
      writeSync(fd, header);
      fdatasyncSync(fd);
      syncDirectory(path.dirname(this.file));
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    this.fd = fd;
    this.generation = generation;
    this.logBytes = Buffer.byteLength(header);
    if (old !== undefined && this.inFlight === undefined) closeSync(old);
  }

  private compactIfDue(): void {
    if (this.compaction !== undefined || this.closed) return;
    if (this.logBytes < Math.max(this.options.compactBytes, this.snapshotBytes)) return;
    const from = this.snapshotLog;
    const to = this.generation;
    try {
      this.openLog(to + 1);
    } catch (error) {
      this.options.failed(error as Error, `starting ${logPath(this.file, to + 1)} failed; the log goes on in ${logPath(this.file, to)}`);
      return;
    }
    const epoch = this.epoch;
    this.compaction = startCompaction({ file: this.file, from, to }, (outcome) => {
      this.compaction = undefined;
      if ('error' in outcome) {
        this.options.failed(outcome.error, 'compacting the logs failed; they are kept, and compacted again later');
        return;
      }
      if (epoch !== this.epoch || this.closed) {
        rmSync(outcome.temporary, { force: true }); // a checkpoint wrote a newer snapshot meanwhile
        return;
      }
      try {
        installSnapshot(outcome.temporary, this.file);
        this.snapshotLog = to + 1;
        this.snapshotBytes = outcome.bytes;
        removeLogsBefore(this.file, to + 1);
      } catch (error) {
        rmSync(outcome.temporary, { force: true });
        this.options.failed(error as Error, 'installing the compacted snapshot failed; the logs are kept');
      }
    });
  }

  /**
   * Writes the snapshot of the stores now, synchronously, and starts a fresh log: everything
   * waiting for the disk is durable then. Throws when the snapshot cannot be written.
   */
  checkpoint(): void {
    if (!this.changedSinceCheckpoint) return;
    const generation = this.generation + 1;
    this.compaction?.cancel();
    this.compaction = undefined;
    this.snapshotBytes = saveSnapshot(this.file, this.options.stores, generation);
    this.snapshotLog = generation;
    this.epoch++;
    this.changedSinceCheckpoint = false;
    this.buffer = [];
    for (const barrier of [this.next, this.inFlight]) barrier?.resolve();
    this.next = undefined;
    if (this.closed) {
      if (this.fd !== undefined && this.inFlight === undefined) closeSync(this.fd);
      this.fd = undefined;
      this.generation = generation;
    } else {
      this.openLog(generation);
    }
    removeLogsBefore(this.file, generation);
  }

  /** The last snapshot, and no more logging (the server is stopping). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.changedSinceCheckpoint) {
      this.checkpoint(); // without a log to open: every log goes
      return;
    }
    // Nothing since the last snapshot: the open log holds its header only.
    if (this.fd !== undefined && this.inFlight === undefined) closeSync(this.fd);
    this.fd = undefined;
    removeLogsBefore(this.file, this.generation + 1);
  }
}
