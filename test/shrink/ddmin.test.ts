import { describe, expect, it } from 'vitest';
import { ddmin } from '../../sim/shrink/ddmin.ts';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('ddmin', () => {
  it('finds the two items that together cause the failure', () => {
    const tried: number[][] = [];
    const result = ddmin(range(16), (c) => {
      tried.push([...c]);
      return c.includes(3) && c.includes(11);
    });
    expect(result).toEqual([3, 11]);
    expect(tried.length).toBeLessThan(60);
  });

  it('returns the empty list when nothing is needed, after one try', () => {
    let calls = 0;
    expect(
      ddmin(range(10), () => {
        calls++;
        return true;
      }),
    ).toEqual([]);
    expect(calls).toBe(1);
  });

  it('keeps everything when every item is needed', () => {
    expect(ddmin(range(6), (c) => c.length === 6)).toEqual(range(6));
  });

  it('stops shrinking once the predicate says no more (a spent budget)', () => {
    let budget = 3;
    const result = ddmin(range(32), (c) => budget-- > 0 && c.includes(7));
    expect(result).toContain(7);
    expect(result.length).toBeLessThan(32);
    expect(budget).toBeLessThanOrEqual(0);
  });

  it('finds a single culprit among many', () => {
    expect(ddmin(range(100), (c) => c.includes(42))).toEqual([42]);
  });
});
