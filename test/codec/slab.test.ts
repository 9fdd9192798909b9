// The slab allocator hands out views into shared buffers: they must behave like fresh arrays
// (zero-filled, private, non-overlapping), and codec output built on them must round-trip.
import { describe, expect, it } from 'vitest';
import { allocBytes, copyBytes, shrinkBytes } from '../../core/codec/slab.ts';
import { decodeFrame, encodeFrame } from '../../core/codec/frame.ts';
import { ByteWriter } from '../../core/codec/bytes.ts';
import type { Message } from '../../core/raft/types.ts';

describe('slab-allocated bytes', () => {
  it('are zero-filled and never overlap, across slab boundaries', () => {
    const arrays: Uint8Array[] = [];
    for (let i = 0; i < 2000; i++) {
      const a = allocBytes(1 + (i * 37) % 300);
      expect(a.every((b) => b === 0), `allocation ${i} is zero-filled`).toBe(true);
      a.fill((i % 255) + 1);
      arrays.push(a);
    }
    arrays.forEach((a, i) => expect(a.every((b) => b === (i % 255) + 1), `allocation ${i} kept its bytes`).toBe(true));
  });

  it('gives back only the unused tail of the latest allocation, and that tail is still zero', () => {
    const a = allocBytes(100);
    a.fill(9, 0, 10);
    const trimmed = shrinkBytes(a, 10);
    expect(trimmed.length).toBe(10);
    const b = allocBytes(90);
    expect(b.byteOffset).toBe(a.byteOffset + 10);
    expect(b.every((x) => x === 0)).toBe(true);
    b.fill(7);
    // `a` is no longer the latest allocation: shrinking it gives nothing back.
    shrinkBytes(a, 5);
    const c = allocBytes(4);
    expect(c.byteOffset === a.byteOffset + 5 && c.buffer === a.buffer).toBe(false);
    expect(trimmed.every((x) => x === 9)).toBe(true);
  });

  it('large arrays get their own buffer; copies are private', () => {
    const big = allocBytes(100_000);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(100_000);
    const src = new Uint8Array([1, 2, 3]);
    const copy = copyBytes(src);
    src[0] = 42;
    expect([...copy]).toEqual([1, 2, 3]);
  });

  it('a writer used after finish() never writes into bytes handed out since', () => {
    const w = new ByteWriter(64);
    w.u8(1);
    const out = w.finish();
    const next = allocBytes(8);
    w.u8(2);
    w.bytes(new Uint8Array(100).fill(5));
    expect([...out]).toEqual([1]);
    expect(next.every((x) => x === 0)).toBe(true);
  });

  it('frames encoded into slab views decode to the same message, entry data private to the decoder', () => {
    const message = {
      type: 'app', group: 1, from: 1, to: 2, term: 3, logTerm: 2, index: 10, commit: 9,
      entries: [{ index: 11, term: 3, type: 'normal', data: new Uint8Array([7, 8, 9]) }],
      reject: false, rejectHint: 0,
    } as unknown as Message;
    const frames = Array.from({ length: 500 }, () => encodeFrame({ kind: 'raft', message }));
    for (const frame of frames) {
      const decoded = decodeFrame(frame);
      expect(decoded.kind).toBe('raft');
      if (decoded.kind !== 'raft') continue;
      expect([...decoded.message.entries[0].data]).toEqual([7, 8, 9]);
      frame.fill(0);
      expect([...decoded.message.entries[0].data], 'the decoded entry does not alias the frame').toEqual([7, 8, 9]);
    }
  });
});
