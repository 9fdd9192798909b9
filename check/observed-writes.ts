// Two exact simplifications of the optional writes (info, or cut by a window) of a key, made before
// the search. Optional writes are what makes the search explode: each one open doubles the number of
// configurations (it may or may not have happened yet), for as long as it stays open.
import type { Operation } from './history-types.ts';
import { ANY, type SearchOp } from './search-problem.ts';

export interface PreparedOp extends SearchOp {
  /**
   * Set on an optional write that must have happened: the op whose completion it must precede (the
   * first of its observers to complete). The search treats it as required, completing just before.
   */
  readonly deadline?: Operation;
}

/** The written value of a write, as the register holds it (delete: null). */
function written(op: Operation): string | null | undefined {
  const call = op.call;
  if (call.f === 'get' || call.f === 'ttl' || op.refused) return undefined;
  return call.f === 'delete' ? null : call.value;
}

/** The value an op needs to find: a get's read, a cas's expectation (a refused cas needs none). */
function needed(op: Operation): string | null | undefined {
  if (op.call.f === 'get') return op.read;
  if (op.call.f === 'ttl') return op.ttl === -2 ? null : undefined;
  return op.call.f === 'cas' && !op.refused ? op.call.expected : undefined;
}

/**
 * 1. Optional writes whose value no op reads or expects are dropped. Leaving such a write out of a
 *    linearization keeps it valid: until another write replaces its value, only writes (which ignore
 *    the state) can follow it. So it never helps. A refused cas observes every value but its
 *    expectation, so while a key has one, only writes of the expectation of every refused cas go.
 * 2. An optional write of a value that no other op writes (and the key cannot start with), which a
 *    required op reads or expects, must have happened, before the first such op completed: it becomes
 *    required with that deadline.
 */
export function prepareOps(ops: readonly SearchOp[], initialState: number): PreparedOp[] {
  return promoteObservedUniqueWrites(withoutUnobservedWrites(ops), initialState);
}

/** `ops` without the optional writes whose value no op reads or expects (rule 1 above). */
export function withoutUnobservedWrites(ops: readonly SearchOp[]): SearchOp[] {
  const observed = new Set<string | null>();
  const refusedExpecting = new Map<string | null, number>();
  let refused = 0;
  for (const { source } of ops) {
    const need = needed(source);
    if (need !== undefined) observed.add(need);
    // Ops that need the key not to hold one value: a refused cas, a ttl read that found the key.
    const notHeld = source.refused && source.call.f === 'cas' ? source.call.expected : source.call.f === 'ttl' && source.ttl !== -2 ? null : undefined;
    if (notHeld !== undefined) {
      refused++;
      refusedExpecting.set(notHeld, (refusedExpecting.get(notHeld) ?? 0) + 1);
    }
  }
  return ops.filter(({ source, required }) => {
    const value = written(source);
    if (required || value === undefined || observed.has(value)) return true;
    // An expiring write can leave the key absent: it helps whoever needs absent, or anything else.
    if (source.call.f === 'put' && source.call.ttlMs !== undefined) return true;
    return refused > (refusedExpecting.get(value) ?? 0); // some refused cas could have seen it
  });
}

function promoteObservedUniqueWrites(ops: readonly SearchOp[], initialState: number): PreparedOp[] {
  const writers = new Map<string | null, number>();
  const firstObserver = new Map<string | null, Operation>();
  for (const { source, required } of ops) {
    const value = written(source);
    if (value !== undefined) writers.set(value, (writers.get(value) ?? 0) + 1);
    const need = needed(source);
    if (need === undefined) continue;
    const first = firstObserver.get(need);
    if (required && (first === undefined || (source.completeIndex as number) < (first.completeIndex as number))) {
      firstObserver.set(need, source);
    }
  }
  const prepared: PreparedOp[] = [];
  for (const op of ops) {
    const value = written(op.source);
    if (op.required || value === undefined) {
      prepared.push(op);
      continue;
    }
    const observer = firstObserver.get(value);
    // null is where every key starts, and ANY may be the value itself: neither proves the write happened.
    const unique = value !== null && initialState !== ANY && writers.get(value) === 1;
    if (unique && observer && (observer.completeIndex as number) > op.source.invokeIndex) prepared.push({ ...op, deadline: observer });
    else prepared.push(op);
  }
  return prepared;
}
