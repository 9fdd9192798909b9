import { describe, expect, it } from 'vitest';
import { decodeRecordAt, encodeRecord, RecordType } from '../../core/storage/record.ts';
import { validRecordAfter } from '../../core/storage/wal-scan.ts';
import { decodeWalRecord, encodeWalRecord, type WalRecord } from '../../core/storage/wal-records.ts';
import { logIndex, nodeId, term } from '../../core/types.ts';

const max = 1 << 20;

function frame(record: WalRecord, offset: number, seq = 1): Uint8Array {
  const { type, payload } = encodeWalRecord(record);
  return encodeRecord(type, payload, { segmentSeq: seq, offset });
}

const entryRecord: WalRecord = { kind: 'entry', entry: { term: term(3), index: logIndex(17), type: 'confChange', data: new Uint8Array([1, 2, 3]) } };

describe('WAL record framing', () => {
  it('round-trips every record kind', () => {
    const records: WalRecord[] = [
      entryRecord,
      { kind: 'hardState', hardState: { term: term(2 ** 40), vote: nodeId(3), commit: logIndex(2 ** 52) } },
      { kind: 'snapshot', snapshot: { index: logIndex(9), term: term(2) } },
      {
        kind: 'header',
        header: {
          seq: 4,
          firstIndex: logIndex(100),
          prevTerm: term(7),
          prevSegmentBytes: 65536,
          hardState: { term: term(7), vote: nodeId(1), commit: logIndex(99) },
          snapshot: { index: logIndex(50), term: term(6) },
        },
      },
    ];
    for (const record of records) {
      const bytes = frame(record, 0);
      const decoded = decodeRecordAt(bytes, 0, 1, max);
      expect(decoded.ok).toBe(true);
      if (!decoded.ok) return;
      expect(decoded.next).toBe(bytes.length);
      expect(decodeWalRecord(decoded.type, decoded.payload)).toEqual(record);
    }
  });

  it('detects a flipped bit anywhere in the record', () => {
    const bytes = frame(entryRecord, 0);
    for (let i = 0; i < bytes.length; i++) {
      const damaged = bytes.slice();
      damaged[i] ^= 0x10;
      expect(decodeRecordAt(damaged, 0, 1, max).ok, `byte ${i}`).toBe(false);
    }
  });

  it('is only valid at the offset and in the segment it was written for', () => {
    const bytes = frame(entryRecord, 0);
    const shifted = new Uint8Array(100 + bytes.length);
    shifted.set(bytes, 100);
    expect(decodeRecordAt(shifted, 100, 1, max)).toMatchObject({ ok: false, reason: 'checksum mismatch' });
    expect(decodeRecordAt(bytes, 0, 2, max)).toMatchObject({ ok: false, reason: 'checksum mismatch' });
  });

  it('explains incomplete and oversized records', () => {
    const bytes = frame(entryRecord, 0);
    expect(decodeRecordAt(bytes.subarray(0, 5), 0, 1, max)).toMatchObject({ ok: false, reason: expect.stringContaining('incomplete record header') });
    expect(decodeRecordAt(bytes.subarray(0, bytes.length - 1), 0, 1, max)).toMatchObject({ ok: false, reason: expect.stringContaining('incomplete record') });
    expect(decodeRecordAt(bytes, 0, 1, 4)).toMatchObject({ ok: false, reason: expect.stringContaining('exceeds recordBytesMax') });
    const zeros = new Uint8Array(32);
    expect(decodeRecordAt(zeros, 0, 1, max)).toMatchObject({ ok: false, reason: 'unknown record type 0' });
  });

  it('validRecordAfter finds a record at its own offset and nothing in garbage', () => {
    const a = frame(entryRecord, 0);
    const b = frame({ kind: 'snapshot', snapshot: { index: logIndex(1), term: term(1) } }, a.length);
    const both = new Uint8Array(a.length + b.length);
    both.set(a);
    both.set(b, a.length);
    expect(validRecordAfter(both, 1, 1, max)).toBe(true);
    expect(validRecordAfter(both, a.length + 1, 1, max)).toBe(false);
    expect(validRecordAfter(new Uint8Array(4096).fill(RecordType.entry), 0, 1, max)).toBe(false);
  });
});
