// `--seeds A..B` (inclusive) or `--seeds N`: the seeds a sweep runs.
import { KvlabError } from '../../core/types.ts';

/** A sweep of more seeds than this is almost certainly a typo; split it into several sweeps. */
export const sweepSeedsMax = 10_000_000;

export interface SeedRange {
  readonly first: number;
  readonly last: number;
}

export function parseSeedRange(text: string, option = '--seeds'): SeedRange {
  const match = /^(\d+)(?:\.\.(\d+))?$/.exec(text.trim());
  const bad = (why: string) =>
    new KvlabError('invalid-seeds', `${option}: found ${JSON.stringify(text)}; ${why} (expected A..B, both ends included, e.g. 1..200, or one seed N)`);
  if (!match) return fail(bad('not a seed range'));
  const first = Number(match[1]);
  const last = match[2] === undefined ? first : Number(match[2]);
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last)) return fail(bad('a seed is too large'));
  if (first > last) return fail(bad(`the range is empty: ${first} > ${last}`));
  if (last - first + 1 > sweepSeedsMax) return fail(bad(`more than ${sweepSeedsMax} seeds`));
  return { first, last };
}

export function seedCount(range: SeedRange): number {
  return range.last - range.first + 1;
}

export function formatSeedRange(range: SeedRange): string {
  return range.first === range.last ? String(range.first) : `${range.first}..${range.last}`;
}

function fail(error: KvlabError): never {
  throw error;
}
