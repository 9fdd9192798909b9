import { describe, expect, it } from 'vitest';
import { crc32c } from '../../core/storage/crc32c.ts';
import { createRandom } from '../../sim/random.ts';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The textbook bit-at-a-time definition, as an independent reference. */
function reference(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  // Check values from RFC 3720 (iSCSI), appendix B.4, and the common "123456789" check.
  it.each([
    ['empty', new Uint8Array(0), 0x00000000],
    ['"123456789"', ascii('123456789'), 0xe3069283],
    ['32 zero bytes', new Uint8Array(32), 0x8a9136aa],
    ['32 bytes of 0xff', new Uint8Array(32).fill(0xff), 0x62a8ab43],
    ['32 ascending bytes', Uint8Array.from({ length: 32 }, (_, i) => i), 0x46dd794e],
    ['32 descending bytes', Uint8Array.from({ length: 32 }, (_, i) => 31 - i), 0x113fdb5c],
  ])('%s', (_name, data, expected) => {
    expect(crc32c(data)).toBe(expected);
  });

  it('matches the bit-at-a-time reference on random data of every length 0..200 and every alignment (seed 5)', () => {
    const random = createRandom(5);
    const buffer = Uint8Array.from({ length: 220 }, () => random.int(0, 255));
    for (let length = 0; length <= 200; length++) {
      const start = length % 8;
      const slice = buffer.subarray(start, start + length);
      expect(crc32c(buffer, start, start + length), `length ${length}`).toBe(reference(slice));
    }
  });

  it('continues a running checksum across pieces', () => {
    const data = ascii('the quick brown fox jumps over the lazy dog');
    const whole = crc32c(data);
    for (let cut = 0; cut <= data.length; cut += 7) {
      expect(crc32c(data, cut, data.length, crc32c(data, 0, cut))).toBe(whole);
    }
  });
});
