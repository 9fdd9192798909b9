// The rules that span lines of a history: indexes increase, time never goes backwards, each process has
// at most one operation outstanding, every completion answers an invoke of the same f and key, and a
// process that ended with `info` is never used again. Pairs events into Operations as it goes. The
// parser and the writer both run every event through it, so what one writes the other accepts.
import {
  describeFound,
  type HistoryEvent,
  type HistoryValue,
  HistoryError,
  type Operation,
  type OperationCall,
  type OperationOutcome,
} from './history-types.ts';

interface Outstanding {
  readonly event: HistoryEvent;
  readonly line: number;
  /** Where its operation goes in `operationsInOrder` (invoke order). */
  readonly slot: number;
}

export class HistoryValidator {
  private readonly outstanding = new Map<number, Outstanding>();
  /** Processes that ended with info, with the line of that info. */
  private readonly retired = new Map<number, number>();
  /** In invoke order; a slot stays undefined while its operation is outstanding. */
  private readonly operationsInOrder: (Operation | undefined)[] = [];
  private lastIndex = -1;
  private lastTime = 0;
  private lastLine = 0;

  /** `keepOperations: false` (the writer) keeps no record of finished operations, so memory stays bounded. */
  constructor(readonly file: string, private readonly keepOperations = true) {}

  /** Checks one event (at 1-based `line`) against the events before it. Throws HistoryError. */
  accept(event: HistoryEvent, line: number): void {
    this.checkOrder(event, line);
    if (event.type === 'invoke') this.acceptInvoke(event, line);
    else this.acceptCompletion(event, line);
    this.lastIndex = event.index;
    this.lastTime = event.time;
    this.lastLine = line;
  }

  /** Every operation in invoke order; those still outstanding count as `info` (the run ended first). */
  operations(): Operation[] {
    const all = this.operationsInOrder.slice();
    for (const { event, line, slot } of this.outstanding.values()) all[slot] = pendingOperation(event, line);
    return all as Operation[];
  }

  private checkOrder(event: HistoryEvent, line: number): void {
    if (event.index <= this.lastIndex) {
      throw new HistoryError(this.file, line, 'index', describeFound(event.index),
        `allowed: an integer > ${this.lastIndex} (indexes increase; line ${this.lastLine} has ${this.lastIndex})`);
    }
    if (event.time < this.lastTime) {
      throw new HistoryError(this.file, line, 'time', describeFound(event.time),
        `allowed: an integer >= ${this.lastTime} (time must not go backwards; line ${this.lastLine} has ${this.lastTime})`);
    }
  }

  private acceptInvoke(event: HistoryEvent, line: number): void {
    const open = this.outstanding.get(event.process);
    if (open) {
      throw new HistoryError(this.file, line, 'process', describeFound(event.process),
        `allowed: a process with no operation outstanding (process ${event.process} invoked at line ${open.line} and has not completed)`);
    }
    const retiredAt = this.retired.get(event.process);
    if (retiredAt !== undefined) {
      throw new HistoryError(this.file, line, 'process', describeFound(event.process),
        `allowed: a fresh process id (process ${event.process} ended with info at line ${retiredAt}; after info a client continues as a new process)`);
    }
    const slot = this.keepOperations ? this.operationsInOrder.push(undefined) - 1 : -1;
    this.outstanding.set(event.process, { event, line, slot });
  }

  private acceptCompletion(event: HistoryEvent, line: number): void {
    const open = this.outstanding.get(event.process);
    if (!open) {
      throw new HistoryError(this.file, line, 'type', describeFound(event.type),
        `allowed: invoke (a completion needs an outstanding invoke of process ${event.process}, and it has none)`);
    }
    const invoke = open.event;
    if (event.f !== invoke.f) throw this.mismatch(event, open, 'f', line);
    if (event.key !== invoke.key) throw this.mismatch(event, open, 'key', line);
    // A completion may leave the session out; one it does give must be the invoke's.
    if (event.session !== undefined && event.session !== invoke.session) {
      throw new HistoryError(this.file, line, 'session', describeFound(event.session),
        `allowed: ${invoke.session === undefined ? 'no session field (the invoke' : `${describeFound(invoke.session)} or no session field (the session of the invoke`} at line ${open.line}${invoke.session === undefined ? ' has none)' : ')'}`);
    }
    // put and cas completions may omit the value; a value they do give must repeat the invoke's.
    const echoes = invoke.f === 'put' || invoke.f === 'cas';
    if (event.ttlMs !== undefined && event.ttlMs !== invoke.ttlMs) {
      throw new HistoryError(this.file, line, 'ttlMs', describeFound(event.ttlMs),
        `allowed: ${invoke.ttlMs === undefined ? 'no ttlMs field (the invoke' : `${invoke.ttlMs} or no ttlMs field (the ttlMs of the invoke`} at line ${open.line}${invoke.ttlMs === undefined ? ' has none)' : ')'}`);
    }
    if (echoes && event.value !== null && !sameValue(event.value, invoke.value)) {
      throw new HistoryError(this.file, line, 'value', describeFound(event.value),
        `allowed: ${describeFound(invoke.value)} (the value of the invoke at line ${open.line}) or no value field`);
    }
    this.outstanding.delete(event.process);
    if (event.type === 'info') this.retired.set(event.process, line);
    if (!this.keepOperations) return;
    const operation: Operation = {
      process: event.process,
      call: callOf(invoke),
      outcome: event.type as OperationOutcome,
      read: invoke.f === 'get' && event.type === 'ok' ? (event.value as string | null) : null,
      refused: event.swapped === false,
      ...(invoke.f === 'ttl' && event.type === 'ok' ? { ttl: event.value as number } : {}),
      completed: true,
      invokeIndex: invoke.index,
      invokeTime: invoke.time,
      invokeLine: open.line,
      completeIndex: event.index,
      completeTime: event.time,
    };
    this.operationsInOrder[open.slot] = invoke.session === undefined ? operation : { ...operation, session: invoke.session };
  }

  private mismatch(event: HistoryEvent, open: Outstanding, field: 'f' | 'key', line: number): HistoryError {
    return new HistoryError(this.file, line, field, describeFound(event[field]),
      `allowed: ${describeFound(open.event[field])}, as in the invoke of process ${event.process} at line ${open.line}`);
  }
}

function sameValue(a: HistoryValue, b: HistoryValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a[0] === b[0] && a[1] === b[1];
  return a === b;
}

function callOf(invoke: HistoryEvent): OperationCall {
  const { f, key, value } = invoke;
  if (f === 'put') return invoke.ttlMs === undefined ? { f, key, value: value as string } : { f, key, value: value as string, ttlMs: invoke.ttlMs };
  if (f === 'cas') {
    const [expected, next] = value as readonly [string | null, string];
    return { f, key, expected, value: next };
  }
  return { f, key };
}

function pendingOperation(invoke: HistoryEvent, line: number): Operation {
  return {
    process: invoke.process,
    ...(invoke.session === undefined ? {} : { session: invoke.session }),
    call: callOf(invoke),
    outcome: 'info',
    read: null,
    refused: false,
    completed: false,
    invokeIndex: invoke.index,
    invokeTime: invoke.time,
    invokeLine: line,
    completeIndex: null,
    completeTime: null,
  };
}
