// Client requests waiting at this node for their entry to apply (writes) or for a read index to be
// applied (reads). Each has a timeout after which the client hears `timeout` (outcome unknown): the
// entry may still commit later, so a write's outcome is truly unknown to the client.
import type { Timers, TimerId } from '../env/index.ts';
import type { KvResult } from '../kv/commands.ts';
import type { ClientCallback, ClientError, WriteReceipt } from './client-api.ts';

interface Waiter {
  readonly done: ClientCallback;
  readonly timer: TimerId;
}

export class PendingRequests {
  private readonly waiters = new Map<string, Waiter>();

  constructor(private readonly timers: Timers, private readonly countMax: number) {}

  get size(): number {
    return this.waiters.size;
  }

  isFull(): boolean {
    return this.waiters.size >= this.countMax;
  }

  has(key: string): boolean {
    return this.waiters.has(key);
  }

  /** Registers a waiter; a second waiter for the same key replaces the first, which times out now. */
  add(key: string, timeoutMs: number, done: ClientCallback): void {
    this.fail(key, { code: 'timeout', message: 'superseded by a retry of the same request', outcome: 'unknown' });
    const timer = this.timers.schedule(timeoutMs, () => {
      if (this.waiters.get(key)?.timer !== timer) return;
      this.waiters.delete(key);
      done({ code: 'timeout', message: `no answer within ${timeoutMs} ms; the request may still take effect`, outcome: 'unknown' });
    });
    this.waiters.set(key, { done, timer });
  }

  resolve(key: string, result: KvResult, receipt?: WriteReceipt): boolean {
    const waiter = this.take(key);
    waiter?.done(null, result, receipt);
    return waiter !== undefined;
  }

  fail(key: string, error: ClientError): void {
    this.take(key)?.done(error);
  }

  /** Fails every waiter (the node is stopping). */
  failAll(error: ClientError): void {
    for (const key of [...this.waiters.keys()]) this.fail(key, error);
  }

  private take(key: string): Waiter | undefined {
    const waiter = this.waiters.get(key);
    if (!waiter) return undefined;
    this.waiters.delete(key);
    this.timers.cancel(waiter.timer);
    return waiter;
  }
}
