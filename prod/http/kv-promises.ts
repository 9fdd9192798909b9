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

/** `guard` may be shared by many wrappers (one per RESP connection): one interval for them all. */
export function kvPromises(api: KvClientApi, options: KvPromiseOptions = defaultKvPromiseOptions, guard = new CallbackGuard()): KvPromises {
  return {
    write: (write, writeOptions = {}) => {
      const timeoutMs = writeOptions.timeoutMs ?? options.requestTimeoutMs;
      return settleOnce(timeoutMs + options.guardMs, (done) => api.write(write, { ...writeOptions, timeoutMs }, done), guard);
    },
    read: (read, readOptions = {}) => {
      const timeoutMs = readOptions.timeoutMs ?? options.requestTimeoutMs;
      return settleOnce(timeoutMs + options.guardMs, (done) => api.read(read, { ...readOptions, timeoutMs }, done), guard);
    },
  };
}

/**
 * Watches calls for a callback that never comes. Rather than a timer per call (set and cleared for
 * every request, thousands per second), one unref'd interval runs while calls are in flight and
 * gives up on those past their deadline: the answer comes up to a quarter of the guard late, which
 * is fine for a safety net that only a bug in the node would trip.
 */
export class CallbackGuard {
  private readonly watched = new Map<number, { readonly deadlineMs: number; readonly giveUp: () => void }>();
  private idNext = 1;
  private interval: NodeJS.Timeout | null = null;
  private periodMs = Number.POSITIVE_INFINITY;

  constructor(private readonly nowMs: () => number = () => performance.now()) {}

  /** Calls `giveUp` once `guardMs` pass unless the returned release is called first. */
  watch(guardMs: number, giveUp: () => void): number {
    const id = this.idNext++;
    this.watched.set(id, { deadlineMs: this.nowMs() + guardMs, giveUp });
    const periodMs = Math.max(1, Math.min(250, Math.floor(guardMs / 4)));
    if (this.interval === null || periodMs < this.periodMs) this.start(periodMs);
    return id;
  }

  release(id: number): void {
    this.watched.delete(id);
    if (this.watched.size === 0) this.stop();
  }

  /** Calls in flight (tests). */
  size(): number {
    return this.watched.size;
  }

  private start(periodMs: number): void {
    this.stop();
    this.periodMs = periodMs;
    this.interval = setInterval(() => this.sweep(), periodMs);
    this.interval.unref();
  }

  private stop(): void {
    if (this.interval !== null) clearInterval(this.interval);
    this.interval = null;
    this.periodMs = Number.POSITIVE_INFINITY;
  }

  private sweep(): void {
    const now = this.nowMs();
    for (const [id, call] of this.watched) {
      if (call.deadlineMs > now) continue;
      this.watched.delete(id);
      call.giveUp();
    }
    if (this.watched.size === 0) this.stop();
  }
}

/**
 * Runs a callback-style call as a Promise that settles once, at the latest about `guardMs` later. A
 * node that throws instead of calling back has a bug: the Promise rejects, and the server answers an
 * internal error.
 */
export function settleOnce(
  guardMs: number,
  start: (done: (error: ClientError | null, result?: KvResult) => void) => void,
  guard: CallbackGuard,
): Promise<KvOutcome> {
  return new Promise<KvOutcome>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: KvOutcome): void => {
      if (settled) return;
      settled = true;
      guard.release(watch);
      resolve(outcome);
    };
    const watch = guard.watch(guardMs, () => {
      finish(failed({ code: 'timeout', message: `no answer from the node within ${guardMs} ms`, outcome: 'unknown' }));
    });
    try {
      start((error, result) => finish(outcomeOf(error, result)));
    } catch (thrown) {
      settled = true;
      guard.release(watch);
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
