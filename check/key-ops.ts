// Which operations of a history constrain a key's register, grouped by key (P-compositionality: a
// history is linearizable iff each key's sub-history is), and the window cuts used to explain a failure.
import type { Operation } from './history-types.ts';
import type { SearchOp } from './search-problem.ts';

/**
 * Operations per key, in invoke order, in the order keys first appear. Dropped: `fail` ops (they never
 * happened; a failed cas's expectation did not hold) and `info` gets (a read that may not have
 * happened, whose value is unknown, constrains nothing).
 */
export function operationsByKey(operations: readonly Operation[]): Map<string, Operation[]> {
  const byKey = new Map<string, Operation[]>();
  for (const op of operations) {
    if (op.outcome === 'fail') continue;
    if (op.outcome === 'info' && op.call.f === 'get') continue;
    let list = byKey.get(op.call.key);
    if (!list) {
      list = [];
      byKey.set(op.call.key, list);
    }
    list.push(op);
  }
  for (const list of byKey.values()) list.sort((a, b) => a.invokeIndex - b.invokeIndex);
  return byKey;
}

/** Every op as the history says: ok ops must take effect in their interval, info ops may or may not. */
export function wholeKeyOps(ops: readonly Operation[]): SearchOp[] {
  return ops.map((source) => ({ source, required: source.outcome === 'ok' }));
}

/**
 * The ops of the window between history positions `from` and `to` (inclusive), such that if the window
 * is not linearizable from ANY starting value, neither is the whole history:
 * - ops that completed before `from` are gone: their effect is the unknown starting value;
 * - ops invoked after `to` are gone: they cannot be needed to explain what completed by `to`;
 * - ops that straddle either edge lose their constraint: a read is dropped, a write becomes optional
 *   (it may have taken effect inside the window, or outside it).
 * Every step only relaxes the history, so a linearization of the whole history restricts to one of the window.
 */
export function windowKeyOps(ops: readonly Operation[], from: number, to: number): SearchOp[] {
  const window: SearchOp[] = [];
  for (const source of ops) {
    if (source.invokeIndex > to) break;
    const completion = source.outcome === 'ok' ? (source.completeIndex as number) : Infinity;
    if (completion < from) continue;
    const straddles = source.invokeIndex < from || completion > to;
    if (!straddles) window.push({ source, required: source.outcome === 'ok' });
    else if (source.call.f !== 'get') window.push({ source, required: false });
  }
  return window;
}
