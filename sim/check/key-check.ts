// The verdict for one key. Linearizable histories are the common case and the depth-first search in
// history order finds a linearization in a few dozen steps per op, so that comes first, on a small budget. If it
// neither succeeds nor fails, short windows are scanned for a local violation (cheap to prove), and
// only then does the full search get the rest of the budget.
import type { Operation } from './history-types.ts';
import { wholeKeyOps } from './key-ops.ts';
import { searchLinearization, type SearchVerdict } from './linearization-search.ts';
import { buildSearchProblem } from './search-problem.ts';
import { type KnownFailure, scanForFailingWindow } from './window-scan.ts';

/** Budget of the first full search, per op of the key (plus quickStepsBase). */
export const quickStepsPerOp = 100;
export const quickStepsBase = 10_000;

export interface KeyCheck {
  readonly verdict: SearchVerdict;
  readonly steps: number;
  /** When not linearizable: a failing window (the whole history, or a scanned window). */
  readonly failure?: KnownFailure;
}

export function checkKey(keyOps: readonly Operation[], initialState: number, stepsMax: number): KeyCheck {
  const problem = buildSearchProblem(wholeKeyOps(keyOps), initialState);
  const whole = (outcome: ReturnType<typeof searchLinearization>, steps: number): KeyCheck => ({
    verdict: outcome.verdict,
    steps,
    failure: outcome.verdict === 'not-linearizable' ? { from: -1, to: Infinity, initialState, problem, outcome } : undefined,
  });
  const quick = searchLinearization(problem, Math.min(stepsMax, quickStepsBase + quickStepsPerOp * keyOps.length), 'history');
  if (quick.verdict !== 'unknown') return whole(quick, quick.steps);
  let steps = quick.steps;
  // Half of what is left at most, so that the full search keeps a fair chance.
  const scan = scanForFailingWindow(keyOps, initialState, Math.floor((stepsMax - steps) / 2));
  steps += scan.steps;
  if (scan.failure) return { verdict: 'not-linearizable', steps, failure: scan.failure };
  const full = searchLinearization(problem, stepsMax - steps);
  return whole(full, steps + full.steps);
}
