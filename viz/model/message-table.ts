// Network frames paired from send to deliver or drop, as columns (a long run has hundreds of
// thousands). Copies made by net.duplicate are frames of their own that point back at the original.
import { Growable } from './growable.ts';
import { IdIndex } from './id-index.ts';
import type { MessageSummary, TraceEvent } from './trace-types.ts';

export const MessageStatus = { InFlight: 0, Delivered: 1, Dropped: 2 } as const;

export const messageFlagDuplicated = 1;
export const messageFlagReject = 2;

export interface MessageTable {
  readonly count: number;
  /** Ascending. */
  readonly sendT: Float64Array;
  /** Deliver or drop time; NaN while in flight at the end of the trace. */
  readonly endT: Float64Array;
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly group: Int32Array;
  readonly term: Float64Array;
  readonly typeCode: Uint8Array;
  readonly status: Uint8Array;
  readonly flags: Uint8Array;
  /** Index of the original frame for a copy, else -1. */
  readonly copyOf: Int32Array;
  readonly dropReasonCode: Uint8Array;
  /** Event index of the send (or duplicate) and of the deliver/drop (-1: none). */
  readonly sendEvent: Int32Array;
  readonly endEvent: Int32Array;
  readonly types: readonly string[];
  readonly dropReasons: readonly string[];
  /**
   * Frames whose flight is longer than `flightMsCut` (or never ended), kept apart so that a time
   * window query only scans sends in [t0 - flightMsCut, t1] plus these.
   */
  readonly flightMsCut: number;
  readonly longFlights: Int32Array;
}

const codesMax = 255;
/** Frames above this quantile of flight time are treated as long (see MessageTable.longFlights). */
const longFlightQuantile = 0.999;

class Interner {
  readonly names: string[] = [];
  private readonly codes = new Map<string, number>();
  code(name: string): number {
    let code = this.codes.get(name);
    if (code === undefined) {
      code = Math.min(this.names.length, codesMax);
      if (code === this.names.length) this.names.push(name);
      this.codes.set(name, code);
    }
    return code;
  }
}

export interface MessageWarning {
  readonly eventIndex: number;
  readonly message: string;
}

export class MessageTableBuilder {
  readonly warnings: MessageWarning[] = [];
  private readonly sendT = new Growable(Float64Array);
  private readonly endT = new Growable(Float64Array);
  private readonly from = new Growable(Int32Array);
  private readonly to = new Growable(Int32Array);
  private readonly group = new Growable(Int32Array);
  private readonly term = new Growable(Float64Array);
  private readonly typeCode = new Growable(Uint8Array);
  private readonly status = new Growable(Uint8Array);
  private readonly flags = new Growable(Uint8Array);
  private readonly copyOf = new Growable(Int32Array);
  private readonly dropReasonCode = new Growable(Uint8Array);
  private readonly sendEvent = new Growable(Int32Array);
  private readonly endEvent = new Growable(Int32Array);
  private readonly types = new Interner();
  private readonly dropReasons = new Interner();
  private readonly byId = new IdIndex();

  add(event: TraceEvent, index: number): void {
    switch (event.kind) {
      case 'net.send': {
        const msg = event.msg as MessageSummary;
        const flags = msg.reject === true ? messageFlagReject : 0;
        this.byId.set(event.id, this.push(event, index, this.types.code(msg.type), msg.group ?? 0, msg.term ?? 0, flags, -1));
        return;
      }
      case 'net.duplicate':
        return this.duplicate(event, index);
      case 'net.deliver':
      case 'net.drop':
        return this.end(event, index);
    }
  }

  finish(): MessageTable {
    const sendT = this.sendT.finish();
    const endT = this.endT.finish();
    const { cut, long } = splitLongFlights(sendT, endT);
    return {
      count: sendT.length, sendT, endT, from: this.from.finish(), to: this.to.finish(), group: this.group.finish(),
      term: this.term.finish(), typeCode: this.typeCode.finish(), status: this.status.finish(), flags: this.flags.finish(),
      copyOf: this.copyOf.finish(), dropReasonCode: this.dropReasonCode.finish(), sendEvent: this.sendEvent.finish(),
      endEvent: this.endEvent.finish(), types: this.types.names, dropReasons: this.dropReasons.names,
      flightMsCut: cut, longFlights: long,
    };
  }

