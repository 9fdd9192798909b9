// history.jsonl (CONTRACTS.md): a writer for workload clients (simulated or against a prod cluster) and
// a strict parser. Both run each event through HistoryValidator, so the writer cannot produce a file
// the parser rejects. No I/O here: the writer hands lines to a sink, the parser takes text, so the
// browser timeline can load this module too.
import { assert } from '../core/types.ts';
import { parseHistoryLine } from './history-line.ts';
import type { HistoryEvent, HistoryEventType, HistoryValue, Operation, OperationCall, Session } from './history-types.ts';
import { HistoryValidator } from './history-validator.ts';

export * from './history-types.ts';
export { parseHistoryLine } from './history-line.ts';
export { HistoryValidator } from './history-validator.ts';

export interface ParsedHistory {
  readonly file: string;
  /** In invoke order. Operations the file leaves outstanding are `info` with `completed: false`. */
  readonly operations: Operation[];
  readonly eventCount: number;
}

/** Parses a whole history. Blank lines are skipped. Throws HistoryError naming file, line and field. */
export function parseHistory(text: string, file: string): ParsedHistory {
  const validator = new HistoryValidator(file);
  let eventCount = 0;
  let lineNumber = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    validator.accept(parseHistoryLine(line, lineNumber, file), lineNumber);
    eventCount++;
  }
  return { file, operations: validator.operations(), eventCount };
}

/**
 * The line for one event: fields in contract order, no trailing newline. Byte for byte what
 * JSON.stringify of the event's fields in that order gives (a test holds it to that), built by hand
 * because a run formats one line per client invoke and completion.
 */
export function formatHistoryEvent(event: HistoryEvent): string {
  const { index, process, session, type, f, key, value, swapped, ttlMs, time } = event;
  const sessionField = session === undefined ? '' : `,"session":${JSON.stringify(session)}`;
  const swappedField = swapped === undefined ? '' : `,"swapped":${swapped}`;
  const ttlField = ttlMs === undefined ? '' : `,"ttlMs":${ttlMs}`;
  return `{"index":${index},"process":${process}${sessionField},"type":"${type}","f":"${f}","key":${JSON.stringify(key)},"value":${formatValue(value)}${ttlField}${swappedField},"time":${time}}`;
}

function formatValue(value: HistoryValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  return `[${value[0] === null ? 'null' : JSON.stringify(value[0])},${JSON.stringify(value[1])}]`;
}

export type HistorySink = (line: string) => void;

/**
 * Records a history as a client runs. `time` is integer microseconds from a clock that never goes
 * backwards (virtual time in sim; in prod e.g. Math.round((performance.timeOrigin + performance.now()) * 1000)).
 * Each call hands one line (with a trailing newline) to the sink and returns the event's index.
 * Misuse (two outstanding operations for a process, time going back, reuse after info) throws HistoryError.
 */
export class HistoryWriter {
  private readonly validator: HistoryValidator;
  private readonly calls = new Map<number, OperationCall>();
  /** The session of each outstanding call that has one (repeated on its completion). */
  private readonly sessions = new Map<number, Session>();
  private nextIndex = 0;
  private readonly keepsOperations: boolean;

  /**
   * `keepOperations`: also pair the events into Operations as they are written (what parseHistory of
   * the written text returns), so a simulated run need not parse its own history back.
   */
  constructor(private readonly sink: HistorySink, file = 'history.jsonl', keepOperations = false) {
    this.validator = new HistoryValidator(file, keepOperations);
    this.keepsOperations = keepOperations;
  }

  get eventCount(): number {
    return this.nextIndex;
  }

  /** Every operation written so far, in invoke order, as parseHistory would give them (needs keepOperations). */
  operations(): Operation[] {
    assert(this.keepsOperations, 'HistoryWriter.operations() needs keepOperations');
    return this.validator.operations();
  }

  /** `session`: the connection the call is sent on, if the client keeps one (see Session). */
  invoke(process: number, call: OperationCall, time: number, session?: Session): number {
    const index = this.emit(process, 'invoke', call, callValue(call), time, session);
    this.calls.set(process, call);
    if (session !== undefined) this.sessions.set(process, session);
    return index;
  }

  /** The operation took effect. A get passes the value it read (null: absent); a ttl read its answer (-2, -1, ms left). */
  ok(process: number, time: number, read?: string | null | number): number {
    const call = this.callOf(process);
    // The message is built only on failure (a template argument would be formatted on every ok).
    if ((call.f === 'get' || call.f === 'ttl') && read === undefined) assert(false, `ok of a ${call.f} by process ${process} needs the value read`);
    return this.complete(process, 'ok', call.f === 'get' || call.f === 'ttl' ? (read as string | null | number) : callValue(call), time);
  }

  /**
   * A cas whose expectation did not hold: it wrote nothing, and it observed that the key held something
   * else. Recorded as an `ok` cas with `"swapped": false`, which the checker verifies.
   */
  refused(process: number, time: number): number {
    const call = this.callOf(process);
    assert(call.f === 'cas', () => `refused() by process ${process} completes a ${call.f}; only a cas can be refused`);
    return this.complete(process, 'ok', callValue(call), time, false);
  }

  /** The operation definitely did not take effect. */
  fail(process: number, time: number): number {
    const call = this.callOf(process);
    return this.complete(process, 'fail', callValue(call), time);
  }

  /** The outcome is unknown (a timeout). The client must continue under a new process id. */
  info(process: number, time: number): number {
    const call = this.callOf(process);
    return this.complete(process, 'info', callValue(call), time);
  }

  private callOf(process: number): OperationCall {
    const call = this.calls.get(process);
    // The validator reports this too, but it needs the call's f and key to build the event.
    if (call === undefined) assert(false, `process ${process} completes an operation it never invoked`);
    return call;
  }

  private complete(process: number, type: HistoryEventType, value: HistoryValue, time: number, swapped?: boolean): number {
    const call = this.callOf(process);
    const index = this.emit(process, type, call, value, time, this.sessions.get(process), swapped);
    this.calls.delete(process);
    this.sessions.delete(process);
    return index;
  }

  private emit(process: number, type: HistoryEventType, call: OperationCall, value: HistoryValue, time: number, session?: Session, swapped?: boolean): number {
    // Messages built only on failure: this runs for every event of a run.
    if (!(Number.isSafeInteger(process) && process >= 0)) assert(false, `process ${process}: must be an integer >= 0`);
    if (!(Number.isSafeInteger(time) && time >= 0)) assert(false, `time ${time}: must be integer microseconds >= 0`);
    const ttlMs = call.f === 'put' ? call.ttlMs : undefined;
    const event: HistoryEvent = session === undefined && swapped === undefined && ttlMs === undefined
      ? { index: this.nextIndex, process, type, f: call.f, key: call.key, value, time }
      : {
          index: this.nextIndex, process, ...(session === undefined ? {} : { session }), type, f: call.f, key: call.key, value,
          ...(ttlMs === undefined ? {} : { ttlMs }), ...(swapped === undefined ? {} : { swapped }), time,
        };
    this.validator.accept(event, this.nextIndex + 1);
    this.nextIndex++;
    this.sink(`${formatHistoryEvent(event)}\n`);
    return event.index;
  }
}

function callValue(call: OperationCall): HistoryValue {
  if (call.f === 'put') return call.value;
  if (call.f === 'cas') return [call.expected, call.value];
  return null;
}
