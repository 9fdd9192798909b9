// The vocabulary of history.jsonl (CONTRACTS.md "History file"): the raw events, one per line, and the
// operations they pair into (an invoke plus its completion). The checkers work on operations.
import { KvlabError } from '../core/types.ts';

export type HistoryF = 'get' | 'put' | 'delete' | 'cas' | 'ttl';
export type HistoryEventType = 'invoke' | 'ok' | 'fail' | 'info';
export type OperationOutcome = 'ok' | 'fail' | 'info';

export const historyFs: readonly HistoryF[] = ['get', 'put', 'delete', 'cas', 'ttl'];
export const historyEventTypes: readonly HistoryEventType[] = ['invoke', 'ok', 'fail', 'info'];

/**
 * The connection an operation was sent on (optional in a history): an integer >= 0 or a non-empty
 * string. Operations of one session take effect in the order they were invoked.
 */
export type Session = number | string;

/** A cas value: `[expected, new]`; expected null means "only if the key is absent". */
export type CasValue = readonly [expected: string | null, value: string];
/** A ttl read's answer (PTTL): -2 absent, -1 present without expiry, else milliseconds left (>= 1). */
export type HistoryValue = string | null | CasValue | number;

/** One line of history.jsonl. Fields are written in this order. */
export interface HistoryEvent {
  /** Strictly increasing within a file (the writer counts from 0). */
  readonly index: number;
  readonly process: number;
  /** Absent: the operation belongs to no session (no order beyond real time). */
  readonly session?: Session;
  readonly type: HistoryEventType;
  readonly f: HistoryF;
  readonly key: string;
  /** put: the value written; cas: [expected, new]; ok get: the value read or null; otherwise null. */
  readonly value: HistoryValue;
  /** Only on an `ok` cas: false when the expectation did not hold (nothing was written). Absent: true. */
  readonly swapped?: boolean;
  /** Only on a put: the key expires this many ms after the write takes effect (SET … PX). */
  readonly ttlMs?: number;
  /** Integer microseconds, never decreasing within a file. */
  readonly time: number;
}

/** What a client asked for. */
export type OperationCall =
  | { readonly f: 'get'; readonly key: string }
  | { readonly f: 'put'; readonly key: string; readonly value: string; readonly ttlMs?: number }
  | { readonly f: 'delete'; readonly key: string }
  | { readonly f: 'cas'; readonly key: string; readonly expected: string | null; readonly value: string }
  | { readonly f: 'ttl'; readonly key: string };

/** An invoke paired with its completion. */
export interface Operation {
  readonly process: number;
  readonly call: OperationCall;
  /**
   * `ok`: took effect between invoke and completion; `fail`: never happened; `info`: unknown
   * (also when the history ends before the completion was recorded).
   */
  readonly outcome: OperationOutcome;
  /** For an `ok` get: the value read, null when the key was absent. Null otherwise. */
  readonly read: string | null;
  /**
   * True only for an `ok` cas that was refused (`"swapped": false`): it wrote nothing, and at its
   * linearization point the key held something other than the expectation.
   */
  readonly refused: boolean;
  /** For an `ok` ttl read: -2 absent, -1 no expiry, else ms left. Null otherwise. */
  readonly ttl?: number | null;
  /** The session of its invoke, if any. */
  readonly session?: Session;
  /** False when the file ended with the operation outstanding (it counts as `info`). */
  readonly completed: boolean;
  readonly invokeIndex: number;
  readonly invokeTime: number;
  /** 1-based line of the invoke in its file. */
  readonly invokeLine: number;
  readonly completeIndex: number | null;
  readonly completeTime: number | null;
}

/** A history file that does not follow the format: names the file, line, field, what was found and what is allowed. */
export class HistoryError extends KvlabError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string,
    readonly found: string,
    readonly allowed: string,
  ) {
    super('invalid-history', `${file}:${line}: ${field === '' ? 'line' : `field "${field}"`}: found ${found}; ${allowed}`);
    this.name = 'HistoryError';
  }
}

/** A short rendering of a found value for error messages. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
