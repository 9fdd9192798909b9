import { describe, expect, it } from 'vitest';
import { AssertionFailure } from '../../core/types.ts';
import { createRandom, deriveSeed } from '../../sim/random.ts';

const draw = (r: { next(): number }, n: number): number[] => Array.from({ length: n }, () => r.next());

describe('SimRandom', () => {
  it('the same seed gives the same sequence; another seed another one', () => {
    expect(draw(createRandom(42), 5)).toEqual(draw(createRandom(42), 5));
    expect(draw(createRandom(42), 5)).not.toEqual(draw(createRandom(43), 5));
  });

  it('a child depends only on the parent seed and its name, not on the parent position', () => {
    const fresh = createRandom(1);
    const used = createRandom(1);
    draw(used, 100);
    used.child('other').next();
    expect(draw(used.child('net/loss'), 10)).toEqual(draw(fresh.child('net/loss'), 10));
    expect(draw(fresh.child('net/loss'), 10)).not.toEqual(draw(fresh.child('net/latency'), 10));
    expect(draw(fresh.child('a').child('b'), 3)).not.toEqual(draw(fresh.child('b').child('a'), 3));
  });

  it('derives stable child seeds (pinned, so a change of hash is noticed)', () => {
    expect(deriveSeed('kvlab:1', 'net/latency')).toBe('2fd2e2b99df7ecce');
    expect(createRandom(1).child('net/latency').seed).toBe('2fd2e2b99df7ecce');
  });

  it('int stays within inclusive bounds and hits both ends; pick covers every item', () => {
    const r = createRandom(5);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.int(-2, 2);
      expect(v >= -2 && v <= 2 && Number.isInteger(v), `seed 5 value ${v}`).toBe(true);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([-1, -2, 0, 1, 2]);
    const picked = new Set(Array.from({ length: 200 }, () => r.pick(['a', 'b', 'c'])));
    expect(picked.size).toBe(3);
    expect(() => r.int(3, 1)).toThrow(AssertionFailure);
    expect(() => r.pick([])).toThrow(AssertionFailure);
  });

  it('chance(p) hits at rate p within 1% over 50,000 draws (seed 9), and never at 0, always at 1', () => {
    const r = createRandom(9);
    let hits = 0;
    for (let i = 0; i < 50_000; i++) if (r.chance(0.3)) hits++;
    expect(Math.abs(hits / 50_000 - 0.3), 'seed 9').toBeLessThan(0.01);
    expect(Array.from({ length: 100 }, () => r.chance(0)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 100 }, () => r.chance(1)).every(Boolean)).toBe(true);
  });
});
