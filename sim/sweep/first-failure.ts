// The smallest failing seed of a range: a sweep that stops at the first failure it sees, then runs the
// smaller seeds that were still in flight when it stopped (parallel workers finish out of order).
import type { Scenario } from '../scenario/schema.ts';
import type { SeedRange } from './seed-range.ts';
import { sweep } from './sweep.ts';
import type { SeedOutcome, SweepOptions } from './sweep-types.ts';

export interface FirstFailure {
  /** The failing outcome of the smallest failing seed; undefined when every seed passed. */
  readonly failure: SeedOutcome | undefined;
  readonly seedsRun: number;
  readonly wallMs: number;
}

/** Rounds of catching up on smaller seeds; each round runs at most `workers` seeds, so one is the norm. */
const catchUpRoundsMax = 100;

export async function firstFailingSeed(scenario: Scenario, range: SeedRange, options: Omit<SweepOptions, 'stopOnFailure'> = {}): Promise<FirstFailure> {
  const first = await sweep(scenario, range, { ...options, stopOnFailure: true });
  const ran = new Set(first.outcomes.map((o) => o.seed));
  let failure = smallestFailure(first.outcomes);
  let wallMs = first.wallMs;
  for (let round = 0; failure && round < catchUpRoundsMax; round++) {
    const missing: number[] = [];
    for (let seed = range.first; seed < failure.seed; seed++) if (!ran.has(seed)) missing.push(seed);
    if (missing.length === 0) break;
    const more = await sweep(scenario, missing, { ...options, stopOnFailure: true });
    for (const o of more.outcomes) ran.add(o.seed);
    wallMs += more.wallMs;
    failure = smallestFailure([failure, ...more.outcomes]);
  }
  return { failure, seedsRun: ran.size, wallMs };
}

function smallestFailure(outcomes: readonly SeedOutcome[]): SeedOutcome | undefined {
  return outcomes.filter((o) => o.verdict === 'fail').reduce<SeedOutcome | undefined>((best, o) => (!best || o.seed < best.seed ? o : best), undefined);
}
