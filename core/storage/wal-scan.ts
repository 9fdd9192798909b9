// Reads one WAL segment into records, telling a torn tail from corruption.
//
// The rule: a record that fails to decode (short, bad length, unknown type, CRC mismatch) at offset o
// is a TORN TAIL only if it is in the last segment and no valid record starts anywhere after o. That
// is exactly what a crash can leave: unsynced appends lost or cut at a sector, possibly with garbage
// in the sector being written, and nothing valid beyond (records are appended in order, and their
// CRC is salted with their offset, so stale or embedded bytes never look valid). Anything else — a
// bad record with a valid one after it, a bad record in an earlier segment — is corruption of data
// that may have been acknowledged, and recovery refuses to start.
import { readU32 } from './binary.ts';
import { StorageCorruption } from './errors.ts';
import { decodeRecordAt, recordHeaderBytes, RecordType } from './record.ts';
import { decodeWalRecord, type WalRecord } from './wal-records.ts';
import type { SegmentName } from './segment-name.ts';

export interface ScannedRecord {
  readonly record: WalRecord;
  readonly offset: number;
}

export interface SegmentScan {
  readonly segment: SegmentName;
  readonly path: string;
  /** File size as found. */
  readonly bytes: number;
  readonly records: readonly ScannedRecord[];
  /** Where the valid records end, if a torn tail follows them (last segment only). */
  readonly tornAt?: { readonly offset: number; readonly reason: string };
}

/** Scans the bytes of segment `segment` (file `path`); throws StorageCorruption. */
export function scanSegment(bytes: Uint8Array, path: string, segment: SegmentName, isLast: boolean, recordBytesMax: number): SegmentScan {
  const records: ScannedRecord[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const decoded = decodeRecordAt(bytes, offset, segment.seq, recordBytesMax);
    if (!decoded.ok) {
      if (isLast && !validRecordAfter(bytes, offset + 1, segment.seq, recordBytesMax)) {
        return { segment, path, bytes: bytes.length, records, tornAt: { offset, reason: decoded.reason } };
      }
      const why = isLast ? 'valid records follow it' : 'it is not in the last segment';
      throw new StorageCorruption(path, offset, `${decoded.reason}, and ${why}`);
    }
    const record = decodeWalRecord(decoded.type, decoded.payload);
    if (typeof record === 'string') throw new StorageCorruption(path, offset, record);
    records.push({ record, offset });
    offset = decoded.next;
  }
  if (records.length === 0) {
    if (isLast) return { segment, path, bytes: bytes.length, records, tornAt: { offset: 0, reason: 'empty segment (no header)' } };
    throw new StorageCorruption(path, 0, 'empty segment, and it is not the last one');
  }
  return { segment, path, bytes: bytes.length, records };
}

/** True if a valid record starts at any offset in [from, end). */
export function validRecordAfter(bytes: Uint8Array, from: number, segmentSeq: number, recordBytesMax: number): boolean {
  const typeMax = Math.max(...Object.values(RecordType));
  for (let p = from; p + recordHeaderBytes <= bytes.length; p++) {
    // Cheap filters first: most garbage offsets fail on the type byte or the length.
    const type = bytes[p + 8];
    if (type === 0 || type > typeMax) continue;
    const length = readU32(bytes, p);
    if (length > recordBytesMax || p + recordHeaderBytes + length > bytes.length) continue;
    if (decodeRecordAt(bytes, p, segmentSeq, recordBytesMax).ok) return true;
  }
  return false;
}
