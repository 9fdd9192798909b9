// A KvEngine whose state survives crashes, over the Disk seam: the simulator's model of a persistent
// state machine (what classic-level is in production), so crash-recovery paths and the
// appliedIndexNotAtomic bug can be exercised deterministically.
//
// Layout under `dir` (default "kv"):
//   snapshot         the whole state at some index (snapshot-codec), replaced by write-tmp/fsync/rename/fsyncDir
//   log-<gen>        batch records (engine-log-codec), one per write(), each carrying its applied index
//   applied-index    bug mode only: the applied index, kept apart from the data
// write() appends to the current log (page cache) and updates memory; flush() makes it durable and
// advances durableAppliedIndex(). When the log has grown past checkpointLogBytesMin (or a snapshot was
// imported), flush() writes a checkpoint snapshot instead and starts a new log generation, then drops
// the older generations. Recovery loads the snapshot and replays the gap-free chain of intact records.
import { assert, KvlabError } from '../../core/types.ts';
import type { Disk, DurabilityCallback, Fd } from '../../core/env/disk.ts';
import { DiskError, parentDir } from '../../core/env/disk.ts';
import type { EngineMutation, FlushCallback, KeyRecordPair, KvEngine, SessionRecord, StoredRecord } from '../../core/kv/engine.ts';
import { crc32c } from '../../core/storage/crc32c.ts';
import { readStable } from '../../core/storage/stable-read.ts';
import { encodeLogRecord, readLogRecords } from '../../core/kv/engine-log-codec.ts';
import { MemoryEngine } from '../../core/kv/memory-engine.ts';
import { decodeSnapshot, encodeSnapshot, snapshotAppliedIndex } from '../../core/kv/snapshot-codec.ts';

export interface PersistentSimEngineOptions {
  readonly disk: Disk;
  /** Volume directory of the engine's files (default "kv"). */
  readonly dir?: string;
  /** Log bytes after which flush() checkpoints (default 4 MiB). */
  readonly checkpointLogBytesMin?: number;
  /** BUG ZOO ONLY (core/kv/bugs.ts): keep the applied index in its own file, made durable before the data. */
  readonly appliedIndexNotAtomic?: boolean;
}

const checkpointLogBytesMinDefault = 4 * 1024 * 1024;
/** flush() calls that may wait behind the one in progress. */
const flushWaitersMax = 1024;
const genDigits = 12;

export class PersistentSimEngine implements KvEngine {
  private readonly disk: Disk;
  private readonly dir: string;
  private readonly checkpointLogBytesMin: number;
  private readonly bugIndexApart: boolean;
  private readonly memory = new MemoryEngine();
  private logGen = 0;
  private logFd: Fd;
  private logBytes = 0;
  private dirDirty = true;
  private ancestorsSynced = false;
  private checkpointDue = false;
  private durable = 0;
  private flushing = false;
  private waiters: FlushCallback[] = [];

  /** Opens the engine, recovering whatever state the disk holds (throws KvlabError if its snapshot is corrupt). */
  constructor(options: PersistentSimEngineOptions) {
    this.disk = options.disk;
    this.dir = options.dir ?? 'kv';
    this.checkpointLogBytesMin = options.checkpointLogBytesMin ?? checkpointLogBytesMinDefault;
    this.bugIndexApart = options.appliedIndexNotAtomic ?? false;
    this.disk.mkdir(this.dir);
    // Replayed records may be writes that survived a crash unsynced and could still vanish: count only
    // the snapshot as durable until the first flush() checkpoints what was recovered.
    this.durable = this.recover();
    this.checkpointDue = this.memory.appliedIndex() !== this.durable;
    this.logFd = this.startLogGeneration();
  }

  get(key: string): StoredRecord | undefined {
    return this.memory.get(key);
  }

  entriesAfter(afterKey: string | null, countMax: number): readonly KeyRecordPair[] {
    return this.memory.entriesAfter(afterKey, countMax);
  }

  size(): number {
    return this.memory.size();
  }

  sessions(): readonly SessionRecord[] {
    return this.memory.sessions();
  }

  appliedIndex(): number {
    return this.memory.appliedIndex();
  }

  durableAppliedIndex(): number {
    return this.durable;
  }

  exportSnapshot(): Uint8Array {
    return this.memory.exportSnapshot();
  }

  /** Appends the batch to the log (throwing DiskError, with memory unchanged, if that fails), then applies it. */
  write(batch: readonly EngineMutation[], appliedIndex: number): void {
    const previousIndex = this.memory.appliedIndex();
    assert(appliedIndex >= previousIndex, () => `applied index would regress from ${previousIndex} to ${appliedIndex}`);
    const record = encodeLogRecord({ previousIndex, appliedIndex, mutations: batch });
    this.disk.append(this.logFd, record);
    this.logBytes += record.length;
    this.memory.write(batch, appliedIndex);
  }

