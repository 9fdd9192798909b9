// The byte-level building blocks of the KV codecs (core/kv/bytes.ts): exact varint bytes at their
// boundaries, every refusal of ByteWriter and ByteReader naming its field and reason, and the hex and
// latin1 helpers. Found by mutation testing: the codec tests reached these paths without pinning them.
import { describe, expect, it } from 'vitest';
import {
  ByteReader,
  ByteWriter,
  byteStringToBytes,
  byteStringToHex,
  failWith,
  firstNonByteChar,
  hexToByteString,
} from '../../core/kv/bytes.ts';
import { thrown } from '../support/thrown.ts';

const fail = failWith('testCode', 'thing');


const reader = (bytes: number[]): ByteReader => new ByteReader(Uint8Array.from(bytes), fail);

function written(write: (w: ByteWriter) => void): number[] {
  const w = new ByteWriter(fail, 1);
  write(w);
  return [...w.finish()];
}

describe('failWith', () => {
  it('throws a KvlabError with the code, naming what, the field and the reason', () => {
    const e = thrown(() => failWith('someCode', 'record')('key', 'too long'));
    expect(e.code).toBe('someCode');
    expect(e.message).toBe('record key: too long');
  });
});

describe('byte strings', () => {
  it('byteStringToBytes gives one byte per char, and names the field and position of a char above 255', () => {
    expect([...byteStringToBytes('a\u00ff\u0000')]).toEqual([0x61, 0xff, 0]);
    expect([...byteStringToBytes('')]).toEqual([]);
    const e = thrown(() => byteStringToBytes('ab\u0100', 'key', fail));
    expect(e.message).toBe('thing key: char 256 at position 2 is above 255 (keys and values are byte strings)');
    const byDefault = thrown(() => byteStringToBytes('\u0101'));
    expect(byDefault.code).toBe('notByteString');
    expect(byDefault.message).toBe('value string: char 257 at position 0 is above 255 (keys and values are byte strings)');
  });

  it('firstNonByteChar finds the first char above 255', () => {
    expect(firstNonByteChar('ab\u00ff')).toBe(-1);
    expect(firstNonByteChar('a\u0100\u0200')).toBe(1);
  });

  it('hexToByteString inverts byteStringToHex and refuses odd lengths and non-hex anywhere', () => {
    const s = '\u0000\u007f\u0080\u00ff';
    expect(byteStringToHex(s)).toBe('007f80ff');
    expect(hexToByteString('007f80ff')).toBe(s);
    expect(hexToByteString('')).toBe('');
    expect(hexToByteString('abc')).toBeUndefined();
    expect(hexToByteString('zz')).toBeUndefined();
    expect(hexToByteString('zz00')).toBeUndefined();
    expect(hexToByteString('00zz')).toBeUndefined();
    expect(hexToByteString('AB')).toBeUndefined();
  });
});

