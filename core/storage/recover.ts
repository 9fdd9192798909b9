// Recovery: from what is on disk to the hard state, the snapshot and the entries after it, plus the
// writer positioned at the end of the last valid record. Every check runs before anything on disk is
// changed, so a refusal leaves the data exactly as found for an operator to inspect.
import type { Disk, Fd } from '../env/disk.ts';
import type { Tracer } from '../env/tracer.ts';
import type { Entry, HardState, Snapshot } from '../raft/types.ts';
import { KvlabError, logIndex } from '../types.ts';
import { StorageCorruption } from './errors.ts';
import { LogShape } from './log-shape.ts';
import { joinPath, parseSegmentName, segmentName, type SegmentName } from './segment-name.ts';
import type { SnapshotFileName, SnapshotStore } from './snapshots.ts';
import type { StorageOptions } from './storage-options.ts';
import { noSnapshot, type SnapshotId } from './wal-records.ts';
import { emptyHardState, replaySegments, type Replayed } from './wal-replay.ts';
import { scanSegment, type SegmentScan } from './wal-scan.ts';
import type { LiveSegment, WalWriterInit } from './wal-writer.ts';

export interface RecoveredState {
  /** Commit is at least the snapshot's index (the snapshot holds committed state). */
  readonly hardState: HardState;
  readonly snapshot: Snapshot | undefined;
  /** Entries after the snapshot (or from index 1 without one), in order. */
  readonly entries: readonly Entry[];
  /** What recovery worked around: a torn tail repaired, a corrupt newer snapshot skipped. */
  readonly warnings: readonly string[];
}

export interface Recovery {
  readonly state: RecoveredState;
  readonly writer: WalWriterInit;
}

const snapshotKey = (id: SnapshotId): string => `${id.index}/${id.term}`;

export function recover(disk: Disk, walDir: string, store: SnapshotStore, options: StorageOptions): Recovery {
  const warnings: string[] = [];
  const segments = listSegments(disk, walDir, warnings);
  if (segments.length === 0) return fresh(disk, walDir, store);
  const scans = segments.map((s, i) => scanStable(disk, walDir, s, i === segments.length - 1, options.recordBytesMax, warnings));
  const replayed = replaySegments(scans);
  checkTornHeader(scans, replayed);
  const snapshot = chooseSnapshot(store, replayed, warnings, options.tracer);
  const base = snapshot?.metadata ?? noSnapshot;
  checkCoverage(walDir, replayed.log, base, warnings);

  // Every check passed: now repair.
  const recorded = new Set(replayed.snapshots.map(snapshotKey));
  store.removeFiles((file) => recorded.has(snapshotKey(file.id)), true);
  const writer = openActiveSegment(disk, scans, replayed, warnings, options.tracer);
  const commit = Math.max(replayed.hardState.commit, base.index);
  return {
    state: { hardState: { ...replayed.hardState, commit: logIndex(commit) }, snapshot, entries: replayed.log.entriesAfter(base.index), warnings },
    writer,
  };
}

function listSegments(disk: Disk, walDir: string, warnings: string[]): SegmentName[] {
  const segments: SegmentName[] = [];
  for (const name of disk.list(walDir)) {
    const parsed = parseSegmentName(name);
    if (parsed === undefined) warnings.push(`ignored ${joinPath(walDir, name)}: not a WAL segment name`);
    else segments.push(parsed);
  }
  segments.sort((a, b) => a.seq - b.seq);
  for (let i = 1; i < segments.length; i++) {
    if (segments[i].seq !== segments[i - 1].seq + 1) {
      throw new StorageCorruption(joinPath(walDir, segments[i].name), 0, `segment sequence jumps from ${segments[i - 1].seq} to ${segments[i].seq}: segments are missing`);
    }
  }
  return segments;
}

/** Reads of one file before recovery gives up on getting the same bytes twice. */
const fileReadsMax = 4;

/**
 * Scans a segment, re-reading it when the scan finds a problem. A read can return damaged bytes while
 * the disk holds good ones (a transient error on the way), and acting on it could cut acknowledged
 * records as a "torn tail". A clean scan is trustworthy (every record passed its CRC); a problem is
 * believed only when a second read returns the very same bytes.
 */
function scanStable(disk: Disk, walDir: string, segment: SegmentName, isLast: boolean, recordBytesMax: number, warnings: string[]): SegmentScan {
  const path = joinPath(walDir, segment.name);
  let bytes = disk.readFile(path);
  for (let reads = 1; reads <= fileReadsMax; reads++) {
    let result: SegmentScan | StorageCorruption;
    try {
      result = scanSegment(bytes, path, segment, isLast, recordBytesMax);
    } catch (e) {
      if (!(e instanceof StorageCorruption)) throw e;
      result = e;
    }
    if (!(result instanceof StorageCorruption) && result.tornAt === undefined) {
      if (reads > 1) warnings.push(`re-read ${path} after a read returned damaged bytes; the disk copy is intact`);
      return result;
    }
    const again = disk.readFile(path);
    if (sameBytes(again, bytes)) {
      if (result instanceof StorageCorruption) throw result;
      return result;
    }
    bytes = again;
  }
  throw new StorageCorruption(path, 0, `${fileReadsMax} reads returned different bytes each time`);
}

