// The payloads of WAL records: what the log says, independent of how it is framed (record.ts).
import type { Entry, EntryType, HardState } from '../raft/types.ts';
import { logIndex, nodeId, term, type LogIndex, type Term } from '../types.ts';
import { FixedReader, FixedWriter } from './binary.ts';
import { RecordType, type RecordTypeCode } from './record.ts';

export const walFormatVersion = 1;

/** A snapshot as the WAL knows it: (index, term); index 0 means none. */
export interface SnapshotId {
  readonly index: LogIndex;
  readonly term: Term;
}

export const noSnapshot: SnapshotId = { index: logIndex(0), term: term(0) };

/**
 * First record of each segment. It repeats the hard state and the snapshot in force when the segment
 * was created, so older segments can be deleted without losing either, and it records the final size
 * of the previous segment so that a shortened or extended predecessor is detected.
 */
export interface SegmentHeader {
  readonly seq: number;
  /** Index the next entry had when the segment was created (also in the file name). */
  readonly firstIndex: LogIndex;
  /** Term of the entry at firstIndex - 1 (0 if none), so the log's base term survives deleting older segments. */
  readonly prevTerm: Term;
  readonly prevSegmentBytes: number;
  readonly hardState: HardState;
  readonly snapshot: SnapshotId;
}

export type WalRecord =
  | { readonly kind: 'header'; readonly header: SegmentHeader }
  | { readonly kind: 'entry'; readonly entry: Entry }
  | { readonly kind: 'hardState'; readonly hardState: HardState }
  | { readonly kind: 'snapshot'; readonly snapshot: SnapshotId };

/** Bytes an entry record's payload adds to the entry's data. */
export const entryPayloadOverheadBytes = 17;
const headerPayloadBytes = 1 + 8 * 9;
const hardStatePayloadBytes = 24;
const snapshotPayloadBytes = 16;

const entryTypes: readonly EntryType[] = ['normal', 'confChange'];

/** Payload size of `record` in bytes. */
export function walPayloadBytes(record: WalRecord): number {
  switch (record.kind) {
    case 'header':
      return headerPayloadBytes;
    case 'entry':
      return entryPayloadOverheadBytes + record.entry.data.length;
    case 'hardState':
      return hardStatePayloadBytes;
    case 'snapshot':
      return snapshotPayloadBytes;
  }
}

/** Writes `record`'s payload through `w` (which must have walPayloadBytes(record) bytes of room). */
export function writeWalPayload(record: WalRecord, w: FixedWriter): RecordTypeCode {
  switch (record.kind) {
    case 'header': {
      const h = record.header;
      w.u8(walFormatVersion).u53(h.seq).u53(h.firstIndex).u53(h.prevTerm).u53(h.prevSegmentBytes);
      writeHardState(w, h.hardState);
      w.u53(h.snapshot.index).u53(h.snapshot.term);
      return RecordType.header;
    }
    case 'entry': {
      const e = record.entry;
      w.u53(e.term).u53(e.index).u8(entryTypes.indexOf(e.type)).raw(e.data);
      return RecordType.entry;
    }
    case 'hardState':
      writeHardState(w, record.hardState);
      return RecordType.hardState;
    case 'snapshot':
      w.u53(record.snapshot.index).u53(record.snapshot.term);
      return RecordType.snapshot;
  }
}

export function encodeWalRecord(record: WalRecord): { readonly type: RecordTypeCode; readonly payload: Uint8Array } {
  const w = new FixedWriter(walPayloadBytes(record));
  const type = writeWalPayload(record, w);
  return { type, payload: w.done() };
}

/** Decodes a payload whose CRC already passed; a string names what is malformed. */
export function decodeWalRecord(type: RecordTypeCode, payload: Uint8Array): WalRecord | string {
  const r = new FixedReader(payload);
  let record: WalRecord;
  switch (type) {
    case RecordType.header: {
      const version = r.u8();
      if (version !== walFormatVersion) return `segment format version ${version} is not ${walFormatVersion}`;
      const seq = r.u53();
      const firstIndex = logIndex(r.u53());
      const prevTerm = term(r.u53());
      const prevSegmentBytes = r.u53();
      const hardState = readHardState(r);
      const snapshot = { index: logIndex(r.u53()), term: term(r.u53()) };
      record = { kind: 'header', header: { seq, firstIndex, prevTerm, prevSegmentBytes, hardState, snapshot } };
      break;
    }
    case RecordType.entry: {
      const entryTerm = term(r.u53());
      const index = logIndex(r.u53());
      const entryType = entryTypes[r.u8()];
      if (entryType === undefined) return 'unknown entry type';
      // Copy: the payload is a view into the whole segment, which must not stay alive through it.
      record = { kind: 'entry', entry: { term: entryTerm, index, type: entryType, data: r.raw(r.remaining()).slice() } };
      break;
    }
    case RecordType.hardState:
      record = { kind: 'hardState', hardState: readHardState(r) };
      break;
    case RecordType.snapshot:
      record = { kind: 'snapshot', snapshot: { index: logIndex(r.u53()), term: term(r.u53()) } };
      break;
  }
  if (!r.ok || r.remaining() !== 0) return `malformed ${record.kind} record payload (${payload.length} bytes)`;
  return record;
}

function writeHardState(w: FixedWriter, hs: HardState): void {
  w.u53(hs.term).u53(hs.vote).u53(hs.commit);
}

function readHardState(r: FixedReader): HardState {
  return { term: term(r.u53()), vote: nodeId(r.u53()), commit: logIndex(r.u53()) };
}