  /** Installs a snapshot in memory at once; it becomes durable with the next flush() (a checkpoint). */
  importSnapshot(bytes: Uint8Array, index: number): void {
    this.memory.importSnapshot(bytes, index);
    // Records of the old state must not chain onto the new one: start a fresh generation.
    this.rotateLog();
    this.checkpointDue = true;
  }

  flush(done: FlushCallback): void {
    if (this.flushing) {
      if (this.waiters.length >= flushWaitersMax) {
        done(new KvlabError('flushQueueFull', `more than ${flushWaitersMax} flush() calls are waiting`));
        return;
      }
      this.waiters.push(done);
      return;
    }
    this.flushing = true;
    const target = this.memory.appliedIndex();
    const finish = (error: Error | null): void => {
      if (error === null) this.durable = Math.max(this.durable, target);
      this.flushing = false;
      done(error);
      const waiting = this.waiters;
      this.waiters = [];
      if (waiting.length > 0) this.flush((e) => waiting.forEach((w) => w(e)));
    };
    const persistData = (): void => {
      if (this.checkpointDue || this.logBytes >= this.checkpointLogBytesMin) this.checkpoint(finish);
      else this.syncLog(finish);
    };
    try {
      if (this.bugIndexApart) this.writeIndexApart(target, (error) => (error ? finish(error) : persistData()));
      else persistData();
    } catch (error) {
      // A synchronous disk failure (EIO creating a file) fails this flush, not the ones after it.
      if (!(error instanceof DiskError)) throw error;
      finish(error);
    }
  }

  /** Closes the open log file (a clean stop; unflushed writes stay in the page cache). */
  close(): void {
    this.disk.close(this.logFd);
  }

  private path(name: string): string {
    return this.dir === '' ? name : `${this.dir}/${name}`;
  }

  private syncLog(done: DurabilityCallback): void {
    const fd = this.logFd;
    // The fd may have been closed meanwhile (importSnapshot rotates the log): fsync then throws EBADF.
    const syncFile = (): void => guardDisk(done, () => this.disk.fsync(fd, done));
    this.syncAncestors((ancestorError) => {
      if (ancestorError) return done(ancestorError);
      if (!this.dirDirty) return syncFile();
      this.dirDirty = false;
      this.disk.fsyncDir(this.dir, (error) => {
        if (error) this.dirDirty = true;
        return error ? done(error) : syncFile();
      });
    });
  }

  /** Once per engine: fsyncs the directories above `dir`, so mkdir's creation of it survives a crash. */
  private syncAncestors(done: DurabilityCallback): void {
    if (this.ancestorsSynced) return done(null);
    const ancestors: string[] = [];
    for (let d = this.dir; d !== ''; ) {
      d = parentDir(d);
      ancestors.push(d);
    }
    const next = (i: number): void => {
      if (i === ancestors.length) {
        this.ancestorsSynced = true;
        return done(null);
      }
      this.disk.fsyncDir(ancestors[i], (error) => (error ? done(error) : next(i + 1)));
    };
    next(0);
  }

  /** Snapshot to a temporary file, fsync, rename over "snapshot", fsync the directory, drop older logs. */
  private checkpoint(done: DurabilityCallback): void {
    if (!this.ancestorsSynced) {
      return this.syncAncestors((error) => (error ? done(error) : this.checkpoint(done)));
    }
    const bytes = this.memory.exportSnapshot();
    this.rotateLog();
    const keepGen = this.logGen;
    this.checkpointDue = false;
    const fail = (error: DiskError | null): void => {
      this.checkpointDue = true; // retry at the next flush
      done(error);
    };
    let tmp: Fd;
    try {
      tmp = this.disk.open(this.path('snapshot.tmp'), 'create');
      this.disk.truncate(tmp, 0);
      this.disk.append(tmp, bytes);
    } catch (error) {
      return fail(error instanceof DiskError ? error : new DiskError('EIO', this.path('snapshot.tmp'), String(error)));
    }
    this.disk.fsync(tmp, (error) => {
      this.disk.close(tmp);
      if (error) return fail(error);
      guardDisk(fail, () => {
        this.disk.rename(this.path('snapshot.tmp'), this.path('snapshot'));
        this.dirDirty = false; // this fsyncDir also covers the new log generation
        this.disk.fsyncDir(this.dir, (dirError) => {
          if (dirError) {
            this.dirDirty = true;
            return fail(dirError);
          }
          guardDisk(done, () => {
            this.removeLogsBefore(keepGen);
            done(null);
          });
        });
      });
    });
  }

