// RaftDurableLog: a Raft group's durable state (hard state, entries, snapshots) in one directory of
// a node's Disk:
//
//   <dir>/wal/<seq>-<firstIndex>.wal    segmented write-ahead log (wal-writer.ts, recover.ts)
//   <dir>/snap/<index>-<term>.snap      snapshot files (snapshots.ts)
//
// ORDERING RULES for the host (etcd's Ready contract, made concrete):
// - After open, call sync(done) once and send nothing before it calls back: what recovery read may
//   still be only in the page cache (a process restart keeps it), and open has started its fsync.
// - For each Ready: saveSnapshot(ready.snapshot) if any, then append(ready.entries, ready.hardState),
//   then sync(done), and send ready.messages only inside `done` (when it reports no error). A vote or
//   an append acknowledgement promises state that must survive a crash; sync is what makes it so.
// - Calls may overlap: append and sync right after saveSnapshot (without waiting for it) are fine; the
//   WAL keeps their records behind the snapshot marker, and sync waits for the snapshot as well.
// - compact(index) only after saveSnapshot of a snapshot at >= index has called back.
// - Callbacks may run synchronously (e.g. with an error once storage has failed).
// - Any I/O error is fail-stop: every later call throws or reports the same KvlabError, and the node
//   must restart (recovery then decides what survived).
import { parentDir, type Disk } from '../env/disk.ts';
import type { Entry, HardState, Snapshot } from '../raft/types.ts';
import { assert, KvlabError, logIndex, type LogIndex } from '../types.ts';
import { DirSyncs } from './dir-syncs.ts';
import { storageFailed } from './errors.ts';
import type { LogShape } from './log-shape.ts';
import { recover, type RecoveredState } from './recover.ts';
import { joinPath } from './segment-name.ts';
import { SnapshotStore } from './snapshots.ts';
import { resolveStorageOptions, type StorageOptions, type StorageOptionsInput } from './storage-options.ts';
import { entryPayloadOverheadBytes, type SnapshotId, type WalRecord } from './wal-records.ts';
import { WalWriter, type SyncCallback } from './wal-writer.ts';

export interface OpenedLog {
  readonly log: RaftDurableLog;
  /** What the disk held: give it to the Raft storage (MemoryStorage) and the state machine. */
  readonly state: RecoveredState;
}

export class RaftDurableLog {
  private hardStateLast: HardState;
  /** The newest snapshot appended (its marker may still be held); appends must come after it. */
  private snapshotLogical: SnapshotId;
  /** The newest snapshot whose save completed: compaction may free what it covers. */
  private snapshotDurable: SnapshotId;
  private snapshotSaving = false;

  /**
   * Opens (or creates) the durable log in `dir` and recovers it. Throws StorageCorruption naming the
   * file and offset if data that may have been acknowledged is damaged, KvlabError('storageGap') if
   * the snapshot and WAL do not cover the log.
   */
  static open(disk: Disk, dir: string, input: StorageOptionsInput = {}): OpenedLog {
    const options = resolveStorageOptions(input);
    const walDir = joinPath(dir, 'wal');
    const snapDir = joinPath(dir, 'snap');
    const dirSyncs = new DirSyncs(disk);
    const trustPageCache = options.bugs.unsyncedWalTrusted === true;
    try {
      // The directories must be durable before anything in them is relied on. Existing ones too: after
      // a process restart they may exist only in the page cache (unless the bug trusts them).
      for (const d of [walDir, snapDir, ...selfAndAncestors(dir)]) if (!trustPageCache || !disk.exists(d)) dirSyncs.add(d);
      disk.mkdir(walDir);
      disk.mkdir(snapDir);
      const store = new SnapshotStore(disk, snapDir, dirSyncs, options.snapshotBytesMax);
      const recovery = recover(disk, walDir, store, options);
      const logical = recovery.writer.shape.termsOnly();
      const writer = new WalWriter(disk, walDir, dirSyncs, recovery.writer, options);
      // Start making what recovery read durable now; the host's first sync() waits for it.
      if (!trustPageCache) writer.sync(() => {});
      const log = new RaftDurableLog(writer, store, dirSyncs, logical, recovery.state, recovery.writer.snapshot, options);
      return { log, state: recovery.state };
    } catch (e) {
      if (e instanceof KvlabError || (e instanceof Error && e.name === 'AssertionFailure')) throw e;
      throw storageFailed(`opening the durable log in "${dir}"`, e);
    }
  }

  private constructor(
    private readonly writer: WalWriter,
    private readonly store: SnapshotStore,
    private readonly dirSyncs: DirSyncs,
    private readonly logical: LogShape,
    state: RecoveredState,
    recordedSnapshot: SnapshotId,
    private readonly options: StorageOptions,
  ) {
    this.hardStateLast = state.hardState;
    const base = state.snapshot?.metadata ?? recordedSnapshot;
    this.snapshotLogical = { index: base.index, term: base.term };
    this.snapshotDurable = this.snapshotLogical;
  }

  /**
   * Appends entries, then the hard state (skipped if unchanged), to the page cache. An entry at or
   * below the last index replaces the log from there (Raft's conflict truncation). Not durable until
   * a later sync() calls back. Throws KvlabError('entryTooLarge') before writing anything if an
   * entry exceeds the record limit.
   */
  append(entries: readonly Entry[], hardState?: HardState): void {
    this.throwIfFailed();
    this.checkEntries(entries);
    if (hardState !== undefined) this.checkHardState(hardState, entries);
    const records: WalRecord[] = [];
    for (const entry of entries) records.push({ kind: 'entry', entry });
    const hardStateChanged = hardState !== undefined && !sameHardState(hardState, this.hardStateLast);
    if (hardStateChanged) records.push({ kind: 'hardState', hardState });
    this.writer.appendAll(records);
    for (const entry of entries) this.logical.append(entry);
    if (hardStateChanged) this.hardStateLast = hardState;
  }