  private duplicate(event: TraceEvent, index: number): void {
    const original = this.byId.get(event.id);
    if (original === undefined) {
      this.warnings.push({ eventIndex: index, message: `net.duplicate of frame ${JSON.stringify(event.id)}, which was never sent` });
      return;
    }
    this.flags.set(original, this.flags.get(original) | messageFlagDuplicated);
    const copy = this.push(event, index, this.typeCode.get(original), this.group.get(original), this.term.get(original), this.flags.get(original) & messageFlagReject, original);
    this.byId.set(event.copy, copy);
  }

  private end(event: TraceEvent, index: number): void {
    let message = this.byId.get(event.id);
    if (message === undefined) {
      this.warnings.push({ eventIndex: index, message: `${event.kind} of frame ${JSON.stringify(event.id)}, which was never sent` });
      return;
    }
    if (this.status.get(message) !== MessageStatus.InFlight) {
      // Reached its end twice without a net.duplicate: show the second arrival as an unannounced copy.
      const original = message;
      this.flags.set(original, this.flags.get(original) | messageFlagDuplicated);
      message = this.push(event, index, this.typeCode.get(original), this.group.get(original), this.term.get(original), 0, original);
    }
    const dropped = event.kind === 'net.drop';
    this.status.set(message, dropped ? MessageStatus.Dropped : MessageStatus.Delivered);
    this.endT.set(message, event.t);
    this.endEvent.set(message, index);
    if (dropped) this.dropReasonCode.set(message, this.dropReasons.code(event.reason as string));
  }

  private push(event: TraceEvent, index: number, type: number, group: number, term: number, flags: number, copyOf: number): number {
    this.sendT.push(event.t);
    this.endT.push(Number.NaN);
    this.from.push(event.from as number);
    this.to.push(event.to as number);
    this.group.push(group);
    this.term.push(term);
    this.typeCode.push(type);
    this.status.push(MessageStatus.InFlight);
    this.flags.push(flags);
    this.copyOf.push(copyOf);
    this.dropReasonCode.push(0);
    this.sendEvent.push(index);
    this.endEvent.push(-1);
    return this.sendT.length - 1;
  }
}

/** Flights sampled to estimate the long-flight quantile (a sort of every flight costs too much). */
const flightSamplesMax = 20_000;

function splitLongFlights(sendT: Float64Array, endT: Float64Array): { cut: number; long: Int32Array } {
  const stride = Math.max(1, Math.floor(sendT.length / flightSamplesMax));
  const samples = new Float64Array(Math.ceil(sendT.length / stride));
  let sampled = 0;
  for (let i = 0; i < sendT.length; i += stride) if (!Number.isNaN(endT[i])) samples[sampled++] = endT[i] - sendT[i];
  const sorted = samples.subarray(0, sampled).sort();
  const cut = sampled === 0 ? 0 : sorted[Math.min(sampled - 1, Math.floor(sampled * longFlightQuantile))];
  const long: number[] = [];
  for (let i = 0; i < sendT.length; i += 1) if (Number.isNaN(endT[i]) || endT[i] - sendT[i] > cut) long.push(i);
  return { cut, long: Int32Array.from(long) };
}

/**
 * Indexes of frames whose flight overlaps [t0, t1], in send order (then the long ones).
 * `visit` returns false to stop early.
 */
export function forEachMessageIn(table: MessageTable, t0: number, t1: number, endOfTrace: number, visit: (index: number) => boolean | void): void {
  let low = 0;
  let high = table.count;
  const from = t0 - table.flightMsCut;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (table.sendT[mid] < from) low = mid + 1;
    else high = mid;
  }
  const cut = table.flightMsCut;
  for (let i = low; i < table.count && table.sendT[i] <= t1; i += 1) {
    const end = table.endT[i];
    if (Number.isNaN(end) || end - table.sendT[i] > cut) continue; // visited below, once
    if (end >= t0 && visit(i) === false) return;
  }
  for (const i of table.longFlights) {
    const end = Number.isNaN(table.endT[i]) ? endOfTrace : table.endT[i];
    if (table.sendT[i] <= t1 && end >= t0 && visit(i) === false) return;
  }
}
