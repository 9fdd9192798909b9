// One-shot timers over setTimeout for core/env Timers. Timers are unref'd by default: a node stays
// alive because its listening sockets do, and a pending election or retry timer alone must not keep
// a stopped process from exiting. `cancelAll()` lets a host drop every timer at shutdown, the
// production counterpart of a simulated crash losing its timers.
import type { TimerId, Timers } from '../../core/env/timers.ts';
import { assert } from '../../core/types.ts';

export interface RealTimersOptions {
  /** Whether a pending timer keeps the process alive (default false: timers are unref'd). */
  readonly keepAlive?: boolean;
}

/** Node clamps longer delays to 1 ms with a warning; we refuse them instead. */
const DELAY_MS_MAX = 2 ** 31 - 1;

export class RealTimers implements Timers {
  private readonly pending = new Map<TimerId, NodeJS.Timeout>();
  private idNext = 1;
  private readonly keepAlive: boolean;

  constructor(options: RealTimersOptions = {}) {
    this.keepAlive = options.keepAlive ?? false;
  }

  schedule(delayMs: number, callback: () => void): TimerId {
    assert(Number.isFinite(delayMs) && delayMs >= 0, () => `timer delay must be a finite ms >= 0, got ${delayMs}`);
    assert(delayMs <= DELAY_MS_MAX, () => `timer delay ${delayMs} ms exceeds ${DELAY_MS_MAX} ms`);
    const id = this.idNext++ as TimerId;
    const handle = setTimeout(() => {
      this.pending.delete(id);
      callback();
    }, delayMs);
    if (!this.keepAlive) handle.unref();
    this.pending.set(id, handle);
    return id;
  }

  cancel(id: TimerId): void {
    const handle = this.pending.get(id);
    if (handle === undefined) return;
    clearTimeout(handle);
    this.pending.delete(id);
  }

  /** Cancels every pending timer (shutdown). */
  cancelAll(): void {
    for (const handle of this.pending.values()) clearTimeout(handle);
    this.pending.clear();
  }

  /** Number of timers scheduled and not yet fired or cancelled. */
  pendingCount(): number {
    return this.pending.size;
  }
}
