// Promise wrappers over the node's callback API for the protocol servers. Every call settles exactly
// once: a callback that fires twice is ignored, and a node that never calls back is answered with a
// timeout after a guard delay, so one lost callback cannot wedge a client's pipeline forever.
import type { ClientError, KvClientApi, ReadOptions, WriteOptions } from '../../core/node/client-api.ts';
import type { KvRead, KvResult, KvWrite } from '../../core/kv/commands.ts';

export type KvOutcome =
  | { readonly ok: true; readonly result: KvResult }
  | { readonly ok: false; readonly error: ClientError };

export interface KvPromises {
  write(write: KvWrite, options?: WriteOptions): Promise<KvOutcome>;
  read(read: KvRead, options?: ReadOptions): Promise<KvOutcome>;
}

export interface KvPromiseOptions {
  /** Passed to the node with every request unless the request names its own. */
  readonly requestTimeoutMs: number;
  /** Extra wait beyond requestTimeoutMs before we stop waiting for the node's callback. */
  readonly guardMs: number;
}

export const defaultKvPromiseOptions: KvPromiseOptions = { requestTimeoutMs: 5_000, guardMs: 1_000 };

export function kvPromises(api: KvClientApi, options: KvPromiseOptions = defaultKvPromiseOptions): KvPromises {
  return {
    write: (write, writeOptions = {}) => {
      const timeoutMs = writeOptions.timeoutMs ?? options.requestTimeoutMs;
      return settleOnce(timeoutMs + options.guardMs, (done) => api.write(write, { ...writeOptions, timeoutMs }, done));
    },
    read: (read, readOptions = {}) => {
      const timeoutMs = readOptions.timeoutMs ?? options.requestTimeoutMs;
      return settleOnce(timeoutMs + options.guardMs, (done) => api.read(read, { ...readOptions, timeoutMs }, done));
    },
  };
}

/**
 * Runs a callback-style call as a Promise that settles once, at the latest after `guardMs`. A node that
 * throws instead of calling back has a bug: the Promise rejects, and the server answers an internal error.
 */
export function settleOnce(
  guardMs: number,
  start: (done: (error: ClientError | null, result?: KvResult) => void) => void,
): Promise<KvOutcome> {
  return new Promise<KvOutcome>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: KvOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      resolve(outcome);
    };
    const guard = setTimeout(() => {
      finish(failed({ code: 'timeout', message: `no answer from the node within ${guardMs} ms`, outcome: 'unknown' }));
    }, guardMs);
    try {
      start((error, result) => finish(outcomeOf(error, result)));
    } catch (thrown) {
      settled = true;
      clearTimeout(guard);
      reject(thrown);
    }
  });
}

const failed = (error: ClientError): KvOutcome => ({ ok: false, error });

function outcomeOf(error: ClientError | null, result?: KvResult): KvOutcome {
  if (error !== null) return failed(error);
  if (result === undefined) return failed({ code: 'invalid', message: 'internal error: node answered without a result' });
  return { ok: true, result };
}
