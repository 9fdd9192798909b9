// Fixed-width little-endian fields for the WAL and snapshot formats. Indexes, terms and node ids are
// safe integers (< 2^53) stored in 8 bytes as two 32-bit halves, so no BigInt is needed.
import { assert } from '../types.ts';

const twoTo32 = 0x1_0000_0000;

export class FixedWriter {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  offset = 0;

  constructor(length: number) {
    this.bytes = new Uint8Array(length);
    this.view = new DataView(this.bytes.buffer);
  }

  u8(n: number): this {
    this.view.setUint8(this.offset, n);
    this.offset += 1;
    return this;
  }

  u32(n: number): this {
    this.view.setUint32(this.offset, n, true);
    this.offset += 4;
    return this;
  }

  u53(n: number): this {
    assert(Number.isSafeInteger(n) && n >= 0, () => `u53: ${n} is not a non-negative safe integer`);
    this.view.setUint32(this.offset, n % twoTo32, true);
    this.view.setUint32(this.offset + 4, Math.floor(n / twoTo32), true);
    this.offset += 8;
    return this;
  }

  raw(data: Uint8Array): this {
    this.bytes.set(data, this.offset);
    this.offset += data.length;
    return this;
  }

  done(): Uint8Array {
    assert(this.offset === this.bytes.length, () => `FixedWriter: wrote ${this.offset} of ${this.bytes.length} bytes`);
    return this.bytes;
  }
}

/** Reads fields; `ok` turns false (and reads return 0) once a read would pass the end. */
export class FixedReader {
  private readonly view: DataView;
  offset: number;
  ok = true;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    private readonly end = bytes.length,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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
    return at < 0 ? 0 : this.view.getUint8(at);
  }

  u32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : this.view.getUint32(at, true);
  }

  /** A u53 field; a high half beyond 2^21 (not a safe integer) marks the reader not ok. */
  u53(): number {
    const at = this.take(8);
    if (at < 0) return 0;
    const high = this.view.getUint32(at + 4, true);
    if (high >= 0x20_0000) {
      this.ok = false;
      return 0;
    }
    return high * twoTo32 + this.view.getUint32(at, true);
  }

  raw(length: number): Uint8Array {
    const at = this.take(length);
    return at < 0 ? new Uint8Array(0) : this.bytes.subarray(at, at + length);
  }

  remaining(): number {
    return this.end - this.offset;
  }
}
