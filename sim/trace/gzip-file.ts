// A gzip file written on a helper thread: text goes in synchronously and cheaply (a copy of each chunk),
// compression and disk writes happen on another core while the simulation runs, and close() blocks
// until the file is complete. One gzip member, so browsers' DecompressionStream and `zcat` both read it.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { KvlabError } from '../../core/types.ts';

/** gzip level 7: within 4% of level 9's size on traces at a quarter of its time (docs/trace.md). */
export const traceGzipLevel = 7;

const workerUrl = new URL('./gzip-file-worker.mjs', import.meta.url);
/**
 * The thread starts here and loads the worker module; if that fails, it says so through the status
 * word. Without this, close() would wait forever: a failed thread's 'error' event needs the event
 * loop, which close() blocks.
 */
const bootstrap = `
const { workerData } = require('node:worker_threads');
import(workerData.module).catch((error) => {
  workerData.errors.postMessage('the compression thread could not start: ' + String((error && error.message) || error));
  const word = new Int32Array(workerData.status);
  Atomics.store(word, 0, 2);
  Atomics.notify(word, 0);
});`;
/** Status word values the worker stores: still running, done, failed. */
const running = 0;
const failed = 2;

export class GzipFile {
  private readonly status = new SharedArrayBuffer(4);
  private readonly worker: Worker;
  /** The worker's error, read without the event loop (close() blocks it). */
  private readonly errors: MessagePort;
  private closed = false;

  /** `worker` is for tests (a thread that fails to start); the default is gzip-file-worker.mjs. */
  constructor(readonly path: string, level = traceGzipLevel, worker: URL = workerUrl) {
    const { port1, port2 } = new MessageChannel();
    this.errors = port1;
    this.worker = new Worker(bootstrap, { eval: true, workerData: { module: worker.href, path, level, status: this.status, errors: port2 }, transferList: [port2] });
    this.worker.unref();
  }

  write(text: string): void {
    this.worker.postMessage(text);
  }

  /** Waits until every chunk is compressed and on disk; a failed write is a clear error naming the file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.worker.postMessage(null);
    const word = new Int32Array(this.status);
    while (Atomics.load(word, 0) === running) Atomics.wait(word, 0, running, 1000);
    const code = Atomics.load(word, 0);
    const error = receiveMessageOnPort(this.errors)?.message as string | undefined;
    this.errors.close();
    void this.worker.terminate();
    if (code === failed) throw new KvlabError('traceWrite', `could not write ${this.path}: ${error ?? 'the compression thread failed'}`);
  }
}
