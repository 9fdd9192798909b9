// Looks for a violation in short windows of a key's history, each checked from ANY starting value
// (see windowKeyOps for why a failing window proves the whole history fails). A full search must
// exhaust every configuration up to the violation before it can say "not linearizable", which on a
// hot key with many concurrent clients is far more work than finding a window that fails locally.
// Small windows first (cheap, and most violations are local), then larger ones for the rest.
import type { Operation } from './history-types.ts';
import { windowKeyOps } from './key-ops.ts';
import { searchLinearization, type SearchOutcome } from './linearization-search.ts';
import { ANY, buildSearchProblem, type SearchProblem } from './search-problem.ts';

/**
 * Scan passes: ops per window (consecutive windows overlap by half, so a violation within half a window
 * is inside one), and the steps one window may take before the scan moves on (a window that runs out
 * proves nothing either way).
 */
export const scanPasses: ReadonlyArray<{ readonly windowOps: number; readonly windowStepsMax: number }> = [
  { windowOps: 16, windowStepsMax: 60_000 },
  { windowOps: 40, windowStepsMax: 250_000 },
];

/** A window that does not linearize: ops between history positions from..to, starting in initialState. */
export interface KnownFailure {
  readonly from: number;
  readonly to: number;
  readonly initialState: number;
  readonly problem: SearchProblem;
  /** The not-linearizable outcome of searching `problem`. */
  readonly outcome: SearchOutcome;
}

export interface ScanResult {
  readonly failure?: KnownFailure;
  readonly steps: number;
}

/** `keyOps` in invoke order. The first window starts with the key's `initialState`, the others with ANY. */
export function scanForFailingWindow(keyOps: readonly Operation[], initialState: number, stepsMax: number): ScanResult {
  let steps = 0;
  for (const pass of scanPasses) {
    if (pass.windowOps >= keyOps.length && pass !== scanPasses[0]) break; // the previous pass saw it whole
    const scanned = scanPass(keyOps, initialState, pass.windowOps, pass.windowStepsMax, stepsMax - steps);
    steps += scanned.steps;
    if (scanned.failure || steps >= stepsMax) return { failure: scanned.failure, steps };
  }
  return { steps };
}

function scanPass(keyOps: readonly Operation[], initialState: number, windowOps: number, windowStepsMax: number, stepsMax: number): ScanResult {
  const stride = Math.max(1, windowOps >> 1);
  let steps = 0;
  for (let first = 0; first < keyOps.length && steps < stepsMax; first += stride) {
    const from = first === 0 ? -1 : keyOps[first].invokeIndex;
    const last = first + windowOps;
    const to = last < keyOps.length ? keyOps[last].invokeIndex : Infinity;
    const initial = first === 0 ? initialState : ANY;
    const problem = buildSearchProblem(windowKeyOps(keyOps, from, to), initial);
    const outcome = searchLinearization(problem, Math.min(windowStepsMax, stepsMax - steps));
    steps += outcome.steps;
    if (outcome.verdict === 'not-linearizable') return { failure: { from, to, initialState: initial, problem, outcome }, steps };
    if (last >= keyOps.length) break;
  }
  return { steps };
}
