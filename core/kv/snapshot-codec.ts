// The byte format of a whole KV state (records, sessions, applied index), shared by every engine so a
// snapshot taken on one engine installs on another. Deterministic: records in byte order of key,
// sessions in (lastIndex, clientId) order, so equal states give equal bytes.
//
//   magic "KVS1"  appliedIndex:uvar  n:uvar (key:bstr flags:u8 value:bstr [expireAtMs:uvar])*n
//   m:uvar (clientId:bstr lastSeq:uvar lastIndex:uvar result)*m  crc32c:u32le of all bytes before it
import { assert } from '../types.ts';
import { ByteReader, ByteWriter, failWith, type FailFn } from './bytes.ts';
import { crc32c } from '../storage/crc32c.ts';
import type { KeyRecordPair, SessionRecord, StoredRecord } from './engine.ts';
import { clientIdBytesMax, keyBytesMax, valueBytesMax } from './limits.ts';
import { readResult, writeResult } from './result-codec.ts';

const magic = [0x4b, 0x56, 0x53, 0x31]; // "KVS1"
const checksumBytes = 4;
const recordFlagExpiry = 1;

export const corruptSnapshot: FailFn = failWith('corruptSnapshot', 'snapshot');

export interface KvState {
  readonly appliedIndex: number;
  readonly records: readonly KeyRecordPair[];
  readonly sessions: readonly SessionRecord[];
}

export function compareSessions(a: SessionRecord, b: SessionRecord): number {
  if (a.lastIndex !== b.lastIndex) return a.lastIndex - b.lastIndex;
  return a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0;
}

/** Encodes a state; `records` must yield `recordCount` pairs in byte order of key. */
export function encodeSnapshot(
  appliedIndex: number,
  recordCount: number,
  records: Iterable<KeyRecordPair>,
  sessions: readonly SessionRecord[],
): Uint8Array {
  const encoder = new SnapshotEncoder(appliedIndex, recordCount);
  for (const [key, record] of records) encoder.record(key, record);
  return encoder.finish(sessions);
}

/**
 * The same encoding a piece at a time, for an engine that reads its records asynchronously (in chunks
 * that let the event loop run between them): records in byte order of key, endPiece() after each
 * chunk, then finish(). Each piece is checksummed when it ends, so no step touches the whole state
 * except finish()'s one copy of the pieces into the result.
 */
export class SnapshotEncoder {
  private w = SnapshotEncoder.writer();
  private readonly pieces: Uint8Array[] = [];
  private piecesBytes = 0;
  private crc = 0;
  private written = 0;
  private previousKey: string | null = null;

  constructor(appliedIndex: number, private readonly recordCount: number) {
    for (const b of magic) this.w.byte(b);
    this.w.uint(appliedIndex, 'appliedIndex');
    this.w.uint(recordCount, 'records');
  }

  private static writer(): ByteWriter {
    return new ByteWriter(failWith('invalidSnapshot', 'snapshot'), 1024);
  }

  record(key: string, record: StoredRecord): void {
    assert(this.previousKey === null || this.previousKey < key, 'snapshot records must come in strictly increasing key order');
    writeRecord(this.w, key, record);
    this.previousKey = key;
    this.written++;
  }

  /** Closes the bytes written since the last piece into a piece of their own, checksummed now. */
  endPiece(): void {
    const piece = this.w.finish();
    if (piece.length === 0) return;
    this.crc = crc32c(piece, 0, piece.length, this.crc);
    this.pieces.push(piece);
    this.piecesBytes += piece.length;
    this.w = SnapshotEncoder.writer();
  }

  finish(sessions: readonly SessionRecord[]): Uint8Array {
    const { pieces, bodyBytes, checksum } = this.finishPieces(sessions);
    const out = new Uint8Array(bodyBytes + checksumBytes);
    let at = 0;
    for (const piece of pieces) {
      out.set(piece, at);
      at += piece.length;
    }
    new DataView(out.buffer).setUint32(bodyBytes, checksum, true);
    return out;
  }

