// One key's history as the linearization search wants it: typed arrays, values interned to small
// integers, and the invoke/completion entries in history order. Also the register model's step.
import { assert } from '../core/types.ts';
import type { Operation } from './history-types.ts';
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
const kindOf = { get: GET, put: PUT, delete: DELETE, cas: CAS } as const;

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
}

/**
 * `input` must be in invoke order; an op that is required must have completed. Optional writes are
 * simplified first (observed-writes.ts), so `problem.ops` may be shorter and some ops in it required.
 */
export function buildSearchProblem(input: readonly SearchOp[], initialState: number): SearchProblem {
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
    kind[i] = kindOf[call.f];
    if (call.f === 'get') arg1[i] = values.id(source.read);
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
  };
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

/** The value id an op needs to find in the register (get: its read, cas: its expectation), or -1. */
export function neededValue(problem: SearchProblem, op: number): number {
  const kind = problem.kind[op];
  return kind === GET || kind === CAS ? problem.arg1[op] : -1;
}

/** The value id an op leaves in the register (delete: ABSENT), or -1 for a get. */
export function writtenValue(problem: SearchProblem, op: number): number {
  const kind = problem.kind[op];
  if (kind === GET) return -1;
  if (kind === DELETE) return ABSENT;
  return kind === PUT ? problem.arg1[op] : problem.arg2[op];
}

/** The register model: the state after `op` runs in `state`, or ILLEGAL when it could not have. */
export function applyOp(problem: SearchProblem, op: number, state: number): number {
  switch (problem.kind[op]) {
    case GET:
      return state === ANY || state === problem.arg1[op] ? problem.arg1[op] : ILLEGAL;
    case PUT:
      return problem.arg1[op];
    case DELETE:
      return ABSENT;
    default:
      return state === ANY || state === problem.arg1[op] ? problem.arg2[op] : ILLEGAL;
  }
}
