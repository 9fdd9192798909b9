// Byte-level building blocks shared by the KV codecs (commands, results, snapshots, engine records).
// Keys and values are byte strings: JS strings whose chars are 0..255. They are written as one byte
// per char (latin1), never as UTF-8 of UTF-16, so any bytes from RESP or HTTP round-trip exactly.
// Numbers are LEB128 varints; signed bigints are zigzag varints.
import { copyBytes } from '../codec/slab.ts';
import { KvlabError } from '../types.ts';

const varintBytesMax = 8; // 8 * 7 = 56 bits >= the 53 bits of a safe integer
const bigVarintBytesMax = 10; // 10 * 7 = 70 bits >= 64 bits
const int64Min = -(1n << 63n);
const int64Max = (1n << 63n) - 1n;
/** String.fromCharCode is called on slices of this many bytes (engines cap argument counts). */
const charCodeChunk = 8192;
/** Up to this length, ByteReader builds byte strings char by char. */
const shortStringBytesMax = 24;

/** Throws a KvlabError with `code`, naming the field and what is wrong with it. */
export type FailFn = (field: string, reason: string) => never;

export function failWith(code: string, what: string): FailFn {
  return (field, reason) => {
    throw new KvlabError(code, `${what} ${field}: ${reason}`);
  };
}

/** Index of the first char above 255, or -1 if `s` is a byte string. */
export function firstNonByteChar(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 255) return i;
  return -1;
}

/** Latin1 bytes of a byte string; `fail` names the field if a char is above 255. */
export function byteStringToBytes(s: string, field = 'string', fail: FailFn = failWith('notByteString', 'value')): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) fail(field, `char ${c} at position ${i} is above 255 (keys and values are byte strings)`);
    out[i] = c;
  }
  return out;
}

export function bytesToByteString(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += charCodeChunk) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + charCodeChunk) as unknown as number[]);
  }
  return s;
}

const hexDigits = '0123456789abcdef';

export function byteStringToHex(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += hexDigits[c >> 4] + hexDigits[c & 15];
  }
  return out;
}

/** Inverse of byteStringToHex; undefined if `hex` is not lowercase hex of even length. */
export function hexToByteString(hex: string): string | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex)) return undefined;
  let out = '';
  for (let i = 0; i < hex.length; i += 2) out += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return out;
}

/** A growable output buffer. Writes are deterministic: the same calls give the same bytes. */
export class ByteWriter {
  private buffer: Uint8Array;
  private length = 0;

