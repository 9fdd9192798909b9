// Appends WAL records to the active segment, rotates segments, and makes records durable with group
// commit. Three rules keep recovery sound:
//
// 1. Segment N+1 is created only after segment N's fsync completed. So if N+1 exists after a crash, N
//    is complete, and a damaged record in any segment but the last is corruption, never a torn write.
//    While N is being synced, new records wait in memory (bounded by pendingBytesMax).
// 2. sync(done) calls back only after fsync of the active segment AND fsyncDir of every directory
//    change so far (a new segment's name included) completed. Concurrent sync calls coalesce: all
//    callers waiting when a round starts share its one fsync; callers arriving during the round share
//    the next one.
// 3. A segment is removed by compaction only once the segment after it is durable, since that
//    segment's header then carries the hard state and snapshot the removed one held.
//
// Any I/O error makes the writer fail-stop: the state of the file is unknown (a write may be partial;
// after a failed fsync the kernel may have dropped the dirty pages), so the node must restart and let
// recovery decide what is on disk.
import { DiskError, type Disk, type Fd } from '../env/disk.ts';
import type { HardState } from '../raft/types.ts';
import { assert, KvlabError, logIndex, term } from '../types.ts';
import type { DirSyncs } from './dir-syncs.ts';
import { storageFailed } from './errors.ts';
import type { LogShape } from './log-shape.ts';
import { FixedWriter } from './binary.ts';
import { frameRecord, recordHeaderBytes } from './record.ts';
import { joinPath, segmentName, type SegmentName } from './segment-name.ts';
import type { StorageOptions } from './storage-options.ts';
import { walPayloadBytes, writeWalPayload, type SnapshotId, type WalRecord } from './wal-records.ts';

export type SyncCallback = (error: KvlabError | null) => void;

export interface LiveSegment {
  readonly name: SegmentName;
  readonly path: string;
  bytes: number;
  /** The segment's header and name are known durable (safe to rely on when compacting its predecessor). */
  durable: boolean;
}

export interface WalWriterInit {
  readonly segments: LiveSegment[];
  readonly activeFd: Fd;
  /** The log as the records on disk describe it. */
  readonly shape: LogShape;
  readonly hardState: HardState;
  readonly snapshot: SnapshotId;
}

interface Pending {
  readonly record: WalRecord;
  ready: boolean;
  readonly bytes: number;
}

export class WalWriter {
  private readonly segments: LiveSegment[];
  private activeFd: Fd;
  private readonly shape: LogShape;
  private hardStateWritten: HardState;
  private snapshotWritten: SnapshotId;
  private readonly queue: Pending[] = [];
  private queuedBytes = 0;
  private rotating = false;
  private roundInFlight = false;
  private waiters: SyncCallback[] = [];
  /** Callers the round in flight will answer. */
  private round: SyncCallback[] | undefined;
  /**
   * Bytes may be in the page cache only since the last round started. True at open: what recovery
   * read may never have been fsynced (after a process restart the page cache outlives the process).
   * The unsyncedWalTrusted bug starts it false, trusting whatever recovery read to be durable.
   */
  private dirty: boolean;
  private failure: KvlabError | undefined;

  constructor(
    private readonly disk: Disk,
    private readonly walDir: string,
    private readonly dirSyncs: DirSyncs,
    init: WalWriterInit,
    private readonly options: StorageOptions,
  ) {
    assert(init.segments.length > 0, 'WalWriter: no segments');
    this.segments = init.segments;
    this.activeFd = init.activeFd;
    this.shape = init.shape;
    this.hardStateWritten = init.hardState;
    this.snapshotWritten = init.snapshot;
    this.dirty = !options.bugs.unsyncedWalTrusted;
    const active = this.active();
    if (active.bytes === 0) {
      // A new WAL, or recovery cut a torn header: the segment starts afresh.
      assert(active.name.firstIndex === this.shape.lastIndex() + 1, () => `WAL: ${active.path} must start at index ${this.shape.lastIndex() + 1}`);
      const previous = this.segments[this.segments.length - 2];
      this.write(this.header(previous?.bytes ?? 0, active.name.seq, active.name.firstIndex));
    }
  }

  /** Queues `record` behind any held ones and writes what it can now. Throws once the writer failed. */
  append(record: WalRecord): void {
    this.enqueue(record, true);
  }

  /**
   * append() for each record in order, with one disk write for each run of records that land in the
   * same segment (a Ready's entries and hard state: one system call instead of one per entry). The
   * bytes on disk are exactly those of record-by-record appends, segment boundaries included.
   */
  appendAll(records: readonly WalRecord[]): void {
    this.throwIfFailed();
    let at = 0;
    while (at < records.length && !this.rotating && this.queue.length === 0) {
      at = this.writeRun(records, at);
      this.maybeRotate();
    }
    for (; at < records.length; at++) this.enqueue(records[at], true);
  }

