// JSON-lines logging for production nodes (docs/deploy.md "Logs").
export { JsonLog, type JsonLogOptions, type LineSink } from './json-log.ts';
export { levelOfKind, logLevelRank, type LogLevel } from './levels.ts';
export { streamSink, LOG_BUFFERED_BYTES_MAX, type StreamSink } from './stdout-sink.ts';
