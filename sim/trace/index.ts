export { TraceWriter } from './trace-writer.ts';
export type { TraceMeta, TraceWriterOptions } from './trace-writer.ts';
export { nullTraceSink, stampedTracer } from './trace-sink.ts';
export type { TraceSink, VirtualTime } from './trace-sink.ts';
export { KindFilter } from './kind-filter.ts';
export type { KindSelection } from './kind-filter.ts';
export { FaultLog } from './fault-log.ts';
export type { FaultId, ActiveFault } from './fault-log.ts';
