// Serialises trace events as JSON lines (docs/trace.md): the meta header first, then one event per
// line with `t`, `seq`, `node`, `kind` first and the kind's fields in insertion order. The output
// depends only on the events recorded, so the same run gives byte-identical text.
import { closeSync, openSync, writeSync } from 'node:fs';
import { assert } from '../../core/types.ts';
import type { NodeId } from '../../core/types.ts';
import { GzipFile } from './gzip-file.ts';
import { KindFilter, type KindSelection } from './kind-filter.ts';
import type { TraceSink } from './trace-sink.ts';

export interface TraceMeta {
  readonly scenario: string;
  readonly seed: number | string;
  readonly version: number;
  readonly [field: string]: unknown;
}

export interface TraceWriterOptions {
  readonly meta: TraceMeta;
  /** Kinds to record; default all. */
  readonly kinds?: KindSelection;
  /** Write to this file (created or truncated); default: keep the lines in memory. */
  readonly path?: string;
  /** gzip the file (one member; compressed on a helper thread while the run goes on). */
  readonly compress?: boolean;
}

/** Where a file trace's text goes: straight to the file, or through gzip. */
interface TextFile {
  write(text: string): void;
  close(): void;
}

/** Buffered text is flushed to the file past this many characters. */
const fileBufferCharsMax = 1 << 18;

export class TraceWriter implements TraceSink {
  /** Events written so far (the last `seq`). */
  eventsWritten = 0;
  private readonly filter: KindFilter;
  private readonly lines: string[] = [];
  private readonly fd: TextFile | undefined;
  /** `,"kind":"net.send"` per kind: the kind's JSON is built once, not per event. */
  private readonly kindJson = new Map<string, string>();
  private bufferChars = 0;
  private closed = false;

  constructor(options: TraceWriterOptions) {
    this.filter = new KindFilter(options.kinds ?? 'all');
    this.fd = options.path === undefined ? undefined : options.compress ? new GzipFile(options.path) : plainFile(options.path);
    const { scenario, seed, version, ...rest } = options.meta;
    this.append(JSON.stringify({ kind: 'meta', scenario, seed, version, ...rest }));
  }

  enabled(kind: string): boolean {
    return this.filter.enabled(kind);
  }

  record(tUs: number, node: NodeId | null, kind: string, fields?: Record<string, unknown>): void {
    if (!this.filter.enabled(kind)) return;
    assert(!this.closed, 'trace event recorded after close()');
    const seq = ++this.eventsWritten;
    let kindJson = this.kindJson.get(kind);
    if (kindJson === undefined) {
      kindJson = `,"kind":${JSON.stringify(kind)}`;
      this.kindJson.set(kind, kindJson);
    }
    let line = `{"t":${tUs / 1000},"seq":${seq},"node":${node === null ? 'null' : node}${kindJson}`;
    if (fields !== undefined) {
      const body = JSON.stringify(fields);
      if (body.length > 2) line += ',' + body.slice(1, -1);
    }
    this.append(line + '}');
  }

  /** The whole trace so far (memory mode), newline-terminated. */
  text(): string {
    assert(this.fd === undefined, 'text() is only for an in-memory trace');
    return this.lines.length === 0 ? '' : this.lines.join('\n') + '\n';
  }

  /** Parsed lines (memory mode), for tests and tools. */
  events(): Array<Record<string, unknown>> {
    assert(this.fd === undefined, 'events() is only for an in-memory trace');
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Flushes and closes the file; a no-op in memory mode. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.fd === undefined) return;
    this.flush();
    this.fd.close();
  }

  private append(line: string): void {
    this.lines.push(line);
    if (this.fd === undefined) return;
    this.bufferChars += line.length + 1;
    if (this.bufferChars > fileBufferCharsMax) this.flush();
  }

  private flush(): void {
    if (this.fd === undefined || this.lines.length === 0) return;
    this.fd.write(this.lines.join('\n') + '\n');
    this.lines.length = 0;
    this.bufferChars = 0;
  }
}

function plainFile(path: string): TextFile {
  const fd = openSync(path, 'w');
  return { write: (text) => void writeSync(fd, text), close: () => closeSync(fd) };
}