  constructor(private readonly fail: FailFn, capacityInitial = 64) {
    this.buffer = new Uint8Array(capacityInitial);
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buffer[this.length++] = b;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  /** Unsigned safe integer as a varint. */
  uint(n: number, field: string): void {
    if (!Number.isSafeInteger(n) || n < 0) this.fail(field, `${n} is not a non-negative safe integer`);
    this.reserve(varintBytesMax);
    while (n >= 0x80) {
      this.buffer[this.length++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buffer[this.length++] = n;
  }

  /** Signed 64-bit integer as a zigzag varint. */
  int64(n: bigint, field: string): void {
    if (n < int64Min || n > int64Max) this.fail(field, `${n} is outside the int64 range`);
    let z = n >= 0n ? n << 1n : ((-n) << 1n) - 1n;
    this.reserve(bigVarintBytesMax);
    while (z >= 0x80n) {
      this.buffer[this.length++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    this.buffer[this.length++] = Number(z);
  }

  /** A byte string, length-prefixed. */
  byteString(s: string, field: string): void {
    this.uint(s.length, field);
    this.reserve(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 255) this.fail(field, `char ${c} at position ${i} is above 255 (keys and values are byte strings)`);
      this.buffer[this.length++] = c;
    }
  }

  /** Any JS string as length-prefixed UTF-8 (for messages, not for keys or values). */
  text(s: string, field: string): void {
    const encoded = new TextEncoder().encode(s);
    this.uint(encoded.length, field);
    this.bytes(encoded);
  }

  u32(n: number): void {
    this.reserve(4);
    new DataView(this.buffer.buffer, this.buffer.byteOffset).setUint32(this.length, n >>> 0, true);
    this.length += 4;
  }

  get size(): number {
    return this.length;
  }

  /** Empties the writer, keeping its buffer, so a hot encoder can reuse one writer. */
  reset(): void {
    this.length = 0;
  }

  /** The bytes written so far (a copy, so the writer may be reused). */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  /**
   * finish() into a view of a shared slab (core/codec/slab.ts): cheaper for the small arrays made per
   * request, but the result must be used through byteOffset/byteLength, never `.buffer` alone.
   */
  finishView(): Uint8Array {
    return copyBytes(this.buffer.subarray(0, this.length));
  }
}

/** Reads what ByteWriter wrote, failing (through `fail`) on anything truncated or non-canonical. */
export class ByteReader {
  private offset = 0;

  constructor(private readonly data: Uint8Array, readonly fail: FailFn, start = 0, private readonly end = data.length) {
    this.offset = start;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  get position(): number {
    return this.offset;
  }

  byte(field: string): number {
    if (this.offset >= this.end) this.fail(field, 'truncated');
    return this.data[this.offset++];
  }

  bytes(length: number, field: string): Uint8Array {
    if (length > this.remaining) this.fail(field, `length ${length} exceeds the ${this.remaining} bytes left`);
    const out = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  uint(field: string): number {
    let n = 0;
    let scale = 1;
    for (let i = 0; i < varintBytesMax; i++) {
      const b = this.byte(field);
      n += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (b === 0 && i > 0) this.fail(field, 'non-canonical varint');
        if (!Number.isSafeInteger(n)) this.fail(field, 'varint exceeds the safe integer range');
        return n;
      }
      scale *= 0x80;
    }
    return this.fail(field, 'varint too long');
  }

  int64(field: string): bigint {
    let z = 0n;
    for (let i = 0; i < bigVarintBytesMax; i++) {
      const b = this.byte(field);
      z |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) {
        if (b === 0 && i > 0) this.fail(field, 'non-canonical varint');
        const n = (z & 1n) === 0n ? z >> 1n : -((z + 1n) >> 1n);
        if (n < int64Min || n > int64Max) this.fail(field, 'outside the int64 range');
        return n;
      }
    }
    return this.fail(field, 'varint too long');
  }

  /** A length-prefixed byte string of at most `lengthMax` bytes. */
  byteString(field: string, lengthMax: number): string {
    const length = this.uint(field);
    if (length > lengthMax) this.fail(field, `length ${length} exceeds the limit ${lengthMax}`);
    if (length > shortStringBytesMax) return bytesToByteString(this.bytes(length, field));
    if (length > this.remaining) this.fail(field, `length ${length} exceeds the ${this.remaining} bytes left`);
    // Short strings (most keys) are cheaper to build char by char than through a subarray view.
    let s = '';
    for (let i = 0; i < length; i++) s += String.fromCharCode(this.data[this.offset + i]);
    this.offset += length;
    return s;
  }

  text(field: string, lengthMax: number): string {
    const length = this.uint(field);
    if (length > lengthMax) this.fail(field, `length ${length} exceeds the limit ${lengthMax}`);
    const raw = this.bytes(length, field);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      return this.fail(field, 'not valid UTF-8');
    }
  }

  u32(field: string): number {
    if (this.remaining < 4) this.fail(field, 'truncated');
    const n = new DataView(this.data.buffer, this.data.byteOffset).getUint32(this.offset, true);
    this.offset += 4;
    return n;
  }

  /** Fails unless every byte was consumed. */
  expectEnd(field: string): void {
    if (this.remaining !== 0) this.fail(field, `${this.remaining} unexpected trailing bytes`);
  }
}
