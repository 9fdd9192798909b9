// Byte-level building blocks of the wire codec: a growable writer and a bounds-checked reader.
// Integers are unsigned LEB128 varints up to Number.MAX_SAFE_INTEGER; byte strings are
// length-prefixed. The reader checks every length against the bytes left and throws a KvlabError
// naming the field it was reading, because its input comes from the network.
import { KvlabError } from '../types.ts';
import { allocBytes, copyBytes, shrinkBytes } from './slab.ts';

/** A varint of more bytes than this cannot be a safe integer (7 * 8 = 56 bits >= 53). */
const VARINT_BYTES_MAX = 8;
/** A finished writer's buffer: empty, so the next write (if any) allocates afresh. Shared: it is never written. */
const retiredBuffer = new Uint8Array(0);

export class ByteWriter {
  private buf: Uint8Array;
  private pos = 0;

  constructor(initialBytes = 256) {
    this.buf = allocBytes(initialBytes);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = Math.max(this.buf.length * 2, 64);
    while (size < this.pos + n) size *= 2;
    const grown = allocBytes(size);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  varuint(v: number): void {
    this.ensure(VARINT_BYTES_MAX);
    if (v >>> 0 === v) {
      // Fast path for 32-bit values (nearly all of them).
      while (v >= 0x80) {
        this.buf[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      this.buf[this.pos++] = v;
      return;
    }
    if (!Number.isSafeInteger(v) || v < 0) throw new KvlabError('badFrame', `cannot encode ${v} as an unsigned varint`);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  /** Length-prefixed bytes. */
  bytes(b: Uint8Array): void {
    this.varuint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** What was written (a view of the writer's buffer, whose unused tail is given back; the writer is not used afterwards). */
  finish(): Uint8Array {
    const out = shrinkBytes(this.buf, this.pos);
    // The tail now belongs to the slab: a write after finish() goes to a fresh buffer, never into someone else's bytes.
    this.buf = retiredBuffer;
    this.pos = 0;
    return out;
  }
}

export class ByteReader {
  private pos = 0;

  /**
   * `views`: bytes() returns views into `buf` instead of copies. Only for a buffer nobody else holds
   * (decodeFrame copies the frame once, so a decoded message never aliases the transport's buffer).
   */
  constructor(
    private readonly buf: Uint8Array,
    private readonly what: string,
    private readonly code = 'badFrame',
    private readonly views = false,
  ) {}

  fail(field: string, reason: string): never {
    throw new KvlabError(this.code, `${this.what}: field ${field}: ${reason} (at byte ${this.pos} of ${this.buf.length})`);
  }

  remaining(): number {
    return this.buf.length - this.pos;
  }

  u8(field: string): number {
    if (this.pos >= this.buf.length) this.fail(field, 'truncated');
    return this.buf[this.pos++];
  }

  varuint(field: string): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < VARINT_BYTES_MAX; i++) {
      if (this.pos >= this.buf.length) this.fail(field, 'truncated varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (!Number.isSafeInteger(result)) this.fail(field, 'varint exceeds the safe integer range');
        if (i > 0 && b === 0) this.fail(field, 'non-canonical varint');
        return result;
      }
      scale *= 0x80;
    }
    return this.fail(field, `varint longer than ${VARINT_BYTES_MAX} bytes`);
  }

  /** A count of items that each take at least `itemBytesMin` bytes: bounded by what is left. */
  count(field: string, itemBytesMin: number): number {
    const n = this.varuint(field);
    if (n * itemBytesMin > this.remaining()) this.fail(field, `count ${n} exceeds the ${this.remaining()} bytes left`);
    return n;
  }

  /** Length-prefixed bytes: a copy, or a view when the reader owns its buffer. */
  bytes(field: string, bytesMax = Infinity): Uint8Array {
    const n = this.varuint(field);
    if (n > bytesMax) this.fail(field, `length ${n} exceeds the limit ${bytesMax}`);
    if (n > this.remaining()) this.fail(field, `length ${n} exceeds the ${this.remaining()} bytes left`);
    const out = this.views ? this.buf.subarray(this.pos, this.pos + n) : copyBytes(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  expectEnd(): void {
    if (this.pos !== this.buf.length) this.fail('end', `${this.buf.length - this.pos} trailing bytes`);
  }
}
