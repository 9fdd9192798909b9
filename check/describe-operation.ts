// Human-readable renderings of operations and of a key's violation, for `kvlab check` and reports.
import type { Operation } from './history-types.ts';
import { frontierStatesMax } from './linearization-search.ts';

/** "1 key", "3 keys". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** A value as users see it: a JSON string, or "absent" for null. */
export function describeValue(value: string | null): string {
  return value === null ? 'absent' : JSON.stringify(value);
}

/** What the op did: `put "v2"`, `get -> "v1"`, `delete`, `cas "0" -> "1"`. */
export function describeCall(op: Operation): string {
  const call = op.call;
  if (call.f === 'get') return op.outcome === 'ok' ? `get -> ${describeValue(op.read)}` : 'get';
  if (call.f === 'put') return `put ${JSON.stringify(call.value)}${call.ttlMs === undefined ? '' : ` ttl ${call.ttlMs} ms`}`;
  if (call.f === 'delete') return 'delete';
  if (call.f === 'ttl') return op.outcome === 'ok' ? `ttl -> ${op.ttl}` : 'ttl';
  return `cas ${describeValue(call.expected)} -> ${JSON.stringify(call.value)}${op.refused ? ' refused' : ''}`;
}

/** One line: `op 45  process 3  get -> "v1"  ok  t=1000..1250`. */
export function describeOperation(op: Operation): string {
  const outcome = op.completed ? op.outcome : 'info (never completed)';
  const end = op.completeTime === null || op.outcome !== 'ok' ? '?' : String(op.completeTime);
  const session = op.session === undefined ? '' : `  session ${JSON.stringify(op.session)}`;
  return `op ${op.invokeIndex}  process ${op.process}${session}  ${describeCall(op)}  ${outcome}  t=${op.invokeTime}..${end}`;
}

/** `could only hold "a"`, `could only be absent`, `could only hold "a" or "b", or be absent`. */
export function describePossibleValues(values: readonly (string | null)[] | undefined): string {
  if (values === undefined) return 'could hold any value';
  const strings = values.filter((v): v is string => v !== null).map((v) => JSON.stringify(v));
  // The search remembers at most frontierStatesMax values: a full list may not be all of them.
  const more = values.length >= frontierStatesMax ? ', among others' : '';
  const list = strings.length <= 1 ? (strings[0] ?? '') : `${strings.slice(0, -1).join(', ')} or ${strings[strings.length - 1]}${more}`;
  if (strings.length === 0) return values.length === 0 ? 'could hold no value at all' : 'could only be absent';
  return strings.length === values.length ? `could only hold ${list}` : `could only hold ${list}, or be absent`;
}

/**
 * Why the key fails, around `stuck`: the op whose completion no linearization gets past. `possible`
 * are the values the key could hold at that completion (undefined: any value).
 */
export function explainViolation(stuck: Operation, possible: readonly (string | null)[] | undefined, sessions = false): string {
  const who = `${stuck.call.f} of key ${JSON.stringify(stuck.call.key)} by process ${stuck.process} (op ${stuck.invokeIndex})`;
  const holds = describePossibleValues(possible);
  const order = `no order of the operations that respects real time${sessions ? ' and session order' : ''}`;
  if (stuck.refused) {
    return `${who} was refused (the key did not hold ${describeValue(stuck.call.f === 'cas' ? stuck.call.expected : null)}) by t=${stuck.completeTime}, but ${order} explains that: the key ${holds} then.`;
  }
  if (stuck.call.f === 'ttl') {
    return `${who} answered ${stuck.ttl} (${stuck.ttl === -2 ? 'absent' : stuck.ttl === -1 ? 'present, no expiry' : 'present, expiring'}) at t=${stuck.completeTime}, but ${order} explains that: the key ${holds} then.`;
  }
  if (stuck.call.f === 'get') {
    return `${who} returned ${describeValue(stuck.read)} at t=${stuck.completeTime}, but ${order} explains that: the key ${holds} then.`;
  }
  if (stuck.call.f === 'cas') {
    return `${who} succeeded swapping ${describeValue(stuck.call.expected)} for ${JSON.stringify(stuck.call.value)} by t=${stuck.completeTime}, but ${order} lets it: the key ${holds} then.`;
  }
  return `${who}, ${describeCall(stuck)}, completed at t=${stuck.completeTime}, but ${order} fits it in before then (the key ${holds} without it).`;
}
