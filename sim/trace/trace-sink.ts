// Where stamped trace events go. The world stamps each event with the kernel's virtual time and the
// node it happened on; the sink numbers and serialises it (TraceWriter) or ignores it.
import type { Tracer } from '../../core/env/tracer.ts';
import type { NodeId } from '../../core/types.ts';

export interface TraceSink {
  /** Cheap check so callers skip building fields nobody records. */
  enabled(kind: string): boolean;
  /** Records one event at virtual time `tUs` on `node` (null: the world, nemesis or a client). */
  record(tUs: number, node: NodeId | null, kind: string, fields?: Record<string, unknown>): void;
}

/** Records nothing; `enabled` is false for every kind. Use for benchmarks. */
export const nullTraceSink: TraceSink = {
  enabled: () => false,
  record() {},
};

/** A source of the current virtual time (the Simulator). */
export interface VirtualTime {
  readonly nowUs: number;
}

/** The core/env Tracer of one node (or of the world, with node null): stamps time and node. */
export function stampedTracer(sink: TraceSink, time: VirtualTime, node: NodeId | null): Tracer {
  return {
    emit(kind, fields) {
      if (sink.enabled(kind)) sink.record(time.nowUs, node, kind, fields);
    },
    enabled: (kind) => sink.enabled(kind),
  };
}
