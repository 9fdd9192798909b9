// Fixed-width little-endian fields for the WAL and snapshot formats. Indexes, terms and node ids are
// safe integers (< 2^53) stored in 8 bytes as two 32-bit halves, so no BigInt is needed. Plain byte
// arithmetic rather than DataView: records are small and many, and a DataView per record costs more
// than the record.
import { assert } from '../types.ts';

const twoTo32 = 0x1_0000_0000;
/** The high half of a u53 is below 2^21. */
const highHalfLimit = 0x20_0000;

export function writeU32(bytes: Uint8Array, offset: number, n: number): void {
  bytes[offset] = n;
  bytes[offset + 1] = n >>> 8;
  bytes[offset + 2] = n >>> 16;
  bytes[offset + 3] = n >>> 24;
}

export function readU32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16)) + bytes[offset + 3] * 0x100_0000;
}

export class FixedWriter {
  readonly bytes: Uint8Array;
  offset: number;
  private readonly end: number;

  /** Writes a new buffer of `length` bytes, or `bytes[start, start + length)` of an existing one. */
  constructor(length: number, bytes?: Uint8Array, start = 0) {
    this.bytes = bytes ?? new Uint8Array(length);
    this.offset = start;
    this.end = start + length;
  }

  u8(n: number): this {
    this.bytes[this.offset++] = n;
    return this;
  }

  u32(n: number): this {
    writeU32(this.bytes, this.offset, n);
    this.offset += 4;
    return this;
  }

  u53(n: number): this {
    assert(Number.isSafeInteger(n) && n >= 0, () => `u53: ${n} is not a non-negative safe integer`);
    writeU32(this.bytes, this.offset, n % twoTo32);
    writeU32(this.bytes, this.offset + 4, Math.floor(n / twoTo32));
    this.offset += 8;
    return this;
  }

  raw(data: Uint8Array): this {
    this.bytes.set(data, this.offset);
    this.offset += data.length;
    return this;
  }

  done(): Uint8Array {
    assert(this.offset === this.end, () => `FixedWriter: wrote up to ${this.offset}, expected ${this.end}`);
    return this.bytes;
  }
}

/** Reads fields; `ok` turns false (and reads return 0) once a read would pass the end. */
export class FixedReader {
  offset: number;
  ok = true;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    private readonly end = bytes.length,
  ) {
    this.offset = start;
  }

  private take(n: number): number {
    if (this.offset + n > this.end) {
      this.ok = false;
      return -1;
    }
    const at = this.offset;
    this.offset += n;
    return at;
  }

  u8(): number {
    const at = this.take(1);
    return at < 0 ? 0 : this.bytes[at];
  }

  u32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : readU32(this.bytes, at);
  }

  /** A u53 field; a high half of 2^21 or more (not a safe integer) marks the reader not ok. */
  u53(): number {
    const at = this.take(8);
    if (at < 0) return 0;
    const high = readU32(this.bytes, at + 4);
    if (high >= highHalfLimit) {
      this.ok = false;
      return 0;
    }
    return high * twoTo32 + readU32(this.bytes, at);
  }

  raw(length: number): Uint8Array {
    const at = this.take(length);
    return at < 0 ? new Uint8Array(0) : this.bytes.subarray(at, at + length);
  }

  remaining(): number {
    return this.end - this.offset;
  }
}
