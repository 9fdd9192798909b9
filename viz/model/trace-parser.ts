// Reads trace.jsonl incrementally: feed it text chunks as they arrive (a fetch stream, a file) and it
// hands each checked event to a sink. The first malformed line stops reading with a problem naming the
// line and what was expected; everything before it stays usable. A last line without its newline that
// does not parse is a truncated file: a warning, not an error.
import { checkKindFields, describeValue } from './trace-schema.ts';
import type { TraceEvent, TraceMeta, TraceProblem } from './trace-types.ts';

export interface TraceSink {
  meta(meta: TraceMeta): void;
  /** `index` counts accepted events from 0; `raw` is the line as written. */
  event(event: TraceEvent, index: number, raw: string): void;
}

const excerptCharsMax = 160;

export class TraceParser {
  readonly problems: TraceProblem[] = [];
  private pending = '';
  private lineNumber = 0;
  private sawMeta = false;
  private previousSeq = -Infinity;
  private previousT = -Infinity;
  private accepted = 0;
  private stopped = false;

  constructor(private readonly file: string, private readonly sink: TraceSink) {}

  get eventCount(): number {
    return this.accepted;
  }

  /** True once a fatal problem stopped reading; further chunks are ignored. */
  get failed(): boolean {
    return this.stopped;
  }

  push(chunk: string): void {
    if (this.stopped) return;
    // Lines are cut from the chunk itself: searching a concatenation (pending + chunk) is several
    // times slower in V8, so only the line that straddles two chunks is joined.
    let start = 0;
    if (this.pending.length > 0) {
      const newline = chunk.indexOf('\n');
      if (newline < 0) {
        this.pending += chunk;
        return;
      }
      this.readLine(stripReturn(this.pending + chunk.slice(0, newline)), true);
      this.pending = '';
      start = newline + 1;
    }
    for (;;) {
      if (this.stopped) return;
      const newline = chunk.indexOf('\n', start);
      if (newline < 0) break;
      const end = newline > start && chunk.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      this.readLine(chunk.slice(start, end), true);
      start = newline + 1;
    }
    this.pending = chunk.slice(start);
  }

  /** Call once after the last chunk. */
  end(): void {
    if (!this.stopped && this.pending.trim().length > 0) this.readLine(this.pending, false);
    this.pending = '';
    if (!this.stopped && !this.sawMeta) this.report(0, 'the trace is empty: expected a header line {"kind":"meta",...}', '', true);
  }

  private readLine(raw: string, terminated: boolean): void {
    this.lineNumber += 1;
    if (raw.trim().length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (!terminated) {
        const message = `the last line is cut off (${reason}); the file was probably truncated while being written — showing the ${this.accepted} events before it`;
        this.report(this.lineNumber, message, raw, false);
        return;
      }
      this.report(this.lineNumber, `not valid JSON (${reason})`, raw, true);
      return;
    }
    const problem = this.sawMeta ? this.checkEvent(value) : this.checkMeta(value);
    if (problem !== null) this.report(this.lineNumber, problem, raw, true);
    else if (!this.sawMeta) this.acceptMeta(value as TraceMeta);
    else this.acceptEvent(value as TraceEvent, raw);
  }

  private checkMeta(value: unknown): string | null {
    if (!isObject(value) || value.kind !== 'meta') {
      const got = isObject(value) ? `kind ${describeValue(value.kind)}` : describeValue(value);
      return `expected the header {"kind":"meta","scenario":...,"seed":...,"version":...} as the first line, got ${got}`;
    }
    if (value.nodes !== undefined && !(Array.isArray(value.nodes) && value.nodes.every(Number.isInteger))) {
      return `expected header "nodes" to be an array of integer node ids, got ${describeValue(value.nodes)}`;
    }
    return null;
  }

  private checkEvent(value: unknown): string | null {
    if (!isObject(value)) return `expected a JSON object (an event), got ${describeValue(value)}`;
    if (typeof value.kind !== 'string' || value.kind.length === 0) return `expected "kind" to be a non-empty string, got ${describeValue(value.kind)}`;
    if (typeof value.t !== 'number' || !Number.isFinite(value.t) || value.t < 0) {
      return `expected "t" (virtual ms) to be a number >= 0, got ${describeValue(value.t)}`;
    }
    if (!Number.isInteger(value.seq)) return `expected "seq" to be an integer, got ${describeValue(value.seq)}`;
    if ((value.seq as number) <= this.previousSeq) return `expected "seq" to be greater than the previous event's ${this.previousSeq}, got ${value.seq}`;
    if (value.t < this.previousT) return `expected "t" to be at least the previous event's ${this.previousT} (time never goes back), got ${value.t}`;
    if (value.node !== null && !Number.isInteger(value.node)) return `expected "node" to be an integer node id or null, got ${describeValue(value.node)}`;
    return checkKindFields(value as unknown as TraceEvent);
  }

  private acceptMeta(meta: TraceMeta): void {
    this.sawMeta = true;
    this.sink.meta(meta);
  }

  private acceptEvent(event: TraceEvent, raw: string): void {
    this.previousSeq = event.seq;
    this.previousT = event.t;
    this.sink.event(event, this.accepted, raw);
    this.accepted += 1;
  }

  private report(line: number, message: string, raw: string, fatal: boolean): void {
    const excerpt = raw.length > excerptCharsMax ? `${raw.slice(0, excerptCharsMax)}…` : raw;
    this.problems.push({ file: this.file, line, message, fatal, excerpt });
    if (fatal) this.stopped = true;
  }
}

function stripReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
