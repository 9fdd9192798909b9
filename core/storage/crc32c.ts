// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of WAL records and snapshot
// files. Slicing-by-8: eight 256-entry tables let the inner loop consume 8 bytes per step, which is
// several times faster than the classic byte-at-a-time loop on the large records the WAL checks at
// recovery. Pure and browser-safe (Uint32Array only).

const polynomialReversed = 0x82f63b78;
const sliceCount = 8;

const tables = buildTables();

function buildTables(): Uint32Array {
  // tables[k * 256 + b] is the CRC contribution of byte b followed by k zero bytes.
  const t = new Uint32Array(sliceCount * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ polynomialReversed : c >>> 1;
    t[b] = c >>> 0;
  }
  for (let b = 0; b < 256; b++) {
    for (let k = 1; k < sliceCount; k++) {
      const previous = t[(k - 1) * 256 + b];
      t[k * 256 + b] = (t[previous & 0xff] ^ (previous >>> 8)) >>> 0;
    }
  }
  return t;
}

/**
 * CRC-32C of `data[start, end)`. Pass a previous result as `crc` to continue a running checksum
 * over several pieces: crc32c(b, 0, b.length, crc32c(a)) equals the CRC of a followed by b.
 */
export function crc32c(data: Uint8Array, start = 0, end = data.length, crc = 0): number {
  const t = tables;
  let c = ~crc >>> 0;
  let i = start;
  const blockEnd = start + ((end - start) & ~7);
  while (i < blockEnd) {
    const lo = (c ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24))) >>> 0;
    c =
      t[1792 + (lo & 0xff)] ^
      t[1536 + ((lo >>> 8) & 0xff)] ^
      t[1280 + ((lo >>> 16) & 0xff)] ^
      t[1024 + (lo >>> 24)] ^
      t[768 + data[i + 4]] ^
      t[512 + data[i + 5]] ^
      t[256 + data[i + 6]] ^
      t[data[i + 7]];
    i += 8;
  }
  while (i < end) c = t[(c ^ data[i++]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