  /** Bug mode: the applied index goes to its own file and is made durable BEFORE the data. */
  private writeIndexApart(index: number, done: DurabilityCallback): void {
    const fd = this.disk.open(this.path('applied-index'), 'create');
    const bytes = new Uint8Array(12);
    const view = new DataView(bytes.buffer);
    view.setFloat64(0, index, true);
    view.setUint32(8, crc32c(bytes, 0, 8), true);
    this.disk.writeAt(fd, 0, bytes);
    this.disk.fsync(fd, (error) => {
      this.disk.close(fd);
      if (error) return done(error);
      this.disk.fsyncDir(this.dir, done);
    });
  }

  private logName(gen: number): string {
    return `log-${String(gen).padStart(genDigits, '0')}`;
  }

  private logGenerations(): number[] {
    return this.disk
      .list(this.dir)
      .filter((name) => /^log-\d+$/.test(name))
      .map((name) => Number(name.slice(4)))
      .sort((a, b) => a - b);
  }

  /** Later writes go to a new generation (opened before the old one is closed, so a failure changes nothing). */
  private rotateLog(): void {
    const previous = this.logFd;
    this.logFd = this.startLogGeneration();
    this.disk.close(previous);
  }

  private startLogGeneration(): Fd {
    // Generations only grow past every existing file, so this creates a new, empty file.
    const fd = this.disk.open(this.path(this.logName(this.logGen + 1)), 'create');
    this.logGen++;
    this.logBytes = 0;
    this.dirDirty = true;
    return fd;
  }

  private removeLogsBefore(gen: number): void {
    for (const g of this.logGenerations()) if (g < gen) this.disk.remove(this.path(this.logName(g)));
  }

  /** Loads the snapshot and replays the logs; answers the snapshot's index. */
  private recover(): number {
    const snapshotPath = this.path('snapshot');
    if (this.disk.exists(snapshotPath)) {
      // A read can flip a bit on the way while the disk copy is intact: re-read before believing it.
      const { bytes } = readStable(snapshotPath, () => this.disk.readFile(snapshotPath), snapshotIntact);
      try {
        this.memory.importSnapshot(bytes, snapshotAppliedIndex(bytes));
      } catch (error) {
        if (!(error instanceof KvlabError)) throw error;
        throw new KvlabError('corruptSnapshot', `${snapshotPath} (KV engine snapshot) is damaged on disk: ${error.message}; refusing to start`);
      }
    }
    const snapshotIndex = this.memory.appliedIndex();
    const gens = this.logGenerations();
    this.logGen = gens.length > 0 ? gens[gens.length - 1] : 0;
    let chainBroken = false;
    for (const gen of gens) {
      const path = this.path(this.logName(gen));
      // A damaged read would end the replay early, as a torn tail does: believe it only if it repeats.
      const { bytes } = readStable(path, () => this.disk.readFile(path), logIntact);
      const { records } = readLogRecords(bytes);
      for (const record of records) {
        const applied = this.memory.appliedIndex();
        if (record.appliedIndex <= applied) continue;
        // Correct mode replays only a gap-free chain; the bug replays whatever is there.
        if (record.previousIndex !== applied && !this.bugIndexApart) {
          chainBroken = true;
          break;
        }
        this.memory.write(record.mutations, record.appliedIndex);
      }
      if (chainBroken) break;
    }
    if (this.bugIndexApart) this.recoverIndexApart();
    return Math.min(snapshotIndex, this.memory.appliedIndex());
  }

  /** Bug mode: the separately stored index wins, whatever the data says. */
  private recoverIndexApart(): void {
    const path = this.path('applied-index');
    if (!this.disk.exists(path)) return;
    const bytes = this.disk.readFile(path);
    if (bytes.length < 12) return;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const index = view.getFloat64(0, true);
    if (view.getUint32(8, true) !== crc32c(bytes, 0, 8) || !Number.isSafeInteger(index) || index < 0) return;
    const state = this.memory.exportSnapshot();
    this.memory.importSnapshot(rewriteAppliedIndex(state, index), index);
  }
}

function snapshotIntact(bytes: Uint8Array): boolean {
  try {
    snapshotAppliedIndex(bytes); // verifies the checksum
    return true;
  } catch (error) {
    if (!(error instanceof KvlabError)) throw error;
    return false;
  }
}

function logIntact(bytes: Uint8Array): boolean {
  return readLogRecords(bytes).intactBytes === bytes.length;
}

/** Runs `fn`; a DiskError it throws (from inside a completion callback) goes to `done` instead. */
function guardDisk(done: DurabilityCallback, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof DiskError)) throw error;
    done(error);
  }
}

/** A copy of `snapshot` claiming `index` (bug mode only: the data does not change with it). */
function rewriteAppliedIndex(snapshot: Uint8Array, index: number): Uint8Array {
  const state = decodeSnapshot(snapshot);
  const sessions = state.sessions.map((s) => (s.lastIndex > index ? { ...s, lastIndex: index } : s));
  return encodeSnapshot(index, state.records.length, state.records, sessions);
}
