// The verdict for one key. Linearizable histories are the common case, and the depth-first search in
// history order finds a linearization in a few dozen steps per op, so that comes first, on a small
// budget. If it neither succeeds nor fails, short windows are checked for a local violation (cheap to
// prove), starting where that search got stuck; only then does the full search get the rest.
import type { Operation } from './history-types.ts';
import { wholeKeyOps } from './key-ops.ts';
import { type SearchOutcome, searchLinearization, type SearchVerdict } from './linearization-search.ts';
import { buildSearchProblem, type SearchProblem } from './search-problem.ts';
import { type KnownFailure, scanForFailingWindow } from './window-scan.ts';

/** Budget of the first full search, per op of the key (plus quickStepsBase). */
export const quickStepsPerOp = 40;
export const quickStepsBase = 10_000;

export interface KeyCheck {
  readonly verdict: SearchVerdict;
  readonly steps: number;
  /** When not linearizable: a failing window (the whole history, or a scanned window). */
  readonly failure?: KnownFailure;
}

export function checkKey(keyOps: readonly Operation[], initialState: number, stepsMax: number): KeyCheck {
  const problem = buildSearchProblem(wholeKeyOps(keyOps), initialState);
  const whole = (outcome: SearchOutcome, steps: number): KeyCheck => ({
    verdict: outcome.verdict,
    steps,
    failure: outcome.verdict === 'not-linearizable' ? { from: -1, to: Infinity, initialState, problem, outcome } : undefined,
  });
  const quick = searchLinearization(problem, Math.min(stepsMax, quickStepsBase + quickStepsPerOp * keyOps.length), 'history');
  if (quick.verdict !== 'unknown') return whole(quick, quick.steps);
  let steps = quick.steps;
  // Half of what is left at most, so that the full search keeps a fair chance.
  const scan = scanForFailingWindow(keyOps, initialState, Math.floor((stepsMax - steps) / 2), stuckAt(keyOps, problem, quick));
  steps += scan.steps;
  if (scan.failure) return { verdict: 'not-linearizable', steps, failure: scan.failure };
  const full = searchLinearization(problem, stepsMax - steps);
  return whole(full, steps + full.steps);
}

/** Index in keyOps of the op the search got stuck at (-1 if it never backtracked). */
function stuckAt(keyOps: readonly Operation[], problem: SearchProblem, outcome: SearchOutcome): number {
  if (outcome.frontierOp < 0) return -1;
  const frontier = problem.ops[outcome.frontierOp];
  const index = (frontier.deadline ?? frontier.source).invokeIndex;
  let low = 0;
  let high = keyOps.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (keyOps[middle].invokeIndex < index) low = middle + 1;
    else high = middle;
  }
  return low;
}
