// Redis Cluster's key → slot function, so every cluster-aware client computes the same slot as kvlab:
// slot = CRC16(key) mod 16384, where CRC16 is the XMODEM variant (polynomial 0x1021, initial value 0,
// no reflection) and only the hash tag is hashed when the key has one. Keys are byte strings held as
// latin1 chars (one char per byte, see core/kv/bytes.ts), so the char code is the byte.

/** How many slots the key space is cut into (Redis Cluster's number). */
export const SLOT_COUNT = 16384;

export type Slot = number & { readonly __brand: 'Slot' };

const crcTable = buildCrcTable();

function buildCrcTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
}

/** CRC16-XMODEM of the chars `start` (inclusive) to `end` (exclusive) of a latin1 byte string. */
export function crc16(key: string, start = 0, end = key.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ crcTable[((crc >> 8) ^ key.charCodeAt(i)) & 0xff];
  return crc;
}

/**
 * The part of `key` that decides its slot, as [start, end): the hash tag — the bytes between the first
 * `{` and the first `}` after it — when that is not empty, else the whole key. So `{user1}.a` and
 * `{user1}.b` share a slot, while `{}x` and `x{` hash whole, exactly as Redis Cluster defines it.
 */
export function hashTagRange(key: string): readonly [number, number] {
  const open = key.indexOf('{');
  if (open < 0) return [0, key.length];
  const close = key.indexOf('}', open + 1);
  if (close < 0 || close === open + 1) return [0, key.length];
  return [open + 1, close];
}

/** The slot of a key (a latin1 byte string). */
export function keySlot(key: string): Slot {
  const [start, end] = hashTagRange(key);
  return (crc16(key, start, end) & (SLOT_COUNT - 1)) as Slot;
}

export function isSlot(value: number): value is Slot {
  return Number.isInteger(value) && value >= 0 && value < SLOT_COUNT;
}
