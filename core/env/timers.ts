export type TimerId = number & { readonly __brand: 'TimerId' };

/** One-shot timers. A crashed simulated node loses all of its timers. */
export interface Timers {
  /** Calls `callback` once, after at least `delayMs` of this node's monotonic time. */
  schedule(delayMs: number, callback: () => void): TimerId;
  /** Cancels a pending timer; cancelling one that already fired or was cancelled is a no-op. */
  cancel(id: TimerId): void;
}
