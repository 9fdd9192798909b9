// Shrinks a key's violation to a small window of operations that is not linearizable on its own, so a
// reader (or the timeline) can look at a handful of ops instead of thousands.
//
// The window always ends at the completion the search could not get past (`to`): no shorter prefix
// fails. Its start is found by binary search over invoke positions, checking each cut from ANY starting
// value (windowKeyOps explains why a failing cut proves the whole history fails, and why failing is
// monotone in the start). Then reads that are not needed for the contradiction are dropped one by one
// (dropping a read only relaxes a history, so the smaller window still proves the violation).
import type { Operation } from './history-types.ts';
import { windowKeyOps, wholeKeyOps } from './key-ops.ts';
import { searchLinearization } from './linearization-search.ts';
import { ANY, buildSearchProblem, type SearchOp } from './search-problem.ts';

/** Windows larger than this keep all their reads: trying each one would cost a search per read. */
export const readDropWindowOpsMax = 64;

export interface FailureWindow {
  readonly ops: readonly SearchOp[];
  /** True: fails from any starting value. False: fails given the key's initial value. */
  readonly fromAnyValue: boolean;
  readonly steps: number;
}

/**
 * `keyOps`: the key's ops (operationsByKey); `to`: history index of the completion no linearization
 * passes; `initialState`: the key's initial value id in the whole-history check (ABSENT or ANY).
 */
export function smallestFailingWindow(keyOps: readonly Operation[], to: number, initialState: number, stepsMax: number): FailureWindow {
  let steps = 0;
  const fails = (ops: readonly SearchOp[], initial: number): boolean => {
    if (steps >= stepsMax) return false;
    const outcome = searchLinearization(buildSearchProblem(ops, initial), stepsMax - steps);
    steps += outcome.steps;
    return outcome.verdict === 'not-linearizable';
  };
  const prefix = windowKeyOps(keyOps, -1, to);
  // The whole history is known to fail; the prefix up to `to` should too, unless the budget ran out.
  if (!fails(prefix, initialState)) return { ops: wholeKeyOps(keyOps), fromAnyValue: initialState === ANY, steps };
  const starts = keyOps.filter((op) => op.invokeIndex <= to).map((op) => op.invokeIndex);
  let best: readonly SearchOp[] = prefix;
  let fromAnyValue = initialState === ANY;
  if (starts.length > 0 && (fromAnyValue || fails(windowKeyOps(keyOps, starts[0], to), ANY))) {
    // Invariant: the cut at starts[low] fails; cuts at starts[high] and later were not shown to fail.
    let low = 0;
    let high = starts.length;
    while (high - low > 1) {
      const middle = (low + high) >> 1;
      if (fails(windowKeyOps(keyOps, starts[middle], to), ANY)) low = middle;
      else high = middle;
    }
    best = windowKeyOps(keyOps, starts[low], to);
    fromAnyValue = true;
  }
  const initial = fromAnyValue ? ANY : initialState;
  return { ops: dropNeedlessReads(best, initial, fails), fromAnyValue, steps };
}

function dropNeedlessReads(
  window: readonly SearchOp[],
  initial: number,
  fails: (ops: readonly SearchOp[], initial: number) => boolean,
): readonly SearchOp[] {
  if (window.length > readDropWindowOpsMax) return window;
  let kept = window;
  for (const candidate of window) {
    if (candidate.source.call.f !== 'get') continue;
    const without = kept.filter((op) => op !== candidate);
    if (fails(without, initial)) kept = without;
  }
  return kept;
}
