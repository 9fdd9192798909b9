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

/** Windows ending at the stuck op's completion, of 2, 4, 8 ... up to this many ops before it. */
export const probeWindowOpsMax = 256;
export const probeWindowStepsMax = 50_000;

/**
 * `keyOps` in invoke order. The first window starts with the key's `initialState`, the others with ANY.
 * `stuck`: index in keyOps of the op at whose completion a full search got stuck, or -1. The
 * violation is most likely right there, so windows ending at its completion are tried first, and
 * then each scan pass starts near it and wraps around.
 */
export function scanForFailingWindow(keyOps: readonly Operation[], initialState: number, stepsMax: number, stuck = -1): ScanResult {
  let steps = 0;
  if (stuck >= 0 && keyOps[stuck].outcome === 'ok') {
    const probed = probeBeforeStuck(keyOps, initialState, stepsMax, stuck);
    steps += probed.steps;
    if (probed.failure || steps >= stepsMax) return { failure: probed.failure, steps };
  }
  for (const pass of scanPasses) {
    if (pass.windowOps >= keyOps.length && pass !== scanPasses[0]) break; // the previous pass saw it whole
    const scanned = scanPass(keyOps, initialState, pass.windowOps, pass.windowStepsMax, stepsMax - steps, Math.max(0, stuck));
    steps += scanned.steps;
    if (scanned.failure || steps >= stepsMax) return { failure: scanned.failure, steps };
  }
  return { steps };
}

function probeBeforeStuck(keyOps: readonly Operation[], initialState: number, stepsMax: number, stuck: number): ScanResult {
  const to = keyOps[stuck].completeIndex as number;
  let steps = 0;
  for (let size = 2; size <= probeWindowOpsMax && steps < stepsMax; size *= 2) {
    const first = Math.max(0, stuck - size);
    const failure = checkWindow(keyOps, first, to, initialState, Math.min(probeWindowStepsMax, stepsMax - steps));
    steps += failure.steps;
    if (failure.failure || first === 0) return { failure: failure.failure, steps };
  }
  return { steps };
}

function scanPass(keyOps: readonly Operation[], initialState: number, windowOps: number, windowStepsMax: number, stepsMax: number, hint: number): ScanResult {
  const stride = Math.max(1, windowOps >> 1);
  const windows = Math.max(1, Math.ceil((keyOps.length - windowOps) / stride) + 1);
  // First the window with the hint a quarter in: the op there needs room for its completion.
  const startWindow = Math.min(windows - 1, Math.max(0, Math.floor((hint - (windowOps >> 2)) / stride)));
  let steps = 0;
  for (let k = 0; k < windows && steps < stepsMax; k++) {
    const first = ((startWindow + k) % windows) * stride;
    const last = first + windowOps;
    const to = last < keyOps.length ? keyOps[last].invokeIndex : Infinity;
    const checked = checkWindow(keyOps, first, to, initialState, Math.min(windowStepsMax, stepsMax - steps));
    steps += checked.steps;
    if (checked.failure) return checked;
  }
  return { steps };
}

/** The window from keyOps[first]'s invoke to position `to`; from the key's initial state if it starts the history. */
function checkWindow(keyOps: readonly Operation[], first: number, to: number, initialState: number, stepsMax: number): ScanResult {
  const from = first === 0 ? -1 : keyOps[first].invokeIndex;
  const initial = first === 0 ? initialState : ANY;
  const problem = buildSearchProblem(windowKeyOps(keyOps, from, to), initial);
  const outcome = searchLinearization(problem, stepsMax);
  if (outcome.verdict !== 'not-linearizable') return { steps: outcome.steps };
  return { failure: { from, to, initialState: initial, problem, outcome }, steps: outcome.steps };
}
