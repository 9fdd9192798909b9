// A worker thread that gzips text into a file while the simulation keeps its own core: the main thread
// posts text chunks, then 'end'; this thread compresses, writes, and signals completion through the
// shared status word (sim/trace/gzip-file.ts waits on it). Plain JavaScript with node: imports only,
// so it starts in milliseconds without the TypeScript loader.
import { closeSync, openSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { createGzip } from 'node:zlib';

const { path, level, status, errors } = workerData;
const word = new Int32Array(status);
let fd;
let failure;

function finish(code, message) {
  if (fd !== undefined) {
    try {
      closeSync(fd);
    } catch (error) {
      if (code === 1) ({ code, message } = { code: 2, message: String(error?.message ?? error) });
    }
  }
  if (message !== undefined) errors.postMessage(message);
  Atomics.store(word, 0, code);
  Atomics.notify(word, 0);
}

try {
  fd = openSync(path, 'w');
} catch (error) {
  failure = String(error?.message ?? error);
}
const gzip = createGzip({ level });
gzip.on('data', (chunk) => {
  if (failure !== undefined) return;
  try {
    writeSync(fd, chunk);
  } catch (error) {
    failure = String(error?.message ?? error);
  }
});
gzip.on('end', () => finish(failure === undefined ? 1 : 2, failure));
gzip.on('error', (error) => finish(2, String(error?.message ?? error)));
parentPort.on('message', (message) => {
  if (message === null) gzip.end();
  else gzip.write(message);
});
