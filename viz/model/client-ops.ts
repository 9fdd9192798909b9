// Client operations as intervals, from client.invoke to its ok / fail / info. An operation without an
// outcome is still pending at the end of the trace. Rows are packed so that each process keeps one row
// while it lives and a new process (after an info) may reuse a free one.

export type OpOutcome = 'ok' | 'fail' | 'info' | 'pending';

export interface ClientOp {
  /** History index of the invoke. */
  readonly op: number;
  readonly process: number;
  readonly f: string;
  readonly key: unknown;
  /** The invoke's value (what was written, or the cas pair). */
  readonly value: unknown;
  readonly start: number;
  end: number;
  outcome: OpOutcome;
  /** The outcome's value (what was read). */
  result: unknown;
  readonly invokeEvent: number;
  endEvent: number;
  row: number;
}

/** One client.* event or history line, normalised (times in trace ms). */
export interface OpRecord {
  readonly type: 'invoke' | 'ok' | 'fail' | 'info';
  readonly index: number;
  readonly process: number;
  readonly f: string;
  readonly key: unknown;
  readonly value: unknown;
  readonly t: number;
  readonly eventIndex: number;
}

export const opRowsMax = 24;

export class ClientOpBuilder {
  readonly ops: ClientOp[] = [];
  private readonly pendingByProcess = new Map<number, ClientOp>();
  private readonly byIndex = new Map<number, ClientOp>();

  add(record: OpRecord): void {
    if (record.type === 'invoke') {
      const op: ClientOp = {
        op: record.index, process: record.process, f: record.f, key: record.key, value: record.value,
        start: record.t, end: Number.NaN, outcome: 'pending', result: undefined, invokeEvent: record.eventIndex, endEvent: -1, row: 0,
      };
      this.ops.push(op);
      this.pendingByProcess.set(record.process, op);
      this.byIndex.set(record.index, op);
      return;
    }
    // A process has at most one operation outstanding, so the process finds the invoke.
    const op = this.pendingByProcess.get(record.process) ?? this.byIndex.get(record.index);
    if (op === undefined || op.outcome !== 'pending') return;
    this.pendingByProcess.delete(record.process);
    op.end = record.t;
    op.outcome = record.type;
    op.result = record.value;
    op.endEvent = record.eventIndex;
    // Checkers may name an operation by its completion's index too.
    if (!this.byIndex.has(record.index)) this.byIndex.set(record.index, op);
  }

  /** The op a checker's index names (invoke or completion index). */
  find(index: number): ClientOp | undefined {
    return this.byIndex.get(index);
  }

  finish(endT: number): { ops: ClientOp[]; rows: number } {
    for (const op of this.ops) if (op.outcome === 'pending') op.end = endT;
    return { ops: this.ops, rows: packRows(this.ops) };
  }
}

/** Gives every process a row no other live process uses; returns the number of rows. */
function packRows(ops: readonly ClientOp[]): number {
  const span = new Map<number, { start: number; end: number; row: number }>();
  for (const op of ops) {
    const s = span.get(op.process);
    if (s === undefined) span.set(op.process, { start: op.start, end: op.end, row: 0 });
    else s.end = Math.max(s.end, op.end);
  }
  const rowEnds: number[] = [];
  const processes = [...span.values()].sort((a, b) => a.start - b.start);
  for (const p of processes) {
    let row = rowEnds.findIndex((end) => end < p.start);
    if (row < 0) row = rowEnds.length < opRowsMax ? rowEnds.length : rowEnds.indexOf(Math.min(...rowEnds));
    rowEnds[row] = Math.max(rowEnds[row] ?? -Infinity, p.end);
    p.row = row;
  }
  for (const op of ops) op.row = span.get(op.process)!.row;
  return rowEnds.length;
}

export function opLatencyMs(op: ClientOp): number {
  return op.end - op.start;
}
