// Where log lines go: a stream (stdout) with a bound on the bytes it may buffer. Writes to files and
// pipes are synchronous on Linux, but a socket or a slow terminal can back up; rather than grow
// memory without bound, lines beyond `bufferedBytesMax` are dropped and counted, and the count is
// reported in a line of its own once the stream drains.
import type { Writable } from 'node:stream';
import type { LineSink } from './json-log.ts';

export const LOG_BUFFERED_BYTES_MAX = 8 * 1024 * 1024;

export interface StreamSink {
  readonly sink: LineSink;
  /** Lines dropped so far because the stream was backed up. */
  dropped(): number;
}

export function streamSink(stream: Writable, bufferedBytesMax = LOG_BUFFERED_BYTES_MAX): StreamSink {
  let dropped = 0;
  let droppedUnreported = 0;
  stream.on('drain', () => {
    if (droppedUnreported === 0) return;
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'warn', node: null, kind: 'log.dropped', lines: droppedUnreported })}\n`);
    droppedUnreported = 0;
  });
  // A closed stdout (the reader went away) must not crash the node.
  stream.on('error', () => {});
  return {
    sink(line) {
      if (stream.writableLength > bufferedBytesMax || stream.destroyed) {
        dropped++;
        droppedUnreported++;
        return;
      }
      stream.write(line);
    },
    dropped: () => dropped,
  };
}
