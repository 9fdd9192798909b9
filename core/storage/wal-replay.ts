// Replays scanned segments, in order, into the hard state and the log they describe, checking that
// the segments chain: each header names its own sequence number and first index, the previous
// segment's final size, and continues the log exactly where the previous segment ended.
import type { HardState } from '../raft/types.ts';
import { logIndex, NONE, term } from '../types.ts';
import { StorageCorruption } from './errors.ts';
import { LogShape } from './log-shape.ts';
import type { SegmentHeader, SnapshotId } from './wal-records.ts';
import type { ScannedRecord, SegmentScan } from './wal-scan.ts';

export interface Replayed {
  readonly hardState: HardState;
  /** Log shape with entries, as of the end of the last valid record. */
  readonly log: LogShape;
  /** Every snapshot the WAL records (markers and segment headers): only these may be loaded. */
  readonly snapshots: readonly SnapshotId[];
  /** Newest snapshot the WAL records (index 0 if none). */
  readonly lastSnapshot: SnapshotId;
}

export const emptyHardState: HardState = { term: term(0), vote: NONE, commit: logIndex(0) };

class Replay {
  hardState: HardState = emptyHardState;
  log: LogShape | undefined;
  readonly snapshots: SnapshotId[] = [];
  lastSnapshot: SnapshotId = { index: logIndex(0), term: term(0) };

  segment(scan: SegmentScan, previous: SegmentScan | undefined): void {
    const [first, ...rest] = scan.records;
    if (first === undefined) return; // a last segment whose header was torn: nothing to replay
    if (first.record.kind !== 'header') throw new StorageCorruption(scan.path, first.offset, `first record is ${first.record.kind}, not a segment header`);
    this.header(scan, first.record.header, previous);
    for (const r of rest) this.record(scan, r);
  }

  private header(scan: SegmentScan, h: SegmentHeader, previous: SegmentScan | undefined): void {
    const bad = (reason: string): never => {
      throw new StorageCorruption(scan.path, 0, `segment header ${reason}`);
    };
    if (h.seq !== scan.segment.seq) bad(`says sequence ${h.seq}, the file name ${scan.segment.seq}`);
    if (h.firstIndex !== scan.segment.firstIndex) bad(`says first index ${h.firstIndex}, the file name ${scan.segment.firstIndex}`);
    if (this.log === undefined) {
      this.log = new LogShape(h.firstIndex, h.prevTerm, true);
    } else {
      if (h.prevSegmentBytes !== previous?.bytes) bad(`says the previous segment has ${h.prevSegmentBytes} bytes, it has ${previous?.bytes}`);
      if (h.firstIndex !== this.log.lastIndex() + 1) bad(`says first index ${h.firstIndex}, but the previous segment ends at index ${this.log.lastIndex()}`);
      if (h.prevTerm !== this.log.termAt(h.firstIndex - 1)) bad(`says term ${h.prevTerm} at index ${h.firstIndex - 1}, the log has ${this.log.termAt(h.firstIndex - 1)}`);
    }
    this.hardState = h.hardState;
    if (h.snapshot.index > 0) this.noteSnapshot(h.snapshot);
  }

  private record(scan: SegmentScan, r: ScannedRecord): void {
    const log = this.log!;
    const rec = r.record;
    switch (rec.kind) {
      case 'header':
        throw new StorageCorruption(scan.path, r.offset, 'a second segment header');
      case 'entry': {
        const problem = log.append(rec.entry);
        if (problem !== undefined) throw new StorageCorruption(scan.path, r.offset, problem);
        return;
      }
      case 'hardState':
        this.hardState = rec.hardState;
        return;
      case 'snapshot':
        this.noteSnapshot(rec.snapshot);
        log.applySnapshot(rec.snapshot);
        return;
    }
  }

  private noteSnapshot(id: SnapshotId): void {
    this.snapshots.push(id);
    if (id.index >= this.lastSnapshot.index) this.lastSnapshot = id;
  }
}

/** Replays `scans` (in sequence order, already checked to be contiguous). */
export function replaySegments(scans: readonly SegmentScan[]): Replayed {
  const replay = new Replay();
  scans.forEach((scan, i) => replay.segment(scan, scans[i - 1]));
  const log = replay.log ?? new LogShape(scans[0]?.segment.firstIndex ?? 1, 0, true);
  return { hardState: replay.hardState, log, snapshots: replay.snapshots, lastSnapshot: replay.lastSnapshot };
}
