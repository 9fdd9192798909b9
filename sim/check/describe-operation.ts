// Human-readable renderings of operations and of a key's violation, for `kvlab check` and reports.
import type { Operation } from './history-types.ts';

/** A value as users see it: a JSON string, or "absent" for null. */
export function describeValue(value: string | null): string {
  return value === null ? 'absent' : JSON.stringify(value);
}

/** What the op did: `put "v2"`, `get -> "v1"`, `delete`, `cas "0" -> "1"`. */
export function describeCall(op: Operation): string {
  const call = op.call;
  if (call.f === 'get') return op.outcome === 'ok' ? `get -> ${describeValue(op.read)}` : 'get';
  if (call.f === 'put') return `put ${JSON.stringify(call.value)}`;
  if (call.f === 'delete') return 'delete';
  return `cas ${describeValue(call.expected)} -> ${JSON.stringify(call.value)}`;
}

/** One line: `op 45  process 3  get -> "v1"  ok  t=1000..1250`. */
export function describeOperation(op: Operation): string {
  const outcome = op.completed ? op.outcome : 'info (never completed)';
  const end = op.completeTime === null || op.outcome !== 'ok' ? '?' : String(op.completeTime);
  return `op ${op.invokeIndex}  process ${op.process}  ${describeCall(op)}  ${outcome}  t=${op.invokeTime}..${end}`;
}

/** "absent", `"a" or "b"`, `"a", "b" or absent`. */
export function describeValueChoice(values: readonly (string | null)[]): string {
  const parts = values.map(describeValue);
  if (parts.length <= 1) return parts[0] ?? 'nothing';
  return `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
}

/**
 * Why the key fails, around `stuck`: the op whose completion no linearization gets past. `possible`
 * are the values the key could hold at that completion (undefined: any value).
 */
export function explainViolation(stuck: Operation, possible: readonly (string | null)[] | undefined): string {
  const who = `${stuck.call.f} of key ${JSON.stringify(stuck.call.key)} by process ${stuck.process} (op ${stuck.invokeIndex})`;
  const holds = possible === undefined ? 'could hold any value' : `could only hold ${describeValueChoice(possible)}`;
  const order = 'no order of the operations that respects real time';
  if (stuck.call.f === 'get') {
    return `${who} returned ${describeValue(stuck.read)} at t=${stuck.completeTime}, but ${order} explains that: the key ${holds} then.`;
  }
  if (stuck.call.f === 'cas') {
    return `${who} succeeded swapping ${describeValue(stuck.call.expected)} for ${JSON.stringify(stuck.call.value)} by t=${stuck.completeTime}, but ${order} lets it: the key ${holds} then.`;
  }
  return `${who}, ${describeCall(stuck)}, completed at t=${stuck.completeTime}, but ${order} fits it in before then (the key ${holds} without it).`;
}
