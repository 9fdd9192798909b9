// WAL record framing. Every record is
//
//   u32 payloadLength | u32 crc32c | u8 type | payload
//
// little-endian. The CRC covers the length, the type and the payload, salted with the record's own
// position (segment sequence number and byte offset in the segment file). The salt means a record is
// only valid where it was written: a stale copy at another offset, bytes of another segment, or a
// WAL record embedded in an entry's payload never pass for a record when recovery scans for them.
import { crc32c } from './crc32c.ts';
import { FixedWriter, readU32, writeU32 } from './binary.ts';

export const recordHeaderBytes = 9;

export const RecordType = {
  /** First record of every segment (wal-records.ts SegmentHeader). */
  header: 1,
  entry: 2,
  hardState: 3,
  /** A snapshot became the log's base (wal-records.ts SnapshotMarker). */
  snapshot: 4,
} as const;
export type RecordTypeCode = (typeof RecordType)[keyof typeof RecordType];

const knownTypes = new Set<number>(Object.values(RecordType));

/** Where a record sits: its CRC is salted with this. */
export interface RecordSite {
  readonly segmentSeq: number;
  readonly offset: number;
}

export type DecodedRecord =
  | { readonly ok: true; readonly type: RecordTypeCode; readonly payload: Uint8Array; readonly next: number }
  | { readonly ok: false; readonly reason: string };

export function encodeRecord(type: RecordTypeCode, payload: Uint8Array, site: RecordSite): Uint8Array {
  const record = new Uint8Array(recordHeaderBytes + payload.length);
  record.set(payload, recordHeaderBytes);
  return frameRecord(record, type, site);
}

/** Fills in the header of `record`, whose payload is already at recordHeaderBytes onwards. */
export function frameRecord(record: Uint8Array, type: RecordTypeCode, site: RecordSite): Uint8Array {
  writeU32(record, 0, record.length - recordHeaderBytes);
  record[8] = type;
  writeU32(record, 4, recordCrc(record, 0, record.length, site));
  return record;
}

/** Decodes the record at `offset` of a segment's bytes. Never throws: a bad record is a value. */
export function decodeRecordAt(bytes: Uint8Array, offset: number, segmentSeq: number, recordBytesMax: number): DecodedRecord {
  const left = bytes.length - offset;
  if (left < recordHeaderBytes) return { ok: false, reason: `incomplete record header (${left} bytes before end of file)` };
  const length = readU32(bytes, offset);
  const stored = readU32(bytes, offset + 4);
  const type = bytes[offset + 8];
  if (!knownTypes.has(type)) return { ok: false, reason: `unknown record type ${type}` };
  if (length > recordBytesMax) return { ok: false, reason: `record length ${length} exceeds recordBytesMax ${recordBytesMax}` };
  const end = offset + recordHeaderBytes + length;
  if (end > bytes.length) return { ok: false, reason: `incomplete record (${length} payload bytes, ${left - recordHeaderBytes} before end of file)` };
  if (recordCrc(bytes, offset, end, { segmentSeq, offset }) !== stored) return { ok: false, reason: 'checksum mismatch' };
  return { ok: true, type: type as RecordTypeCode, payload: bytes.subarray(offset + recordHeaderBytes, end), next: end };
}

const salt = new FixedWriter(16);

function recordCrc(bytes: Uint8Array, start: number, end: number, site: RecordSite): number {
  salt.offset = 0;
  salt.u53(site.segmentSeq).u53(site.offset);
  let crc = crc32c(salt.bytes);
  crc = crc32c(bytes, start, start + 4, crc);
  return crc32c(bytes, start + 8, end, crc);
}
