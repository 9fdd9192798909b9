// Just-in-time linearization search (Wing & Gong, with Lowe's memoisation) over one key.
//
// The history's entries (invokes, and completions of required ops) sit in a doubly linked list in
// history order. Walking from the head, an invoke may be linearized if the model allows it: the op is
// lifted out of the list (invoke and completion), pushed on a stack, and the walk restarts. Reaching a
// completion means that op was not linearized in time: pop the last choice, put it back, and try the
// next invoke after it. Success: every required op is linearized (optional ops may stay out: they
// never happened). Configurations seen before, or dominated by one seen before, are skipped
// (config-cache.ts), which keeps the search polynomial on the histories real systems produce.
//
// Optional ops (info, or cut by a window) are what makes the search explode, so two rules keep them in
// check. Required candidates may be tried before optional ones ('required-first'), so a configuration
// is first reached with as few optional ops used as possible, and the ones reached later with more are
// dominated. And an optional write is "dead" once every required op that needs its value is linearized
// (and no optional op needs it): using it can no longer help, so it leaves the list and does not count
// in the configuration (optional-writes.ts). Reads that fit are taken without branching (readThatFits).
//
// Session order (search-problem.ts SessionOrder): an op is a candidate only once the required ops before
// it on its session are linearized, and not after a later op of its session (an optional op passed over
// never happened). The last op linearized per session then shapes what may follow, so a configuration
// also holds, per session whose last linearized op is optional, that op (see sessionTails).
import { assert } from '../core/types.ts';
import { ConfigCache } from './config-cache.ts';
import { OptionalWrites } from './optional-writes.ts';
import { ANY, applyOp, GET, ILLEGAL, neededValue, refusedExpectation, type SearchProblem, type SessionOrder } from './search-problem.ts';

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

/**
 * Candidate order. 'history': invokes in history order, optional ops among them, which finds a
 * linearization fastest when there is one (an info write that happened is used as soon as it can be).
 * 'required-first': optional ops only when no required one fits, which explores fewer configurations
 * when there is none (see the file comment).
 */
export type CandidateOrder = 'history' | 'required-first';

export function searchLinearization(problem: SearchProblem, stepsMax: number, order: CandidateOrder = 'required-first'): SearchOutcome {
  return new LinearizationSearch(problem, order === 'required-first').run(stepsMax);
}

class LinearizationSearch {
  private readonly head: number;
  private readonly tail: number;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly required: Uint8Array;
  private readonly zobrist: Int32Array;
  private readonly cache = new ConfigCache();
  private readonly stackOp: Int32Array;
  private readonly stackState: Int32Array;
  private readonly stackPrefix: Int32Array;
  private readonly stackForced: Uint8Array;
  private readonly holes: Int32Array;
  private readonly optional: OptionalWrites;
  private readonly sessions: SessionOrder | undefined;
  /** Per session: the last op linearized on it, or -1. */
  private readonly sessionLast: Int32Array;
  /** Per stack level: the sessionLast its op replaced. */
  private readonly stackSessionLast: Int32Array;
  /** Optional ops that are the last op linearized on their session, ascending. */
  private readonly sessionTails: Int32Array;
  private sessionTailCount = 0;
  /** The live set followed by the session tails (offset by opCount), the configuration's last part. */
  private readonly liveAndTails: Int32Array;
  private depth = 0;
  /** 1: trying required candidates; 0: optional ones (required-first order only). */
  private wanted = 1;
  private state: number;
  /** 1 + the largest linearized required op id. */
  private prefix = 0;
  /** Zobrist hash of the linearized required ops. */
  private setHash = 0;
  private remaining: number;
  private steps = 0;
  private frontierPosition = -1;
  private frontierOp = -1;
  private readonly frontierStates: number[] = [];

  constructor(private readonly problem: SearchProblem, private readonly requiredFirst: boolean) {
    const n = problem.opCount;
    this.head = 2 * n;
    this.tail = 2 * n + 1;
    this.next = new Int32Array(2 * n + 2);
    this.prev = new Int32Array(2 * n + 2);
    this.linkEntries();
    this.required = problem.required;
    this.zobrist = zobristKeys(n);
    this.stackOp = new Int32Array(n);
    this.stackState = new Int32Array(n);
    this.stackPrefix = new Int32Array(n);
    this.stackForced = new Uint8Array(n);
    this.holes = new Int32Array(n);
    this.state = problem.initialState;
    this.remaining = problem.requiredCount;
    this.optional = new OptionalWrites(problem, (op) => this.liftCall(op), (op) => this.unliftCall(op));
    this.sessions = problem.sessions;
    const sessionCount = this.sessions?.count ?? 0;
    this.sessionLast = new Int32Array(sessionCount).fill(-1);
    this.stackSessionLast = new Int32Array(sessionCount > 0 ? n : 0);
    this.sessionTails = new Int32Array(sessionCount > 0 ? n : 0);
    this.liveAndTails = new Int32Array(sessionCount > 0 ? 2 * n : 0);
  }

