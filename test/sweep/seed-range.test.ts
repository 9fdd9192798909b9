import { describe, expect, it } from 'vitest';
import { KvlabError } from '../../core/types.ts';
import { formatSeedRange, parseSeedRange, seedCount, sweepSeedsMax } from '../../sim/sweep/seed-range.ts';

describe('parseSeedRange', () => {
  it.each([
    ['1..200', 1, 200],
    ['0..0', 0, 0],
    ['7', 7, 7],
    [' 5..9 ', 5, 9],
  ])('%s is seeds %i to %i', (text, first, last) => {
    expect(parseSeedRange(text)).toEqual({ first, last });
  });

  it.each([
    ['5..2', 'the range is empty: 5 > 2'],
    ['1-10', 'not a seed range'],
    ['a..b', 'not a seed range'],
    ['1..', 'not a seed range'],
    ['-1..3', 'not a seed range'],
    ['1.5..3', 'not a seed range'],
    ['', 'not a seed range'],
    ['1..99999999999999999999', 'a seed is too large'],
    [`0..${sweepSeedsMax}`, `more than ${sweepSeedsMax} seeds`],
  ])('rejects %j: %s', (text, why) => {
    let error: unknown;
    try {
      parseSeedRange(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KvlabError);
    expect((error as Error).message).toContain(why);
    expect((error as Error).message).toContain('--seeds');
    expect((error as Error).message).toContain('expected A..B');
  });

  it('counts and formats', () => {
    expect(seedCount({ first: 3, last: 7 })).toBe(5);
    expect(formatSeedRange({ first: 3, last: 7 })).toBe('3..7');
    expect(formatSeedRange({ first: 4, last: 4 })).toBe('4');
  });
});