describe('ByteWriter', () => {
  it('refuses negative, fractional and unsafe integers, naming the field', () => {
    for (const n of [-1, 1.5, 2 ** 53, Number.NaN]) {
      const e = thrown(() => new ByteWriter(fail).uint(n, 'count'));
      expect(e.message).toBe(`thing count: ${n} is not a non-negative safe integer`);
    }
    expect(written((w) => w.uint(2 ** 53 - 1, 'n'))).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it('refuses int64 values outside the range, naming the field', () => {
    for (const n of [-(1n << 63n) - 1n, 1n << 63n]) {
      const e = thrown(() => new ByteWriter(fail).int64(n, 'delta'));
      expect(e.message).toBe(`thing delta: ${n} is outside the int64 range`);
    }
  });

  it('writes zigzag varints with the continuation bit set exactly from 0x80 up', () => {
    expect(written((w) => w.int64(63n, 'n'))).toEqual([126]);
    expect(written((w) => w.int64(-64n, 'n'))).toEqual([127]);
    expect(written((w) => w.int64(64n, 'n'))).toEqual([0x80, 0x01]);
    expect(written((w) => w.int64(-65n, 'n'))).toEqual([0x81, 0x01]);
    expect(written((w) => w.uint(127, 'n'))).toEqual([127]);
    expect(written((w) => w.uint(128, 'n'))).toEqual([0x80, 0x01]);
  });

  it('refuses a byte string with a char above 255, naming the field and position', () => {
    const e = thrown(() => new ByteWriter(fail).byteString('k\u0100', 'key'));
    expect(e.message).toBe('thing key: char 256 at position 1 is above 255 (keys and values are byte strings)');
  });

  it('reports its size, writes u32 little-endian, and keeps earlier bytes while it grows', () => {
    const w = new ByteWriter(fail, 1);
    expect(w.size).toBe(0);
    w.byte(9);
    w.u32(0x01020304);
    w.u32(0xffffffff);
    expect(w.size).toBe(9);
    expect([...w.finish()]).toEqual([9, 4, 3, 2, 1, 0xff, 0xff, 0xff, 0xff]);
    w.reset();
    expect(w.size).toBe(0);
  });
});

describe('ByteReader', () => {
  it('reads u32 little-endian, tracks its position, and refuses a truncated u32', () => {
    const r = reader([4, 3, 2, 1, 7, 7, 7]);
    expect(r.u32('word')).toBe(0x01020304);
    expect(r.position).toBe(4);
    expect(r.remaining).toBe(3);
    expect(thrown(() => r.u32('word')).message).toBe('thing word: truncated');
    expect(r.position).toBe(4);
  });

  it('refuses raw bytes beyond its end, even inside a larger buffer', () => {
    const r = new ByteReader(Uint8Array.from([1, 2, 3, 4, 5]), fail, 1, 3);
    expect(thrown(() => r.bytes(3, 'blob')).message).toBe('thing blob: length 3 exceeds the 2 bytes left');
    expect([...r.bytes(2, 'blob')]).toEqual([2, 3]);
  });

  it('refuses varints that are too long, non-canonical or beyond the safe integer range', () => {
    const eightContinued = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01];
    expect(thrown(() => reader(eightContinued).uint('n')).message).toBe('thing n: varint too long');
    expect(thrown(() => reader([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f]).uint('n')).message).toBe(
      'thing n: varint exceeds the safe integer range',
    );
    expect(reader([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]).uint('n')).toBe(2 ** 53 - 1);
    expect(thrown(() => reader([0x81, 0x00]).uint('n')).message).toBe('thing n: non-canonical varint');
    expect(reader([0x00]).uint('n')).toBe(0);
  });

  it('refuses int64 varints that are too long, non-canonical or beyond the int64 range', () => {
    const tenContinued = [...new Array<number>(10).fill(0x80), 0x01];
    expect(thrown(() => reader(tenContinued).int64('d')).message).toBe('thing d: varint too long');
    expect(thrown(() => reader([0x81, 0x00]).int64('d')).message).toBe('thing d: non-canonical varint');
    // zigzag 2^64 decodes to 2^63, one past the largest int64
    const twoTo64 = [...new Array<number>(9).fill(0x80), 0x02];
    expect(thrown(() => reader(twoTo64).int64('d')).message).toBe('thing d: outside the int64 range');
    const twoTo64Plus1 = [0x81, ...new Array<number>(8).fill(0x80), 0x02];
    expect(thrown(() => reader(twoTo64Plus1).int64('d')).message).toBe('thing d: outside the int64 range');
    const largest = written((w) => w.int64((1n << 63n) - 1n, 'd'));
    expect(reader(largest).int64('d')).toBe((1n << 63n) - 1n);
  });

  it('reads a byte string up to its limit and names the field past it', () => {
    expect(reader([3, 0x61, 0x62, 0x63]).byteString('key', 3)).toBe('abc');
    expect(thrown(() => reader([4, 0x61, 0x62, 0x63, 0x64]).byteString('key', 3)).message).toBe(
      'thing key: length 4 exceeds the limit 3',
    );
  });

  it('refuses a short byte string longer than what is left before its end', () => {
    const r = new ByteReader(Uint8Array.from([3, 0x61, 0x62, 0x63]), fail, 0, 3);
    expect(thrown(() => r.byteString('key', 100)).message).toBe('thing key: length 3 exceeds the 2 bytes left');
    const long = new ByteReader(Uint8Array.from([30, ...new Array<number>(30).fill(0x61)]), fail, 0, 30);
    expect(thrown(() => long.byteString('value', 100)).message).toBe('thing value: length 30 exceeds the 29 bytes left');
  });

  it('reads UTF-8 text up to its limit and refuses invalid UTF-8', () => {
    const bytes = written((w) => w.text('héllo', 'msg'));
    expect(reader(bytes).text('msg', 6)).toBe('héllo');
    expect(thrown(() => reader(bytes).text('msg', 5)).message).toBe('thing msg: length 6 exceeds the limit 5');
    expect(thrown(() => reader([2, 0xc3, 0x28]).text('msg', 10)).message).toBe('thing msg: not valid UTF-8');
  });

  it('expectEnd names the count of trailing bytes', () => {
    const r = reader([1, 2, 3]);
    r.byte('b');
    expect(thrown(() => r.expectEnd('end')).message).toBe('thing end: 2 unexpected trailing bytes');
    r.bytes(2, 'b');
    r.expectEnd('end');
    expect(thrown(() => r.byte('b')).message).toBe('thing b: truncated');
  });
});