  run(stepsMax: number): SearchOutcome {
    const { next, head, required, problem, requiredFirst } = this;
    let entry = next[head];
    let fresh = true; // a configuration just reached: look for a read to take first
    while (this.remaining > 0) {
      if (this.steps >= stepsMax) return this.outcome('unknown');
      this.steps++;
      if (fresh) {
        fresh = false;
        entry = next[head];
        this.wanted = 1;
        const read = this.readThatFits();
        if (read < 0) continue;
        if (this.tryLinearize(read, this.state, true)) fresh = true;
        else entry = this.backtrack(); // the configuration with the read is covered, so this one is too
        if (entry < 0) return this.outcome('not-linearizable');
        continue;
      }
      assert(entry !== this.tail, 'linearization search walked off the list with required ops left');
      if ((entry & 1) === 0) {
        const op = entry >> 1;
        if ((required[op] === this.wanted || !requiredFirst) && (this.sessions === undefined || this.sessionAllows(op))) {
          const after = applyOp(problem, op, this.state);
          if (after !== ILLEGAL && this.tryLinearize(op, after, false)) {
            fresh = true;
            continue;
          }
        }
        entry = next[entry];
        continue;
      }
      // A completion of an op not yet linearized: no required candidate is left before it.
      if (requiredFirst && this.wanted === 1 && this.optional.listed > 0) {
        this.wanted = 0;
        entry = next[head];
        continue;
      }
      this.recordFrontier(entry);
      entry = this.backtrack();
      if (entry < 0) return this.outcome('not-linearizable');
    }
    return this.outcome('linearizable');
  }

  /**
   * A candidate read (invoked before the first pending completion) of the value the register holds.
   * Taking it now loses nothing: in any linearization from here it could move to the front, since a
   * read changes no state and nothing still pending had to come before it. So it is taken without
   * trying the alternatives (a "forced" step), which spares the search every order among reads.
   */
  private readThatFits(): number {
    const { next, problem, state } = this;
    if (state === ANY) return -1; // reading from ANY would fix the value: a real choice
    for (let entry = next[this.head]; entry !== this.tail && (entry & 1) === 0; entry = next[entry]) {
      const op = entry >> 1;
      if (problem.kind[op] === GET && problem.arg1[op] === state && problem.required[op] === 1 && this.sessionFree(op)) return op;
    }
    return -1;
  }

  /** Session order lets `op` take effect now: the required ops before it on its session are linearized, no later one is. */
  private sessionAllows(op: number): boolean {
    const sessions = this.sessions as SessionOrder;
    const session = sessions.session[op];
    if (session < 0) return true;
    const last = this.sessionLast[session];
    return last < op && sessions.previousRequired[op] <= last;
  }

  /**
   * For a forced read: taking it now must not bar anything. It may, if an optional op before it on its
   * session is still open (taking the read would mean that op never happened), so then it is no forced step.
   */
  private sessionFree(op: number): boolean {
    const sessions = this.sessions;
    if (sessions === undefined || sessions.session[op] < 0) return true;
    const last = this.sessionLast[sessions.session[op]];
    return last < op && sessions.previous[op] <= last;
  }

  /**
   * Undoes the last choice and returns the entry after it, from which the walk goes on; -1 when there
   * is none left. A forced step has no alternatives, so its configuration is undone as well.
   */
  private backtrack(): number {
    while (this.depth > 0) {
      const forced = this.stackForced[this.depth - 1] === 1;
      const undone = this.pop();
      if (!forced) {
        this.wanted = this.required[undone];
        return this.next[2 * undone];
      }
    }
    return -1;
  }

  private tryLinearize(op: number, after: number, forced: boolean): boolean {
    const stateBefore = this.state;
    const prefixBefore = this.prefix;
    this.linearize(op);
    const sessionLastBefore = this.sessions === undefined ? -1 : this.enterSession(op);
    const holeCount = this.collectHoles();
    const { live, liveCount } = this.optional;
    const isNew = this.sessions === undefined
      ? this.cache.insertIfNew(this.setHash, after, this.prefix, this.holes, holeCount, live, liveCount)
      : this.cache.insertIfNew(this.setHash, after, this.prefix, this.holes, holeCount, this.liveAndTails, this.mergeTails());
    if (isNew) {
      if (this.sessions !== undefined) this.stackSessionLast[this.depth] = sessionLastBefore;
      this.stackOp[this.depth] = op;
      this.stackState[this.depth] = stateBefore;
      this.stackPrefix[this.depth] = prefixBefore;
      this.stackForced[this.depth] = forced ? 1 : 0;
      this.depth++;
      this.state = after;
      return true;
    }
    if (this.sessions !== undefined) this.leaveSession(op, sessionLastBefore);
    this.unlinearize(op);
    this.prefix = prefixBefore;
    return false;
  }

  private pop(): number {
    this.depth--;
    const op = this.stackOp[this.depth];
    this.state = this.stackState[this.depth];
    this.prefix = this.stackPrefix[this.depth];
    if (this.sessions !== undefined) this.leaveSession(op, this.stackSessionLast[this.depth]);
    this.unlinearize(op);
    return op;
  }

