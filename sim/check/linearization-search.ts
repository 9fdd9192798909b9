// Just-in-time linearization search (Wing & Gong, with Lowe's memoisation) over one key.
//
// The history's entries (invokes, and completions of required ops) sit in a doubly linked list in
// history order. Walking from the head, an invoke may be linearized if the model allows it: the op is
// lifted out of the list (invoke and completion), pushed on a stack, and the walk restarts. Reaching a
// completion means that op was not linearized in time: pop the last choice, put it back, and try the
// next invoke after it. Success: every required op is linearized (optional ops may stay out: they
// never happened). A (set, state) configuration seen before is skipped, which keeps the search
// polynomial on the histories real systems produce.
import { assert } from '../../core/types.ts';
import { ConfigCache } from './config-cache.ts';
import { applyOp, ILLEGAL, type SearchProblem } from './search-problem.ts';

export type SearchVerdict = 'linearizable' | 'not-linearizable' | 'unknown';

/** How many distinct register values to remember at the frontier, for the explanation. */
export const frontierStatesMax = 8;

export interface SearchOutcome {
  readonly verdict: SearchVerdict;
  readonly steps: number;
  /**
   * The op whose completion was the furthest point the search reached; when not linearizable, no order
   * of the ops gets past it. -1 if the search never backtracked.
   */
  readonly frontierOp: number;
  /** Register states (value ids) in which the search stood at that completion (up to frontierStatesMax). */
  readonly frontierStates: readonly number[];
}

export function searchLinearization(problem: SearchProblem, stepsMax: number): SearchOutcome {
  const n = problem.opCount;
  const head = 2 * n;
  const tail = 2 * n + 1;
  const next = new Int32Array(2 * n + 2);
  const prev = new Int32Array(2 * n + 2);
  linkEntries(problem.entryOrder, next, prev, head, tail);
  const zobrist = zobristKeys(n);
  const cache = new ConfigCache();
  const stackOp = new Int32Array(n);
  const stackState = new Int32Array(n);
  const stackPrefix = new Int32Array(n);
  const holes = new Int32Array(n);
  const required = problem.required;
  const position = problem.entryPosition;
  let depth = 0;
  let state = problem.initialState;
  let prefix = 0; // 1 + the largest linearized op id
  let setHash = 0;
  let remaining = problem.requiredCount;
  let steps = 0;
  let frontierPosition = -1;
  let frontierOp = -1;
  const frontierStates: number[] = [];
  let entry = next[head];

  const lift = (op: number): void => {
    const call = 2 * op;
    next[prev[call]] = next[call];
    prev[next[call]] = prev[call];
    if (required[op] === 0) return;
    const ret = call + 1;
    next[prev[ret]] = next[ret];
    prev[next[ret]] = prev[ret];
  };
  // Dancing links: undo in reverse order of lift, the removed entries still know their neighbours.
  const unlift = (op: number): void => {
    const call = 2 * op;
    if (required[op] !== 0) {
      const ret = call + 1;
      prev[next[ret]] = ret;
      next[prev[ret]] = ret;
    }
    prev[next[call]] = call;
    next[prev[call]] = call;
  };

  while (remaining > 0) {
    if (steps >= stepsMax) return { verdict: 'unknown', steps, frontierOp, frontierStates };
    steps++;
    assert(entry !== tail, 'linearization search walked off the list with required ops left');
    const op = entry >> 1;
    if ((entry & 1) === 0) {
      const after = applyOp(problem, op, state);
      if (after !== ILLEGAL) {
        lift(op);
        const prefixAfter = prefix > op ? prefix : op + 1;
        const holeCount = collectHoles(next, head, tail, prefixAfter, holes);
        if (cache.insertIfAbsent(setHash ^ zobrist[op], after, prefixAfter, holes, holeCount)) {
          stackOp[depth] = op;
          stackState[depth] = state;
          stackPrefix[depth] = prefix;
          depth++;
          state = after;
          prefix = prefixAfter;
          setHash ^= zobrist[op];
          remaining -= required[op];
          entry = next[head];
          continue;
        }
        unlift(op);
      }
      entry = next[entry];
      continue;
    }
    // A completion of an op not yet linearized: this branch is dead.
    if (position[entry] > frontierPosition) {
      frontierPosition = position[entry];
      frontierOp = op;
      frontierStates.length = 0;
    }
    if (position[entry] === frontierPosition && frontierStates.length < frontierStatesMax && !frontierStates.includes(state)) {
      frontierStates.push(state);
    }
    if (depth === 0) return { verdict: 'not-linearizable', steps, frontierOp, frontierStates };
    depth--;
    const undone = stackOp[depth];
    state = stackState[depth];
    prefix = stackPrefix[depth];
    setHash ^= zobrist[undone];
    remaining += required[undone];
    unlift(undone);
    entry = next[2 * undone];
  }
  return { verdict: 'linearizable', steps, frontierOp, frontierStates };
}

function linkEntries(order: Int32Array, next: Int32Array, prev: Int32Array, head: number, tail: number): void {
  let last = head;
  for (let i = 0; i < order.length; i++) {
    const entry = order[i];
    next[last] = entry;
    prev[entry] = last;
    last = entry;
  }
  next[last] = tail;
  prev[tail] = last;
}

/**
 * Ops below `prefix` still in the list (not linearized), in increasing order. Invokes are in op id
 * order, so the walk stops at the first invoke at or above `prefix`; completions passed on the way
 * belong to ops whose invokes came earlier, so there are at most as many as holes.
 */
function collectHoles(next: Int32Array, head: number, tail: number, prefix: number, holes: Int32Array): number {
  let count = 0;
  for (let entry = next[head]; entry !== tail; entry = next[entry]) {
    if ((entry & 1) !== 0) continue;
    const op = entry >> 1;
    if (op >= prefix) break;
    holes[count++] = op;
  }
  return count;
}

/** Random 32-bit keys per op (fixed seed: the checker is deterministic); XOR of a set's keys is its hash. */
function zobristKeys(n: number): Int32Array {
  const keys = new Int32Array(n);
  let s = 0x2545f491;
  for (let i = 0; i < n; i++) {
    // splitmix32
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    keys[i] = z ^ (z >>> 16);
  }
  return keys;
}