  /** Calls `done` once everything appended so far is durable (group commit: concurrent calls share fsyncs). */
  sync(done: SyncCallback): void {
    this.writer.sync(done);
  }

  /**
   * Saves `snapshot` (atomically, checksummed) and records it in the WAL; `done` runs once both are
   * durable. If the log holds the snapshot's last entry, later entries stay; otherwise (a snapshot
   * from the leader) the snapshot replaces the whole log. One save at a time.
   */
  saveSnapshot(snapshot: Snapshot, done: SyncCallback): void {
    this.throwIfFailed();
    const id: SnapshotId = { index: snapshot.metadata.index, term: snapshot.metadata.term };
    assert(!this.snapshotSaving, 'saveSnapshot: a snapshot save is already in progress');
    assert(id.index >= this.snapshotLogical.index, () => `saveSnapshot: index ${id.index} is older than the snapshot at ${this.snapshotLogical.index}`);
    const bytes = this.store.encode(snapshot);
    const release = this.writer.appendHeld({ kind: 'snapshot', snapshot: id });
    this.logical.applySnapshot(id);
    this.snapshotLogical = id;
    this.snapshotSaving = true;
    this.store.save(id, bytes, (error) => {
      if (error !== null) {
        this.snapshotSaving = false;
        done(this.writer.fail('saving a snapshot', error));
        return;
      }
      release();
      this.writer.sync((syncError) => {
        this.snapshotSaving = false;
        if (syncError === null && id.index >= this.snapshotDurable.index) this.snapshotDurable = id;
        done(syncError);
      });
    });
  }

  /**
   * Frees what a durable snapshot covers: WAL segments whose entries are all at or below `index`, and
   * snapshot files beyond the newest `snapshotsRetained`. `done` runs once the removals are durable.
   */
  compact(index: LogIndex, done: SyncCallback): void {
    this.throwIfFailed();
    assert(index <= this.snapshotDurable.index, () => `compact(${index}): the newest durable snapshot is at ${this.snapshotDurable.index}`);
    const segments = this.writer.removeCoveredSegments(index);
    this.logical.compactTo(Math.min(index, this.logical.lastIndex()));
    const keep = this.snapshotsToKeep();
    let snapshots: string[];
    try {
      snapshots = this.store.removeFiles((file) => keep.has(file.name), false);
    } catch (e) {
      done(this.writer.fail('removing old snapshots', e));
      return;
    }
    const tracer = this.options.tracer;
    if (tracer.enabled('storage.compact')) tracer.emit('storage.compact', { index, segments: segments.length, snapshots: snapshots.length });
    this.dirSyncs.flush((error) => done(error === null ? null : this.writer.fail('syncing removals', error)));
  }

  lastIndex(): LogIndex {
    return logIndex(this.logical.lastIndex());
  }

  hardState(): HardState {
    return this.hardStateLast;
  }

  /** Index of the newest snapshot whose save completed (0 if none). */
  snapshotIndex(): LogIndex {
    return this.snapshotDurable.index;
  }

  /** Names of the live WAL segment files, oldest first. */
  segmentNames(): string[] {
    return this.writer.segmentNames();
  }

  /** The fail-stop error, once an I/O error happened. */
  failed(): KvlabError | undefined {
    return this.writer.failed();
  }

  // ---- internals ----

  private checkEntries(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = entries[0].index;
    entries.forEach((e, i) => assert(e.index === first + i, () => `append: entry ${i} has index ${e.index}, expected ${first + i}`));
    assert(first <= this.logical.lastIndex() + 1, () => `append: entry ${first} leaves a gap after the last index ${this.logical.lastIndex()}`);
    assert(first > this.hardStateLast.commit, () => `append: entry ${first} would replace committed entries (commit ${this.hardStateLast.commit})`);
    assert(first > this.snapshotLogical.index, () => `append: entry ${first} is covered by the snapshot at ${this.snapshotLogical.index}`);
    const dataMax = this.options.recordBytesMax - entryPayloadOverheadBytes;
    for (const e of entries) {
      if (e.data.length > dataMax) {
        throw new KvlabError('entryTooLarge', `entry ${e.index} carries ${e.data.length} bytes; the WAL record limit (recordBytesMax ${this.options.recordBytesMax}) allows ${dataMax}`);
      }
    }
  }

  private checkHardState(hs: HardState, entries: readonly Entry[]): void {
    const last = this.hardStateLast;
    assert(hs.term >= last.term, () => `append: hard state term ${hs.term} is below ${last.term}`);
    assert(hs.commit >= last.commit, () => `append: commit ${hs.commit} regresses from ${last.commit}`);
    const lastIndex = entries.length > 0 ? entries[entries.length - 1].index : this.logical.lastIndex();
    assert(hs.commit <= lastIndex, () => `append: commit ${hs.commit} is beyond the last index ${lastIndex}`);
  }

  private snapshotsToKeep(): Set<string> {
    const keep = new Set<string>();
    let retained = 0;
    for (const file of this.store.list()) {
      // Newer than the durable snapshot: a save in progress. Otherwise keep the newest few.
      if (file.id.index > this.snapshotDurable.index || retained++ < this.options.snapshotsRetained) keep.add(file.name);
    }
    return keep;
  }

  private throwIfFailed(): void {
    const failure = this.writer.failed();
    if (failure !== undefined) throw failure;
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

/** "a/b" -> ["a/b", "a", ""]; "" -> [""]. */
function selfAndAncestors(dir: string): string[] {
  const dirs = [dir];
  for (let d = dir; d !== ''; ) {
    d = parentDir(d);
    dirs.push(d);
  }
  return dirs;
}
