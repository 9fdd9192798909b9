// Writes the synthetic trace and history lines in the exact formats of docs/trace.md and
// CONTRACTS.md: t, seq, node, kind first, then the kind's fields in the documented order.
import type { EventQueue } from './event-queue.ts';

export class TraceOut {
  readonly lines: string[] = [];
  readonly historyLines: string[] = [];
  private seq = 0;
  private historyIndex = 0;

  constructor(private readonly queue: EventQueue) {}

  get eventCount(): number {
    return this.seq;
  }

  emit(node: number | null, kind: string, fields: Record<string, unknown> = {}): void {
    this.seq += 1;
    const head = `{"t":${this.queue.nowUs / 1000},"seq":${this.seq},"node":${node === null ? 'null' : node},"kind":"${kind}"`;
    const body = JSON.stringify(fields);
    this.lines.push(body.length > 2 ? `${head},${body.slice(1)}` : `${head}}`);
  }

  /** Appends a history line and returns its index. */
  history(process: number, type: string, f: string, key: string, value: unknown): number {
    const index = this.historyIndex++;
    this.historyLines.push(JSON.stringify({ index, process, type, f, key, value, time: this.queue.nowUs }));
    return index;
  }
}