  /**
   * Queues `record` but holds it (and everything queued after it) until the returned release is
   * called. The snapshot marker uses this: it must sit at its place in the log, but may only reach
   * the disk once the snapshot file is durable.
   */
  appendHeld(record: WalRecord): () => void {
    const item = this.enqueue(record, false);
    return () => {
      assert(item !== undefined, 'WalWriter: released a record that was never held');
      item.ready = true;
      this.drain();
    };
  }

  sync(done: SyncCallback): void {
    if (this.failure !== undefined) {
      done(this.failure);
      return;
    }
    if (!this.dirty && this.queue.length === 0 && !this.rotating && this.dirSyncs.idle()) {
      // Nothing written since the last round started: that round (in flight or done) covers it all.
      if (this.round !== undefined) this.round.push(done);
      else done(null);
      return;
    }
    if (this.options.bugs.unsyncedWalTrusted) {
      // The bug: records in the page cache count as durable; the fsync happens in the background.
      done(null);
      this.waiters.push(() => {});
    } else {
      this.waiters.push(done);
    }
    this.pump();
  }

  /** Fail-stop: every waiting and future caller gets this error (a KvlabError is kept as is). */
  fail(what: string, cause: unknown): KvlabError {
    if (this.failure === undefined) {
      this.failure = cause instanceof KvlabError ? cause : storageFailed(what, cause);
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w(this.failure);
    }
    return this.failure;
  }

  failed(): KvlabError | undefined {
    return this.failure;
  }

  /**
   * Removes the oldest segments whose entries are all at or below `index` (covered by a durable
   * snapshot). Returns the removed paths; the caller makes the removal durable with a dir sync.
   */
  removeCoveredSegments(index: number): string[] {
    this.throwIfFailed();
    let n = 0;
    while (n + 1 < this.segments.length) {
      const next = this.segments[n + 1];
      if (next.name.firstIndex - 1 > index || !next.durable) break;
      n++;
    }
    const removed = this.segments.splice(0, n);
    try {
      for (const segment of removed) this.disk.remove(segment.path);
    } catch (e) {
      throw this.fail(`removing WAL segments in ${this.walDir}`, e);
    }
    if (removed.length > 0) this.dirSyncs.add(this.walDir);
    this.shape.compactTo(Math.min(index, this.shape.lastIndex()));
    return removed.map((s) => s.path);
  }

  segmentNames(): string[] {
    return this.segments.map((s) => s.name.name);
  }

  // ---- internals ----

  private enqueue(record: WalRecord, ready: boolean): Pending | undefined {
    this.throwIfFailed();
    if (ready && !this.rotating && this.queue.length === 0) {
      this.write(record);
      this.maybeRotate();
      return undefined;
    }
    const bytes = encodedSize(record);
    if (this.queuedBytes + bytes > this.options.pendingBytesMax) {
      throw new KvlabError(
        'walBacklog',
        `WAL ${this.walDir}: ${this.queuedBytes} bytes already wait for a segment rotation or snapshot; pendingBytesMax is ${this.options.pendingBytesMax}`,
      );
    }
    const item: Pending = { record, ready, bytes };
    this.queue.push(item);
    this.queuedBytes += bytes;
    return item;
  }

  /** Writes the ready records at the head of the queue. Runs in disk callbacks, so it never throws an I/O failure. */
  private drain(): void {
    while (!this.rotating && this.failure === undefined && this.queue.length > 0 && this.queue[0].ready) {
      let ready = 1;
      while (ready < this.queue.length && this.queue[ready].ready) ready++;
      const records = this.queue.slice(0, ready).map((item) => item.record);
      let written: number;
      try {
        written = this.writeRun(records, 0);
      } catch (e) {
        if (this.failure !== undefined) return; // waiters were told
        throw e;
      }
      for (const item of this.queue.splice(0, written)) this.queuedBytes -= item.bytes;
      this.maybeRotate();
    }
    this.pump();
  }

  private active(): LiveSegment {
    return this.segments[this.segments.length - 1];
  }

  /**
   * Writes records from `from` on in one disk append, as many as record-by-record writes would put in
   * the active segment before it reaches segmentBytesMax (the first always). Returns the next index.
   */
  private writeRun(records: readonly WalRecord[], from: number): number {
    const active = this.active();
    const max = this.options.segmentBytesMax;
    let to = from;
    let total = 0;
    do {
      total += encodedSize(records[to]);
      to++;
    } while (to < records.length && active.bytes + total < max);
    if (to - from === 1) {
      this.write(records[from]);
      return to;
    }
    const bytes = new Uint8Array(total);
    let at = 0;
    for (let i = from; i < to; i++) {
      const payloadBytes = walPayloadBytes(records[i]);
      const record = bytes.subarray(at, at + recordHeaderBytes + payloadBytes);
      const type = writeWalPayload(records[i], new FixedWriter(payloadBytes, record, recordHeaderBytes));
      frameRecord(record, type, { segmentSeq: active.name.seq, offset: active.bytes + at });
      at += record.length;
    }
    this.appendBytes(active, bytes);
    for (let i = from; i < to; i++) this.noteWritten(records[i]);
    return to;
  }

