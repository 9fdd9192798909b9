// The trace vocabulary as the visualizer reads it (docs/trace.md). The parser checks the fields each
// kind needs, so the reducers downstream can read them without re-validating.

/** The first line of trace.jsonl. */
export interface TraceMeta {
  readonly kind: 'meta';
  readonly scenario: string;
  readonly seed: number;
  readonly version: number;
  readonly nodes?: readonly number[];
  readonly groups?: readonly number[];
  readonly durationMs?: number;
  readonly [field: string]: unknown;
}

/** One event line. Kind-specific fields are read through the kind's schema (trace-schema.ts). */
export interface TraceEvent {
  readonly t: number;
  readonly seq: number;
  readonly node: number | null;
  readonly kind: string;
  readonly [field: string]: unknown;
}

/**
 * A problem found while reading a file. `fatal` problems stop reading (everything before the line is
 * still shown); warnings (a truncated last line, a deliver of an unknown frame) do not.
 */
export interface TraceProblem {
  readonly file: string;
  /** 1-based line number, or 0 when the problem is not tied to a line. */
  readonly line: number;
  readonly message: string;
  readonly fatal: boolean;
  /** The start of the offending line, for the error panel. */
  readonly excerpt: string;
}

/** The Raft message summary carried by net.send (`msg`). */
export interface MessageSummary {
  readonly type: string;
  readonly group: number;
  readonly term: number;
  readonly index?: number;
  readonly commit?: number;
  readonly entries?: number;
  readonly reject?: boolean;
}

export function problemText(problem: TraceProblem): string {
  const where = problem.line > 0 ? `${problem.file} line ${problem.line}` : problem.file;
  return `${where}: ${problem.message}`;
}
