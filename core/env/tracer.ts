/**
 * Structured events. The simulator stamps each with virtual time, sequence number and node id and
 * writes trace.jsonl; production writes them as JSON-lines logs. `kind` values and their fields are
 * documented in docs/trace.md. Fields must be JSON-serialisable and deterministic.
 */
export interface Tracer {
  emit(kind: string, fields?: Record<string, unknown>): void;
  /** Cheap check so hot paths can skip building fields nobody records. */
  enabled(kind: string): boolean;
}

export const silentTracer: Tracer = {
  emit() {},
  enabled: () => false,
};