  private write(record: WalRecord): void {
    const active = this.active();
    const payloadBytes = walPayloadBytes(record);
    const bytes = new Uint8Array(recordHeaderBytes + payloadBytes);
    const type = writeWalPayload(record, new FixedWriter(payloadBytes, bytes, recordHeaderBytes));
    frameRecord(bytes, type, { segmentSeq: active.name.seq, offset: active.bytes });
    this.appendBytes(active, bytes);
    this.noteWritten(record);
  }

  private appendBytes(active: LiveSegment, bytes: Uint8Array): void {
    try {
      const offset = this.disk.append(this.activeFd, bytes);
      assert(offset === active.bytes, () => `WAL ${active.path}: appended at ${offset}, expected ${active.bytes}`);
    } catch (e) {
      if (!(e instanceof DiskError)) throw e;
      throw this.fail(`appending to ${active.path}`, e);
    }
    active.bytes += bytes.length;
    this.dirty = true;
  }

  private noteWritten(record: WalRecord): void {
    switch (record.kind) {
      case 'entry': {
        const problem = this.shape.append(record.entry);
        assert(problem === undefined, () => `WAL writer: ${problem}`);
        return;
      }
      case 'hardState':
        this.hardStateWritten = record.hardState;
        return;
      case 'snapshot':
        this.snapshotWritten = record.snapshot;
        this.shape.applySnapshot(record.snapshot);
        return;
      case 'header':
        return;
    }
  }

  private maybeRotate(): void {
    if (this.rotating || this.active().bytes < this.options.segmentBytesMax) return;
    this.rotating = true;
    const sealed = this.active();
    this.disk.fsync(this.activeFd, (error) => {
      if (error !== null) {
        this.fail(`fsync of ${sealed.path}`, error);
        return;
      }
      this.startNextSegment(sealed);
    });
  }

  private startNextSegment(sealed: LiveSegment): void {
    if (this.failure !== undefined) return;
    const firstIndex = this.shape.lastIndex() + 1;
    const seq = sealed.name.seq + 1;
    const name = segmentName(seq, firstIndex);
    const path = joinPath(this.walDir, name);
    try {
      assert(!this.disk.exists(path), () => `WAL: next segment ${path} already exists`);
      const fd = this.disk.open(path, 'create');
      this.disk.close(this.activeFd);
      this.activeFd = fd;
    } catch (e) {
      if (!(e instanceof DiskError)) throw e;
      this.fail(`creating ${path}`, e);
      return;
    }
    sealed.durable = true;
    this.segments.push({ name: { name, seq, firstIndex: logIndex(firstIndex) }, path, bytes: 0, durable: false });
    this.dirSyncs.add(this.walDir);
    this.rotating = false;
    try {
      this.write(this.header(sealed.bytes, seq, firstIndex));
    } catch (e) {
      if (this.failure !== undefined) return; // waiters were told
      throw e;
    }
    this.drain();
  }

  private header(prevSegmentBytes: number, seq: number, firstIndex: number): WalRecord {
    const prevTerm = this.shape.termAt(firstIndex - 1);
    assert(prevTerm !== undefined, () => `WAL writer: no term for index ${firstIndex - 1}`);
    return {
      kind: 'header',
      header: {
        seq,
        firstIndex: logIndex(firstIndex),
        prevTerm: term(prevTerm),
        prevSegmentBytes,
        hardState: this.hardStateWritten,
        snapshot: this.snapshotWritten,
      },
    };
  }

  /** Starts a sync round if one is wanted and nothing (rotation, held records, a round) is in the way. */
  private pump(): void {
    if (this.roundInFlight || this.rotating || this.queue.length > 0 || this.waiters.length === 0 || this.failure !== undefined) return;
    const round = this.waiters;
    this.waiters = [];
    this.roundInFlight = true;
    this.round = round;
    this.dirty = false;
    const covered = [...this.segments];
    let left = 2;
    let firstError: unknown = null;
    const finish = (error: unknown): void => {
      firstError ??= error;
      if (--left > 0) return;
      this.roundInFlight = false;
      this.round = undefined;
      if (firstError !== null) {
        const failure = this.fail(`syncing the WAL in ${this.walDir}`, firstError);
        for (const w of round) w(failure);
        return;
      }
      for (const segment of covered) segment.durable = true;
      for (const w of round) w(null);
      this.pump();
    };
    this.disk.fsync(this.activeFd, finish);
    this.dirSyncs.flush(finish);
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

function encodedSize(record: WalRecord): number {
  return recordHeaderBytes + walPayloadBytes(record);
}
