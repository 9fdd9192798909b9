// One key's history as the linearization search wants it: typed arrays, values interned to small
// integers, and the invoke/completion entries in history order. Also the register model's step.
import { assert } from '../core/types.ts';
import type { Operation, Session } from './history-types.ts';
import { type PreparedOp, prepareOps } from './observed-writes.ts';

/** Register states are value ids: ABSENT, or an interned string (>= 1), or ANY (not yet known). */
export const ABSENT = 0;
/** The key may hold any value: the first read or cas fixes it. Used to check a window cut out of a history. */
export const ANY = -1;
/** Result of applying an operation whose precondition does not hold in the current state. */
export const ILLEGAL = -2;

/** problem.kind of a get. */
export const GET = 0;
const PUT = 1;
const DELETE = 2;
const CAS = 3;
/** An `ok` cas that was refused: it needs a value other than its expectation and writes nothing. */
export const CAS_REFUSED = 4;
/** A put with a ttl: the key holds its value until an unknown later instant, then is absent. */
const PUT_EXPIRING = 5;
/** A ttl read that found the key present without expiry (-1). */
const TTL_NONE = 6;
/** A ttl read that found the key present with an expiry (ms left >= 1). */
const TTL_SOME = 7;
const kindOf = { get: GET, put: PUT, delete: DELETE, cas: CAS } as const;

/**
 * Expiry. The state of a key written with a ttl carries this bit: it holds the value until an instant
 * the checker cannot know (the expiry time is fixed in the log from the leader's clock, and reads
 * compare it with the serving node's clock), after which it is absent. So an expiring state may turn
 * absent whenever an op needs it absent (a read of nothing, a cas from absent, a cas refused because
 * the value was gone), and once absent it stays absent until the next write: an expired value never
 * comes back, and a value never expires before it was written. That is sound (a store whose expiry
 * happens at one instant per write passes) and is what clock faults can break.
 */
export const EXPIRING = 1 << 29;
/**
 * A value fixed from ANY (the start of a window) when the key has expiring writes: whether it expires
 * is unknown too, so it may expire, or turn out to have no expiry (a ttl read of -1).
 */
const MAYBE_EXPIRING = 1 << 28;

/** The value a state holds (null: absent), for reports; the state must not be ANY. */
export function stateValue(problem: SearchProblem, state: number): string | null {
  return problem.values[state & ~(EXPIRING | MAYBE_EXPIRING)];
}

/** Search kind of an op as the history has it. */
function kindOfOp(source: Operation): number {
  const call = source.call;
  if (call.f === 'ttl') return source.ttl === -2 ? GET : source.ttl === -1 ? TTL_NONE : TTL_SOME;
  if (call.f === 'put' && call.ttlMs !== undefined) return PUT_EXPIRING;
  return source.refused ? CAS_REFUSED : kindOf[call.f];
}

/** An operation as the search sees it. Required ones must take effect before their completion. */
export interface SearchOp {
  readonly source: Operation;
  /** False: may take effect at any time after its invoke, or never (info, or cut by a window). */
  readonly required: boolean;
}

export interface SearchProblem {
  readonly ops: readonly PreparedOp[];
  readonly opCount: number;
  readonly kind: Uint8Array;
  /** get: value read; put: value written; cas: expected. */
  readonly arg1: Int32Array;
  /** cas: new value. */
  readonly arg2: Int32Array;
  readonly required: Uint8Array;
  readonly requiredCount: number;
  /** Entry ids in history order: 2*op is the op's invoke, 2*op+1 its completion (required ops only). */
  readonly entryOrder: Int32Array;
  /** History index of each entry id. */
  readonly entryPosition: Float64Array;
  readonly initialState: number;
  /** Value id to value: values[0] is null (absent). */
  readonly values: readonly (string | null)[];
  /** Some op writes with a ttl (the register may expire). */
  readonly expires: boolean;
  /** Ops with a session constraint, or undefined when none has one (the search then ignores sessions). */
  readonly sessions?: SessionOrder;
}

/**
 * Session order among the ops of a problem: an op may take effect only after the required ops invoked
 * before it on its session, and an optional op never after a later op of its session.
 */
