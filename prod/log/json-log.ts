// The production log: one JSON object per line, `{"time","level","node","kind", ...fields}`, with
// fields in the order given. It is also the node's core/env Tracer, so every event core emits
// (docs/trace.md) lands in the log at the level levelOfKind gives it.
import type { Tracer } from '../../core/env/tracer.ts';
import { levelOfKind, type LogLevel, logLevelRank } from './levels.ts';

export type LineSink = (line: string) => void;

export interface JsonLogOptions {
  /** This node's id, on every line (null before the config names it). */
  readonly node: number | null;
  readonly level: LogLevel;
  readonly sink: LineSink;
  /** Wall clock in ms since the epoch (log times are for people, so wall time). */
  readonly wallMs: () => number;
}

/** Field names the line itself uses; an event field of the same name is written with a trailing '_'. */
const RESERVED = new Set(['time', 'level', 'node', 'kind']);

export class JsonLog implements Tracer {
  private readonly rankMin: number;

  constructor(private readonly options: JsonLogOptions) {
    this.rankMin = logLevelRank[options.level];
  }

  // ---- Tracer ----

  emit(kind: string, fields?: Record<string, unknown>): void {
    this.write(levelOfKind(kind), kind, fields);
  }

  enabled(kind: string): boolean {
    return logLevelRank[levelOfKind(kind)] >= this.rankMin;
  }

  // ---- the host's own lines ----

  debug(kind: string, fields?: Record<string, unknown>): void {
    this.write('debug', kind, fields);
  }

  info(kind: string, fields?: Record<string, unknown>): void {
    this.write('info', kind, fields);
  }

  warn(kind: string, fields?: Record<string, unknown>): void {
    this.write('warn', kind, fields);
  }

  error(kind: string, fields?: Record<string, unknown>): void {
    this.write('error', kind, fields);
  }

  /** A log with the same sink and level for another node id (once the config is read). */
  forNode(node: number): JsonLog {
    return new JsonLog({ ...this.options, node });
  }

  private write(level: LogLevel, kind: string, fields: Record<string, unknown> | undefined): void {
    if (logLevelRank[level] < this.rankMin) return;
    const line: Record<string, unknown> = { time: new Date(this.options.wallMs()).toISOString(), level, node: this.options.node, kind };
    if (fields) for (const [name, value] of Object.entries(fields)) line[RESERVED.has(name) ? `${name}_` : name] = value;
    this.options.sink(`${safeStringify(line)}\n`);
  }
}

/** JSON.stringify that never throws (bigint, cycles): a log line must not take the node down. */
function safeStringify(line: Record<string, unknown>): string {
  try {
    return JSON.stringify(line, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value instanceof Uint8Array ? `<${value.length} bytes>` : value));
  } catch (error) {
    return JSON.stringify({ time: line.time, level: line.level, node: line.node, kind: line.kind, logError: String(error) });
  }
}
