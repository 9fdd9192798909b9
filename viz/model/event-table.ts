// Every accepted event as columns (time, kind, node) plus its raw line for the inspector and text
// search. Events are in time order, so the time column is the index by time: binary search finds the
// events of any moment in O(log n).
import { Growable, lastAtOrBefore } from './growable.ts';
import type { TraceEvent } from './trace-types.ts';

export interface EventTable {
  readonly count: number;
  readonly t: Float64Array;
  readonly seq: Float64Array;
  readonly kindCode: Uint16Array;
  /** Node id, or -1 for events of the world (node: null). */
  readonly node: Int32Array;
  readonly kinds: readonly string[];
  readonly lines: readonly string[];
}

const kindsMax = 65_535;

export class EventTableBuilder {
  private readonly t = new Growable(Float64Array);
  private readonly seq = new Growable(Float64Array);
  private readonly kindCode = new Growable(Uint16Array);
  private readonly node = new Growable(Int32Array);
  private readonly lines: string[] = [];
  private readonly kinds: string[] = [];
  private readonly codes = new Map<string, number>();

  add(event: TraceEvent, raw: string): void {
    this.t.push(event.t);
    this.seq.push(event.seq);
    this.kindCode.push(this.codeOf(event.kind));
    this.node.push(event.node ?? -1);
    this.lines.push(raw);
  }

  finish(): EventTable {
    return {
      count: this.lines.length,
      t: this.t.finish(),
      seq: this.seq.finish(),
      kindCode: this.kindCode.finish(),
      node: this.node.finish(),
      kinds: this.kinds,
      lines: this.lines,
    };
  }

  private codeOf(kind: string): number {
    let code = this.codes.get(kind);
    if (code === undefined) {
      // Past the cap, rare kinds share the last code; they still appear in the raw lines.
      code = Math.min(this.kinds.length, kindsMax - 1);
      if (code === this.kinds.length) this.kinds.push(kind);
      this.codes.set(kind, code);
    }
    return code;
  }
}

/** Index of the last event at or before time `t` (-1 before the first event). */
export function eventAtTime(table: EventTable, t: number): number {
  return lastAtOrBefore(table.t, t, table.count);
}

/** The next (direction 1) or previous (-1) event index from `from` that `accept` takes (any when null), or -1. */
export function stepEvent(table: EventTable, from: number, direction: 1 | -1, accept: ((index: number) => boolean) | null): number {
  for (let i = from + direction; i >= 0 && i < table.count; i += direction) {
    if (accept === null || accept(i)) return i;
  }
  return -1;
}

/** Parses one event's raw line again (for the inspector); lines were validated when read. */
export function eventAt(table: EventTable, index: number): TraceEvent {
  return JSON.parse(table.lines[index]) as TraceEvent;
}