export interface SessionOrder {
  readonly count: number;
  /** Per op: its session (0 .. count-1), or -1 when it has none. */
  readonly session: Int32Array;
  /** Per op: the nearest earlier op of its session in the problem, or -1. */
  readonly previous: Int32Array;
  /** Per op: the nearest earlier required op of its session, or -1. */
  readonly previousRequired: Int32Array;
}

/**
 * `input` must be in invoke order; an op that is required must have completed. Optional writes are
 * simplified first (observed-writes.ts), so `problem.ops` may be shorter and some ops in it required.
 * Session order binds the ops invoked at or before history index `sessionsUpTo` (all by default).
 */
export function buildSearchProblem(input: readonly SearchOp[], initialState: number, sessionsUpTo = Infinity): SearchProblem {
  const ops = prepareOps(input, initialState);
  const n = ops.length;
  const kind = new Uint8Array(n);
  const arg1 = new Int32Array(n);
  const arg2 = new Int32Array(n);
  const required = new Uint8Array(n);
  const entryPosition = new Float64Array(2 * n);
  const values = new ValueTable();
  const returning: number[] = [];
  for (let i = 0; i < n; i++) {
    const { source, deadline } = ops[i];
    const call = source.call;
    kind[i] = kindOfOp(source);
    if (call.f === 'get') arg1[i] = values.id(source.read);
    else if (call.f === 'ttl') arg1[i] = ABSENT; // a ttl read of -2 is a read of nothing; the others need no one value
    else if (call.f === 'put') arg1[i] = values.id(call.value);
    else if (call.f === 'cas') [arg1[i], arg2[i]] = [values.id(call.expected), values.id(call.value)];
    entryPosition[2 * i] = source.invokeIndex;
    assert(i === 0 || source.invokeIndex > ops[i - 1].source.invokeIndex, 'search ops must be in invoke order');
    entryPosition[2 * i + 1] = Infinity;
    if (!ops[i].required && deadline === undefined) continue;
    const completion = deadline ? (deadline.completeIndex as number) - 0.5 : source.completeIndex;
    assert(completion !== null && completion > source.invokeIndex, () => `op ${source.invokeIndex} is required but has no completion after its invoke`);
    required[i] = 1;
    entryPosition[2 * i + 1] = completion;
    returning.push(i);
  }
  returning.sort((a, b) => entryPosition[2 * a + 1] - entryPosition[2 * b + 1]);
  const entryOrder = mergeEntries(n, returning, entryPosition);
  return {
    ops, opCount: n, kind, arg1, arg2, required, requiredCount: returning.length,
    entryOrder, entryPosition, initialState, values: values.values,
    expires: kind.includes(PUT_EXPIRING),
    sessions: sessionOrder(ops, required, sessionsUpTo),
  };
}

function sessionOrder(ops: readonly PreparedOp[], required: Uint8Array, upTo: number): SessionOrder | undefined {
  const n = ops.length;
  let ids: Map<Session, number> | undefined;
  let session: Int32Array | undefined;
  let previous: Int32Array | undefined;
  let previousRequired: Int32Array | undefined;
  const last: number[] = [];
  const lastRequired: number[] = [];
  for (let i = 0; i < n; i++) {
    const source = ops[i].source;
    if (source.session === undefined || source.invokeIndex > upTo) continue;
    if (!ids || !session || !previous || !previousRequired) {
      ids = new Map();
      session = new Int32Array(n).fill(-1);
      previous = new Int32Array(n).fill(-1);
      previousRequired = new Int32Array(n).fill(-1);
    }
    let id = ids.get(source.session);
    if (id === undefined) {
      id = ids.size;
      ids.set(source.session, id);
      last.push(-1);
      lastRequired.push(-1);
    }
    session[i] = id;
    previous[i] = last[id];
    previousRequired[i] = lastRequired[id];
    last[id] = i;
    if (required[i] === 1) lastRequired[id] = i;
  }
  if (!ids || !session || !previous || !previousRequired) return undefined;
  return { count: ids.size, session, previous, previousRequired };
}

