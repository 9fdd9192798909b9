// Whether session order is what breaks a failing window, and which pair of operations of one session
// does. A window that linearizes once session order is ignored breaks only because of it. Binding more
// of the window's ops to their sessions only adds constraints, so "the window fails when the ops
// invoked up to position c keep their session order" is monotone in c: a binary search finds the first
// op whose place after its session's earlier ops cannot be kept.
import type { Session } from './history-types.ts';
import { searchLinearization, type SearchVerdict } from './linearization-search.ts';
import { buildSearchProblem, type SearchOp } from './search-problem.ts';

/** Two operations of one session: `before` was invoked first, yet no linearization lets it take effect first. */
export interface SessionOrderBreak {
  readonly session: Session;
  /** History index of the invoke of the earlier op. */
  readonly before: number;
  /** History index of the invoke of the later op. */
  readonly after: number;
}

export interface SessionBlame {
  readonly pair?: SessionOrderBreak;
  readonly steps: number;
}

export function blameSessionOrder(ops: readonly SearchOp[], initialState: number, stepsMax: number): SessionBlame {
  const cutoffs = ops.filter((op) => op.source.session !== undefined).map((op) => op.source.invokeIndex);
  if (cutoffs.length === 0) return { steps: 0 };
  let steps = 0;
  const verdict = (upTo: number): SearchVerdict => {
    if (steps >= stepsMax) return 'unknown';
    const outcome = searchLinearization(buildSearchProblem(ops, initialState, upTo), stepsMax - steps);
    steps += outcome.steps;
    return outcome.verdict;
  };
  if (verdict(-1) !== 'linearizable') return { steps }; // it fails (or may fail) without session order too
  if (verdict(Infinity) !== 'not-linearizable') return { steps };
  // Invariant: the cut at cutoffs[high] fails; the one at cutoffs[low] (or none, low = -1) was not shown to.
  let low = -1;
  let high = cutoffs.length - 1;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (verdict(cutoffs[middle]) === 'not-linearizable') high = middle;
    else low = middle;
  }
  const problem = buildSearchProblem(ops, initialState, cutoffs[high]);
  const after = problem.ops.findIndex((op) => op.source.invokeIndex === cutoffs[high]);
  const before = after < 0 ? -1 : (problem.sessions?.previous[after] ?? -1);
  if (before < 0) return { steps };
  const source = problem.ops[after].source;
  return { pair: { session: source.session as Session, before: problem.ops[before].source.invokeIndex, after: source.invokeIndex }, steps };
}