/** Loads a snapshot file, re-reading it once if the first read looks damaged. */
function loadStable(store: SnapshotStore, file: SnapshotFileName): Snapshot | string {
  const first = store.load(file);
  return typeof first === 'string' ? store.load(file) : first;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** No segment: a new node (snapshot files without a WAL mean the WAL was lost, not a crash). */
function fresh(disk: Disk, walDir: string, store: SnapshotStore): Recovery {
  const strays = store.list();
  if (strays.length > 0) {
    throw new StorageCorruption(strays[0].path, 0, `snapshot files exist but ${walDir} has no WAL segment: the WAL is missing`);
  }
  store.removeFiles(() => false, true);
  const name = parseSegmentName(segmentName(1, 1))!;
  const path = joinPath(walDir, name.name);
  const fd = disk.open(path, 'create');
  return {
    state: { hardState: emptyHardState, snapshot: undefined, entries: [], warnings: [] },
    writer: { segments: [{ name, path, bytes: 0, durable: false }], activeFd: fd, shape: new LogShape(1, 0, false), hardState: emptyHardState, snapshot: noSnapshot },
  };
}

/** A last segment with a torn header is rewritten; that needs the log to end where its name says. */
function checkTornHeader(scans: readonly SegmentScan[], replayed: Replayed): void {
  const last = scans[scans.length - 1];
  if (last.tornAt === undefined || last.records.length > 0) return;
  if (scans.length === 1 && last.segment.seq !== 1) {
    throw new StorageCorruption(last.path, 0, 'the header of the only segment is damaged and earlier segments were compacted away: the hard state is unknown');
  }
  if (last.segment.firstIndex !== replayed.log.lastIndex() + 1) {
    throw new StorageCorruption(last.path, 0, `the header is damaged and the name's first index ${last.segment.firstIndex} does not follow the log's last index ${replayed.log.lastIndex()}`);
  }
}

/** The newest snapshot file that the WAL records and that loads cleanly. */
function chooseSnapshot(store: SnapshotStore, replayed: Replayed, warnings: string[], tracer: Tracer): Snapshot | undefined {
  const recorded = new Set(replayed.snapshots.map(snapshotKey));
  const files = store.list().filter((f) => recorded.has(snapshotKey(f.id)));
  const newest = replayed.lastSnapshot;
  if (newest.index > 0 && !files.some((f) => snapshotKey(f.id) === snapshotKey(newest))) {
    warnings.push(`snapshot at index ${newest.index} term ${newest.term} is recorded in the WAL but its file is missing`);
  }
  for (const file of files) {
    const loaded = loadStable(store, file);
    if (typeof loaded !== 'string') return loaded;
    reject(file, loaded, warnings, tracer);
  }
  return undefined;
}

function reject(file: SnapshotFileName, reason: string, warnings: string[], tracer: Tracer): void {
  warnings.push(`snapshot ${file.path} rejected: ${reason}`);
  if (tracer.enabled('storage.snapshotRejected')) tracer.emit('storage.snapshotRejected', { file: file.path, reason });
}

/** The snapshot and the WAL together must cover the log from index 1 without a gap. */
function checkCoverage(walDir: string, log: LogShape, base: SnapshotId, warnings: readonly string[]): void {
  const context = warnings.length > 0 ? ` (${warnings.join('; ')})` : '';
  if (log.firstIndex() > base.index + 1) {
    const what = base.index > 0 ? `the newest usable snapshot ends at index ${base.index}` : 'there is no usable snapshot';
    throw new KvlabError('storageGap', `${walDir}: the WAL starts at index ${log.firstIndex()} but ${what}; entries in between are lost${context}; refusing to start`);
  }
  const walTerm = log.termAt(base.index);
  if (base.index > 0 && walTerm !== base.term) {
    throw new KvlabError('storageGap', `${walDir}: the snapshot at index ${base.index} has term ${base.term} but the WAL has ${walTerm ?? 'no entry'} there${context}; refusing to start`);
  }
}

function openActiveSegment(disk: Disk, scans: readonly SegmentScan[], replayed: Replayed, warnings: string[], tracer: Tracer): WalWriterInit {
  const segments: LiveSegment[] = scans.map((s) => ({ name: s.segment, path: s.path, bytes: s.bytes, durable: true }));
  const last = scans[scans.length - 1];
  const active = segments[segments.length - 1];
  const fd: Fd = disk.open(last.path, 'readwrite');
  if (last.tornAt !== undefined) {
    const { offset, reason } = last.tornAt;
    disk.truncate(fd, offset);
    active.bytes = offset;
    active.durable = offset > 0;
    warnings.push(`repaired a torn tail in ${last.path}: dropped ${last.bytes - offset} bytes from byte ${offset} (${reason})`);
    if (tracer.enabled('storage.repair')) tracer.emit('storage.repair', { file: last.path, offset, bytes: last.bytes - offset, reason });
  }
  return { segments, activeFd: fd, shape: replayed.log.termsOnly(), hardState: replayed.hardState, snapshot: replayed.lastSnapshot };
}
