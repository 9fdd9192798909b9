// CRC-32C (Castagnoli), the checksum of KV snapshots and engine records. Table-driven, pure.

const polynomialReversed = 0x82f63b78;

const table = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ polynomialReversed : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32C of `data[start, end)`, continuing from `crc` (0 to start). */
export function crc32c(data: Uint8Array, start = 0, end = data.length, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = start; i < end; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