  /**
   * finish() without its copy, for a caller that assembles a large snapshot in steps: the snapshot is
   * the pieces one after the other (bodyBytes in all), then `checksum` as a u32 little-endian.
   */
  finishPieces(sessions: readonly SessionRecord[]): { readonly pieces: readonly Uint8Array[]; readonly bodyBytes: number; readonly checksum: number } {
    assert(this.written === this.recordCount, () => `snapshot: ${this.written} records written, ${this.recordCount} announced`);
    const ordered = [...sessions].sort(compareSessions);
    this.w.uint(ordered.length, 'sessions');
    for (const s of ordered) writeSession(this.w, s);
    this.endPiece();
    return { pieces: this.pieces, bodyBytes: this.piecesBytes, checksum: this.crc };
  }
}

export function writeRecord(w: ByteWriter, key: string, record: StoredRecord): void {
  w.byteString(key, 'key');
  w.byte(record.expireAtMs === undefined ? 0 : recordFlagExpiry);
  w.byteString(record.value, 'value');
  if (record.expireAtMs !== undefined) w.uint(record.expireAtMs, 'expireAtMs');
}

export function readRecord(r: ByteReader): KeyRecordPair {
  const key = r.byteString('key', keyBytesMax);
  const flags = r.byte('record.flags');
  if ((flags & ~recordFlagExpiry) !== 0) r.fail('record.flags', `unknown flag bits in ${flags}`);
  const value = r.byteString('value', valueBytesMax);
  if (flags === 0) return [key, { value }];
  return [key, { value, expireAtMs: r.uint('expireAtMs') }];
}

export function writeSession(w: ByteWriter, s: SessionRecord): void {
  w.byteString(s.clientId, 'session.clientId');
  w.uint(s.lastSeq, 'session.lastSeq');
  w.uint(s.lastIndex, 'session.lastIndex');
  writeResult(w, s.lastResult);
}

export function readSession(r: ByteReader): SessionRecord {
  const clientId = r.byteString('session.clientId', clientIdBytesMax);
  const lastSeq = r.uint('session.lastSeq');
  const lastIndex = r.uint('session.lastIndex');
  return { clientId, lastSeq, lastIndex, lastResult: readResult(r) };
}

/** Verifies the checksum, then decodes; throws KvlabError('corruptSnapshot') naming what is wrong. */
export function decodeSnapshot(bytes: Uint8Array): KvState {
  const r = verifiedReader(bytes);
  const appliedIndex = r.uint('appliedIndex');
  const recordCount = r.uint('records');
  if (recordCount > r.remaining) r.fail('records', `${recordCount} records cannot fit in ${r.remaining} bytes`);
  const records: KeyRecordPair[] = [];
  for (let i = 0; i < recordCount; i++) {
    const pair = readRecord(r);
    if (i > 0 && !(records[i - 1][0] < pair[0])) r.fail(`records[${i}]`, 'keys are not in strictly increasing order');
    records.push(pair);
  }
  const sessionCount = r.uint('sessions');
  if (sessionCount > r.remaining) r.fail('sessions', `${sessionCount} sessions cannot fit in ${r.remaining} bytes`);
  const sessions: SessionRecord[] = [];
  for (let i = 0; i < sessionCount; i++) {
    const s = readSession(r);
    if (s.lastIndex > appliedIndex) r.fail(`sessions[${i}]`, `lastIndex ${s.lastIndex} is beyond the applied index`);
    if (i > 0 && compareSessions(sessions[i - 1], s) >= 0) r.fail(`sessions[${i}]`, 'not in (lastIndex, clientId) order');
    sessions.push(s);
  }
  r.expectEnd('end');
  return { appliedIndex, records, sessions };
}

/** The applied index a snapshot carries (checksum verified). */
export function snapshotAppliedIndex(bytes: Uint8Array): number {
  return verifiedReader(bytes).uint('appliedIndex');
}

function verifiedReader(bytes: Uint8Array): ByteReader {
  if (bytes.length < magic.length + checksumBytes) corruptSnapshot('length', `${bytes.length} bytes is too short`);
  for (let i = 0; i < magic.length; i++) {
    if (bytes[i] !== magic[i]) corruptSnapshot('magic', 'not a KV snapshot (bad magic bytes)');
  }
  const bodyEnd = bytes.length - checksumBytes;
  const stored = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bodyEnd, true);
  const actual = crc32c(bytes, 0, bodyEnd);
  if (stored !== actual) corruptSnapshot('checksum', `stored ${stored} but the content sums to ${actual}`);
  return new ByteReader(bytes, corruptSnapshot, magic.length, bodyEnd);
}
