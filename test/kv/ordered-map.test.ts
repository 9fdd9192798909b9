// The skip list behind MemoryEngine against a plain sorted-array model, under seeded random operations.
import { describe, expect, it } from 'vitest';
import { OrderedMap } from '../../core/kv/ordered-map.ts';
import { byteString, intBelow, rng } from './random-commands.ts';

function lowerBoundAfter(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

describe('OrderedMap', () => {
  it('matches a sorted model under random set/delete/seek (6 seeds)', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const r = rng(`omap-${seed}`);
      const map = new OrderedMap<number>();
      const model = new Map<string, number>();
      for (let step = 0; step < 2000; step++) {
        const key = byteString(r, 3);
        const roll = r();
        if (roll < 0.55) {
          map.set(key, step);
          model.set(key, step);
        } else if (roll < 0.9) {
          if (map.delete(key) !== model.delete(key)) throw new Error(`seed omap-${seed} step ${step}: delete(${key}) disagrees`);
        } else {
          const sorted = [...model.keys()].sort();
          const after = r() < 0.1 ? null : key;
          const count = 1 + intBelow(r, 20);
          const start = after === null ? 0 : lowerBoundAfter(sorted, after);
          const expected = sorted.slice(start, start + count).map((k) => [k, model.get(k)]);
          expect(map.entriesAfter(after, count), `seed omap-${seed} step ${step}`).toEqual(expected);
          expect(map.size, `seed omap-${seed} step ${step}`).toBe(model.size);
        }
      }
      const sorted = [...model.keys()].sort();
      expect([...map.entries()].map(([k]) => k), `seed omap-${seed}`).toEqual(sorted);
      for (const k of sorted) expect(map.get(k)).toBe(model.get(k));
    }
  });

  it('orders keys by byte value (chars 0..255)', () => {
    const map = new OrderedMap<boolean>();
    for (const k of ['\u00ff', 'b', '', '\u0000', 'a\u0000', 'a']) map.set(k, true);
    expect([...map.entries()].map(([k]) => k)).toEqual(['', '\u0000', 'a', 'a\u0000', 'b', '\u00ff']);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.entriesAfter(null, 5)).toEqual([]);
  });
});