/** Interns values: the search compares small integers, not strings. */
class ValueTable {
  /** Value id to value: values[ABSENT] is null. */
  readonly values: (string | null)[] = [null];
  private readonly ids = new Map<string, number>();

  id(value: string | null): number {
    if (value === null) return ABSENT;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }
}

/** Invokes (already in order) merged with the completions of required ops, by history index. */
function mergeEntries(n: number, returning: readonly number[], position: Float64Array): Int32Array {
  const order = new Int32Array(n + returning.length);
  let call = 0;
  let ret = 0;
  for (let k = 0; k < order.length; k++) {
    const takeCall = call < n && (ret >= returning.length || position[2 * call] < position[2 * returning[ret] + 1]);
    order[k] = takeCall ? 2 * call++ : 2 * returning[ret++] + 1;
  }
  return order;
}

/**
 * The value id an op needs to find in the register (get: its read, cas: its expectation), or -1. A
 * refused cas needs no one value (any but its expectation): see refusedExpectation.
 */
export function neededValue(problem: SearchProblem, op: number): number {
  const kind = problem.kind[op];
  return kind === GET || kind === CAS ? problem.arg1[op] : -1;
}

/**
 * The value id an op needs the key NOT to hold (a refused cas: its expectation; a ttl read of a
 * present key: ABSENT), or -1. Such an op may be helped by a write of any other value.
 */
export function refusedExpectation(problem: SearchProblem, op: number): number {
  const kind = problem.kind[op];
  if (kind === TTL_NONE || kind === TTL_SOME) return ABSENT;
  return kind === CAS_REFUSED ? problem.arg1[op] : -1;
}

/** A put with a ttl: besides its value, it may leave the key absent (once expired). */
export function isExpiringWrite(problem: SearchProblem, op: number): boolean {
  return problem.kind[op] === PUT_EXPIRING;
}

/** The value id an op leaves in the register (delete: ABSENT), or -1 for a get or a refused cas. */
export function writtenValue(problem: SearchProblem, op: number): number {
  const kind = problem.kind[op];
  if (kind === GET || kind === CAS_REFUSED || kind === TTL_NONE || kind === TTL_SOME) return -1;
  if (kind === DELETE) return ABSENT;
  return kind === PUT || kind === PUT_EXPIRING ? problem.arg1[op] : problem.arg2[op];
}

/** The register model: the state after `op` runs in `state`, or ILLEGAL when it could not have. */
export function applyOp(problem: SearchProblem, op: number, state: number): number {
  const arg1 = problem.arg1[op];
  // An expiring state may have expired by now: then it is absent (see EXPIRING).
  const expirable = state !== ANY && (state & (EXPIRING | MAYBE_EXPIRING)) !== 0;
  const value = state === ANY ? ANY : state & ~(EXPIRING | MAYBE_EXPIRING);
  switch (problem.kind[op]) {
    case GET:
      if (state === ANY) return problem.expires && arg1 !== ABSENT ? arg1 | MAYBE_EXPIRING : arg1;
      if (value === arg1) return state;
      return arg1 === ABSENT && expirable ? ABSENT : ILLEGAL;
    case PUT:
      return arg1;
    case PUT_EXPIRING:
      return arg1 | EXPIRING;
    case DELETE:
      return ABSENT;
    case CAS:
      if (state === ANY || value === arg1) return problem.arg2[op];
      return arg1 === ABSENT && expirable ? problem.arg2[op] : ILLEGAL;
    case CAS_REFUSED:
      // From ANY it only says "not the expectation", which a single value cannot hold, so the state
      // stays ANY (a relaxation: windows may miss a violation, never invent one).
      if (value !== arg1) return state;
      return expirable ? ABSENT : ILLEGAL; // it held the expectation, unless that had expired
    case TTL_NONE:
      if (state === ANY) return ANY;
      return value !== ABSENT && (state & EXPIRING) === 0 ? value : ILLEGAL;
    default: // TTL_SOME
      if (state === ANY) return ANY;
      return expirable ? value | EXPIRING : ILLEGAL;
  }
}