  /** Makes `op` the last linearized op of its session; returns the one it replaces (-1: none). */
  private enterSession(op: number): number {
    const session = (this.sessions as SessionOrder).session[op];
    if (session < 0) return -1;
    const before = this.sessionLast[session];
    if (before >= 0 && this.required[before] === 0) this.tailRemove(before);
    if (this.required[op] === 0) this.tailInsert(op);
    this.sessionLast[session] = op;
    return before;
  }

  /** Exactly undoes enterSession(op), which returned `before`. */
  private leaveSession(op: number, before: number): void {
    const session = (this.sessions as SessionOrder).session[op];
    if (session < 0) return;
    this.sessionLast[session] = before;
    if (this.required[op] === 0) this.tailRemove(op);
    if (before >= 0 && this.required[before] === 0) this.tailInsert(before);
  }

  private tailInsert(op: number): void {
    let i = this.sessionTailCount++;
    while (i > 0 && this.sessionTails[i - 1] > op) {
      this.sessionTails[i] = this.sessionTails[i - 1];
      i--;
    }
    this.sessionTails[i] = op;
  }

  private tailRemove(op: number): void {
    let i = this.sessionTails.subarray(0, this.sessionTailCount).indexOf(op);
    assert(i >= 0, () => `optional op ${op} is not a session tail`);
    for (this.sessionTailCount--; i < this.sessionTailCount; i++) this.sessionTails[i] = this.sessionTails[i + 1];
  }

  /**
   * liveAndTails = the live set, then the session tails offset by opCount (so both stay ascending and
   * apart); returns its length. A configuration whose list is a subset of another's dominates it: its
   * sessions end no later, so every op the other may still take, it may too (config-cache.ts).
   */
  private mergeTails(): number {
    const { live, liveCount } = this.optional;
    const merged = this.liveAndTails;
    merged.set(live.subarray(0, liveCount), 0);
    const n = this.problem.opCount;
    for (let i = 0; i < this.sessionTailCount; i++) merged[liveCount + i] = n + this.sessionTails[i];
    return liveCount + this.sessionTailCount;
  }

  private linearize(op: number): void {
    this.liftCall(op);
    if (this.required[op] === 0) return this.optional.used(op);
    const ret = 2 * op + 1;
    this.next[this.prev[ret]] = this.next[ret];
    this.prev[this.next[ret]] = this.prev[ret];
    this.setHash ^= this.zobrist[op];
    if (op >= this.prefix) this.prefix = op + 1;
    this.remaining--;
    this.optional.observed(neededValue(this.problem, op));
    this.optional.refusedObserved(refusedExpectation(this.problem, op));
  }

  /** Exactly undoes linearize(op), which must be the last op linearized (dancing links). */
  private unlinearize(op: number): void {
    if (this.required[op] === 0) {
      this.optional.unused(op);
    } else {
      this.optional.refusedUnobserved(refusedExpectation(this.problem, op));
      this.optional.unobserved(neededValue(this.problem, op));
      this.remaining++;
      this.setHash ^= this.zobrist[op];
      const ret = 2 * op + 1;
      this.prev[this.next[ret]] = ret;
      this.next[this.prev[ret]] = ret;
    }
    this.unliftCall(op);
  }

  private liftCall(op: number): void {
    const call = 2 * op;
    this.next[this.prev[call]] = this.next[call];
    this.prev[this.next[call]] = this.prev[call];
  }

  private unliftCall(op: number): void {
    const call = 2 * op;
    this.prev[this.next[call]] = call;
    this.next[this.prev[call]] = call;
  }

  /**
   * Required ops below `prefix` still in the list, ascending. Invokes are in op id order, so the walk
   * stops at the first required invoke at or above `prefix`; what it passes on the way are completions
   * and invokes of ops still open, no more than the ops that overlap.
   */
  private collectHoles(): number {
    const { next, required, holes, tail, prefix } = this;
    let count = 0;
    for (let entry = next[this.head]; entry !== tail; entry = next[entry]) {
      if ((entry & 1) !== 0) continue;
      const op = entry >> 1;
      if (required[op] === 0) continue;
      if (op >= prefix) break;
      holes[count++] = op;
    }
    return count;
  }

  private recordFrontier(entry: number): void {
    const position = this.problem.entryPosition[entry];
    if (position > this.frontierPosition) {
      this.frontierPosition = position;
      this.frontierOp = entry >> 1;
      this.frontierStates.length = 0;
    }
    if (position === this.frontierPosition && this.frontierStates.length < frontierStatesMax && !this.frontierStates.includes(this.state)) {
      this.frontierStates.push(this.state);
    }
  }

  private outcome(verdict: SearchVerdict): SearchOutcome {
    return { verdict, steps: this.steps, frontierOp: this.frontierOp, frontierStates: this.frontierStates };
  }

  private linkEntries(): void {
    const order = this.problem.entryOrder;
    let last = this.head;
    for (let i = 0; i < order.length; i++) {
      this.next[last] = order[i];
      this.prev[order[i]] = last;
      last = order[i];
    }
    this.next[last] = this.tail;
    this.prev[this.tail] = last;
  }
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
