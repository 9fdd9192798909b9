// Shrinks a key's violation to a small window of operations that is not linearizable on its own, so a
// reader (or the timeline) can look at a handful of ops instead of thousands.
//
// Start from a window known to fail (the whole history, or one found by the scan). Its search stopped
// at one op's completion (`to`): no window ending earlier fails, so that is the end. The start is found
// by binary search over invoke positions, checking each cut from ANY starting value (windowKeyOps
// explains why a failing cut proves the whole history fails, and why failing is monotone in the
// start). Then reads not needed for the contradiction are dropped one by one (dropping a read only
// relaxes a history, so the smaller window still proves the violation).
import { assert } from '../core/types.ts';
import type { Operation } from './history-types.ts';
import { windowKeyOps } from './key-ops.ts';
import { searchLinearization, type SearchVerdict } from './linearization-search.ts';
import { withoutUnobservedWrites } from './observed-writes.ts';
import { ANY, buildSearchProblem, type SearchOp, stateValue } from './search-problem.ts';
import type { KnownFailure } from './window-scan.ts';

/** Windows larger than this keep all their reads: trying each one would cost a search per read. */
export const readDropWindowOpsMax = 64;

export interface FailureWindow {
  /** The op whose completion no linearization of the window gets past. */
  readonly stuck: Operation;
  /** Values the key could hold at that completion (null: absent); undefined when any value was possible. */
  readonly possibleValues: (string | null)[] | undefined;
  readonly ops: readonly SearchOp[];
  /** True: fails from any starting value. False: given the key's initial value. */
  readonly fromAnyValue: boolean;
  readonly steps: number;
}

export function smallestFailingWindow(keyOps: readonly Operation[], known: KnownFailure, stepsMax: number): FailureWindow {
  const { problem, outcome } = known;
  assert(outcome.verdict === 'not-linearizable' && outcome.frontierOp >= 0, 'a known failure has a frontier op');
  // A write that had to happen before its first observer completed is stuck there: report the observer.
  const frontier = problem.ops[outcome.frontierOp];
  const stuck = frontier.deadline ?? frontier.source;
  let to = stuck.completeIndex as number;
  const possibleValues = outcome.frontierStates.includes(ANY) ? undefined : outcome.frontierStates.map((s) => stateValue(problem, s));
  let steps = 0;
  const verdict = (ops: readonly SearchOp[], initial: number): SearchVerdict => {
    if (steps >= stepsMax) return 'unknown';
    const result = searchLinearization(buildSearchProblem(ops, initial), stepsMax - steps);
    steps += result.steps;
    return result.verdict;
  };
  const fails = (ops: readonly SearchOp[], initial: number): boolean => verdict(ops, initial) === 'not-linearizable';
  let fromAnyValue = known.initialState === ANY;
  let ops: readonly SearchOp[] = windowKeyOps(keyOps, known.from, to);
  // The known window cut at `to` fails (nothing got past it); checked, since the report relies on it.
  let cut = verdict(ops, known.initialState);
  if (cut === 'linearizable') {
    // With sessions the search can stall at an op whose session predecessor is bound to happen by a
    // later observer (a write whose value was read after `to`): the cut at `to` loses that, so the
    // known window is kept whole.
    assert(keyOps.some((op) => op.session !== undefined), () => `the window ${known.from}..${to} linearizes although the search got stuck at ${to}`);
    to = known.to;
    ops = windowKeyOps(keyOps, known.from, to);
    cut = 'not-linearizable';
  }
  const starts = keyOps.filter((op) => op.invokeIndex >= known.from && op.invokeIndex <= to).map((op) => op.invokeIndex);
  if (cut === 'not-linearizable' && starts.length > 0 && (fromAnyValue || fails(windowKeyOps(keyOps, starts[0], to), ANY))) {
    // Invariant: the cut at starts[low] fails; cuts at starts[high] and later were not shown to fail.
    let low = 0;
    let high = starts.length;
    while (high - low > 1) {
      const middle = (low + high) >> 1;
      if (fails(windowKeyOps(keyOps, starts[middle], to), ANY)) low = middle;
      else high = middle;
    }
    fromAnyValue = true;
    ops = dropNeedlessReads(withoutUnobservedWrites(windowKeyOps(keyOps, starts[low], to)), ANY, fails);
  }
  // Report only what matters: optional writes that nobody in the window observes are left out.
  return { stuck, possibleValues, ops: withoutUnobservedWrites(ops), fromAnyValue, steps };
}

function dropNeedlessReads(
  window: readonly SearchOp[],
  initial: number,
  fails: (ops: readonly SearchOp[], initial: number) => boolean,
): readonly SearchOp[] {
  if (window.length > readDropWindowOpsMax) return window;
  let kept = window;
  for (const candidate of window) {
    if (candidate.source.call.f !== 'get' && candidate.source.call.f !== 'ttl' && !candidate.source.refused) continue; // reads and refused cas only observe
    const without = kept.filter((op) => op !== candidate);
    if (fails(without, initial)) kept = without;
  }
  return kept;
}
