// Injected faults as time spans, paired fault.start -> fault.stop by id. A fault never healed lasts
// to the end of the trace.
import type { TraceEvent } from './trace-types.ts';

export interface FaultSpan {
  readonly id: string;
  readonly fault: string;
  readonly start: number;
  readonly end: number;
  /** Still active when the trace ended. */
  readonly open: boolean;
  /** The node the fault targets (the event's `node`), if any. */
  readonly node: number | null;
  /** Partition sides, when the fault has `groups`. */
  readonly groups: readonly (readonly number[])[] | null;
  readonly label: string;
  /** The fault.start line's fields, for the inspector. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly startEvent: number;
}

export class FaultSpanBuilder {
  private readonly spans: FaultSpan[] = [];
  private readonly active = new Map<string, { event: TraceEvent; index: number }>();

  add(event: TraceEvent, index: number): void {
    const id = String(event.id);
    if (event.kind === 'fault.start') {
      this.active.set(id, { event, index });
    } else if (event.kind === 'fault.stop') {
      const started = this.active.get(id);
      if (started === undefined) return;
      this.active.delete(id);
      this.spans.push(faultSpan(started.event, started.index, event.t, false));
    }
  }

  finish(endT: number): FaultSpan[] {
    for (const { event, index } of this.active.values()) this.spans.push(faultSpan(event, index, endT, true));
    this.active.clear();
    this.spans.sort((a, b) => a.start - b.start);
    return this.spans;
  }
}

function faultSpan(event: TraceEvent, startEvent: number, end: number, open: boolean): FaultSpan {
  const groups = partitionGroups(event.groups);
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(event)) if (!['t', 'seq', 'kind'].includes(name)) fields[name] = value;
  return { id: String(event.id), fault: event.fault as string, start: event.t, end, open, node: event.node, groups, label: faultLabel(event, groups), fields, startEvent };
}

function partitionGroups(value: unknown): number[][] | null {
  if (!Array.isArray(value)) return null;
  const sides = value.filter((side): side is number[] => Array.isArray(side) && side.every(Number.isInteger));
  return sides.length === value.length ? sides : null;
}

/** "partition 1,2 | 3", "one-way 1→3", "pause n2". */
export function faultLabel(event: TraceEvent, groups: readonly (readonly number[])[] | null): string {
  const name = event.fault as string;
  if (groups !== null) return `${name} ${groups.map((side) => side.join(',')).join(' | ')}`;
  const from = nodeListText(event.from);
  const to = nodeListText(event.to);
  if (from !== null && to !== null) return `${name} ${from}→${to}`;
  if (event.node !== null) return `${name} n${event.node}`;
  return name;
}

function nodeListText(value: unknown): string | null {
  if (Number.isInteger(value)) return String(value);
  if (Array.isArray(value) && value.every(Number.isInteger)) return value.join(',');
  return null;
}

/** Which side of a partition a node is on (-1: on none, so cut off from all). */
export function partitionSide(groups: readonly (readonly number[])[], node: number): number {
  return groups.findIndex((side) => side.includes(node));
}
