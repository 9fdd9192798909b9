// What the simulated clients share about one operation's outcome: how a node's answer maps to the
// history's outcomes, and how a call becomes a write and a trace event.
import type { Tracer } from '../../core/env/tracer.ts';
import type { KvWrite } from '../../core/kv/commands.ts';
import type { KvResult } from '../../core/kv/commands.ts';
import type { ClientError, Consistency, KvClientApi, WriteReceipt } from '../../core/node/client-api.ts';
import type { NodeId } from '../../core/types.ts';
import type { OperationCall } from '../../check/history-types.ts';

/** `refused`: a cas whose expectation did not hold (history: ok with "swapped": false). */
export type Outcome = 'ok' | 'refused' | 'fail' | 'info';

/** The write for a call; `wallMs` is the node's clock, which turns a ttl into the absolute expiry (as RESP's SET PX does). */
export function toWrite(call: Exclude<OperationCall, { f: 'get' | 'ttl' }>, wallMs: () => number): KvWrite {
  switch (call.f) {
    case 'put':
      if (call.ttlMs !== undefined) return { op: 'set', key: call.key, value: call.value, expireAtMs: Math.floor(wallMs()) + call.ttlMs };
      return { op: 'set', key: call.key, value: call.value };
    case 'delete':
      return { op: 'del', keys: [call.key] };
    case 'cas':
      return { op: 'cas', key: call.key, expected: call.expected, value: call.value };
  }
}

/** Errors returned before a request was proposed mean it never happened; the rest are unknown. */
export function errorOutcome(error: ClientError): 'fail' | 'info' {
  switch (error.code) {
    case 'noLeader':
    case 'overloaded':
    case 'tooLarge':
    case 'invalid':
    case 'sessionBroken': // queued behind a write of unknown outcome: never executed
      return 'fail';
    case 'timeout':
    case 'stopping':
      return 'info';
  }
}

export function callValue(call: OperationCall): unknown {
  if (call.f === 'put') return call.ttlMs === undefined ? call.value : [call.value, call.ttlMs];
  if (call.f === 'cas') return [call.expected, call.value];
  return null;
}

export interface TracedOutcome {
  readonly op: number;
  readonly process: number;
  readonly call: OperationCall;
  readonly read?: string | null | number;
  readonly target: NodeId;
  readonly session?: number;
}

/** `client.ok` / `client.fail` / `client.info`; a refused cas is a `client.ok` with `swapped: false`. */
export function traceOutcome(tracer: Tracer, outcome: Outcome, o: TracedOutcome): void {
  const kind = outcome === 'refused' ? 'client.ok' : `client.${outcome}`;
  if (!tracer.enabled(kind)) return;
  const { op, process, call, target, session } = o;
  const value = outcome === 'ok' && (call.f === 'get' || call.f === 'ttl') ? (o.read ?? null) : callValue(call);
  const fields: Record<string, unknown> = { op, process, f: call.f, key: call.key, value, target };
  if (outcome === 'refused') fields.swapped = false;
  if (session !== undefined) fields.session = session;
  tracer.emit(kind, fields);
}

/** A get's value, or a ttl read's answer (-2 absent, -1 no expiry, ms left). */
export type ReadValue = string | null | number;
export type SendDone = (outcome: Outcome, read?: ReadValue, receipt?: WriteReceipt) => void;

/** Runs the call on a node's API (on the node's side of the link) and maps the answer to an outcome. */
export function sendCall(api: KvClientApi, call: OperationCall, consistency: Consistency, wallMs: () => number, done: SendDone): void {
  if (call.f === 'get' || call.f === 'ttl') {
    const read = call.f === 'get' ? ({ op: 'get', key: call.key } as const) : ({ op: 'pttl', key: call.key } as const);
    api.read(read, { consistency }, (error, result) => {
      if (error) return done(errorOutcome(error));
      if (call.f === 'get') return done('ok', (result as Extract<KvResult, { kind: 'value' }>).value);
      done('ok', Number((result as Extract<KvResult, { kind: 'int' }>).value));
    });
    return;
  }
  api.write(toWrite(call, wallMs), {}, (error, result, receipt) => {
    if (error) return done(errorOutcome(error));
    if (result?.kind === 'casFailed') return done('refused');
    if (result?.kind === 'error') return done('fail');
    done('ok', undefined, receipt);
  });
}
