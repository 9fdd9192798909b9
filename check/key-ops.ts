// Which operations of a history constrain a key's register, grouped by key (P-compositionality: a
// history is linearizable iff each key's sub-history is), and the window cuts used to explain a failure.
import type { Operation, Session } from './history-types.ts';
import type { SearchOp } from './search-problem.ts';

/**
 * Operations per key, in invoke order, in the order keys first appear. Dropped: `fail` ops (they never
 * happened; in older histories a cas whose expectation did not hold is a fail, which says nothing
 * more) and `info` gets (a read that may not have happened, whose value is unknown, constrains
 * nothing). A refused cas (`ok`, `"swapped": false`) stays: it observed a value other than its expectation.
 */
export function operationsByKey(operations: readonly Operation[]): Map<string, Operation[]> {
  const byKey = new Map<string, Operation[]>();
  for (const op of operations) {
    if (op.outcome === 'fail') continue;
    if (op.outcome === 'info' && (op.call.f === 'get' || op.call.f === 'ttl')) continue;
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
 * - ops that straddle either edge lose their constraint: a read (or a refused cas) is dropped, a write
 *   becomes optional (it may have taken effect inside the window, or outside it);
 * - except an `ok` op that straddles `to` only, with a later op of its session that completed by `to`:
 *   session order puts it before that op, so inside the window, and it stays required.
 * Every step only relaxes the history, so a linearization of the whole history restricts to one of the window.
 */
export function windowKeyOps(ops: readonly Operation[], from: number, to: number): SearchOp[] {
  const window: SearchOp[] = [];
  const bound = sessionsBoundBy(ops, from, to);
  for (const source of ops) {
    if (source.invokeIndex > to) break;
    const completion = source.outcome === 'ok' ? (source.completeIndex as number) : Infinity;
    if (completion < from) continue;
    const straddles = source.invokeIndex < from || completion > to;
    if (!straddles) window.push({ source, required: source.outcome === 'ok' });
    else if (source.outcome === 'ok' && source.invokeIndex >= from && bound.get(source.session as Session) as number > source.invokeIndex) {
      window.push({ source, required: true });
    } else if (source.call.f !== 'get' && source.call.f !== 'ttl' && !source.refused) window.push({ source, required: false });
  }
  return window;
}

/** Per session: the invoke of its last op inside [from, to] that completed `ok` by `to`. */
function sessionsBoundBy(ops: readonly Operation[], from: number, to: number): Map<Session, number> {
  const bound = new Map<Session, number>();
  for (const op of ops) {
    if (op.invokeIndex > to) break;
    if (op.session === undefined || op.outcome !== 'ok' || op.invokeIndex < from || (op.completeIndex as number) > to) continue;
    bound.set(op.session, op.invokeIndex);
  }
  return bound;
}
