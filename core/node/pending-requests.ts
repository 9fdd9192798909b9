// Client requests waiting at this node for their entry to apply (writes) or for a read index to be
// applied (reads). Each has a timeout after which the client hears `timeout` (outcome unknown): the
// entry may still commit later, so a write's outcome is truly unknown to the client.
// Each waiter also carries the leadership epoch it was added in (the replica counts changes of term,
// leader and role): when leadership changes, the replica answers the waiters of older epochs at once
// (failEpochsBefore) rather than letting them wait out their timeout.
//
// Timeouts are deadlines on the node's monotonic clock with one timer armed for the earliest. A
// timer per request (schedule on add, cancel on answer) cost two timer operations and a closure for
// every request in a path that answers thousands per second. Waiters with the same timeout expire in
// the order they were added, so each distinct timeout keeps a FIFO queue (there are one or two in
// practice); an answered waiter is only marked, and leaves its queue when it reaches the head.
import type { Clock, Timers, TimerId } from '../env/index.ts';
import type { KvResult } from '../kv/commands.ts';
import type { ClientCallback, ClientError, WriteReceipt } from './client-api.ts';

interface Waiter {
  readonly done: ClientCallback;
  readonly key: string;
  readonly deadlineMs: number;
  readonly timeoutMs: number;
  readonly epoch: number;
  /** Cleared when answered, failed or superseded: its queue entry is then dead. */
  live: boolean;
}

/** Waiters of one timeout in deadline order, from `head` on (the array is compacted now and then). */
interface Queue {
  items: Waiter[];
  head: number;
}

/** Dead entries before the head are cut off once this many have piled up. */
const compactAfter = 1024;

export class PendingRequests {
  private readonly waiters = new Map<string, Waiter>();
  private readonly queues = new Map<number, Queue>();
  private timer: TimerId | null = null;
  private timerAtMs = Number.POSITIVE_INFINITY;
  private readonly onTimer = (): void => this.expire();

  constructor(
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly countMax: number,
  ) {}

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
  add(key: string, timeoutMs: number, done: ClientCallback, epoch = 0): void {
    this.fail(key, { code: 'timeout', message: 'superseded by a retry of the same request', outcome: 'unknown' });
    const waiter: Waiter = { done, key, deadlineMs: this.clock.nowMs() + timeoutMs, timeoutMs, epoch, live: true };
    this.waiters.set(key, waiter);
    let queue = this.queues.get(timeoutMs);
    if (queue === undefined) {
      queue = { items: [], head: 0 };
      this.queues.set(timeoutMs, queue);
    }
    dropDeadHead(queue);
    queue.items.push(waiter);
    if (waiter.deadlineMs < this.timerAtMs) this.arm(waiter.deadlineMs);
  }

  resolve(key: string, result: KvResult, receipt?: WriteReceipt): boolean {
    const waiter = this.take(key);
    waiter?.done(null, result, receipt);
    return waiter !== undefined;
  }

  fail(key: string, error: ClientError): void {
    this.take(key)?.done(error);
  }

  /**
   * Answers every waiter added before `epoch` with `errorFor(key)`, in the order they were added; a
   * null error leaves that waiter waiting. Their queue entries go when they reach a head, as usual.
   */
  failEpochsBefore(epoch: number, errorFor: (key: string) => ClientError | null): number {
    const due: [Waiter, ClientError][] = [];
    for (const waiter of this.waiters.values()) {
      if (waiter.epoch >= epoch) continue;
      const error = errorFor(waiter.key);
      if (error !== null) due.push([waiter, error]);
    }
    // Callbacks run after the scan: they may add waiters.
    for (const [waiter, error] of due) if (this.take(waiter.key) === waiter) waiter.done(error);
    return due.length;
  }

  /** Fails every waiter (the node is stopping). */
  failAll(error: ClientError): void {
    for (const key of [...this.waiters.keys()]) this.fail(key, error);
    this.queues.clear();
    this.disarm();
  }

  /** Queue entries still held, answered ones included until they reach a head (tests). */
  deadlineCount(): number {
    let n = 0;
    for (const queue of this.queues.values()) n += queue.items.length - queue.head;
    return n;
  }

  private take(key: string): Waiter | undefined {
    const waiter = this.waiters.get(key);
    if (waiter === undefined) return undefined;
    this.waiters.delete(key);
    waiter.live = false;
    return waiter;
  }

  /** The timer fired: times out every waiter whose deadline passed, then waits for the next one. */
  private expire(): void {
    this.timer = null;
    this.timerAtMs = Number.POSITIVE_INFINITY;
    const now = this.clock.nowMs();
    const due: Waiter[] = [];
    for (const [timeoutMs, queue] of this.queues) {
      while (queue.head < queue.items.length && queue.items[queue.head].deadlineMs <= now) {
        const waiter = queue.items[queue.head++];
        if (waiter.live) due.push(waiter);
      }
      dropDeadHead(queue);
      if (queue.head === queue.items.length) this.queues.delete(timeoutMs);
    }
    // Oldest first across queues; callbacks run after the bookkeeping, as they may add waiters.
    due.sort((a, b) => a.deadlineMs - b.deadlineMs);
    for (const waiter of due) {
      if (this.take(waiter.key) !== waiter) continue;
      waiter.done({ code: 'timeout', message: `no answer within ${waiter.timeoutMs} ms; the request may still take effect`, outcome: 'unknown' });
    }
    let next = Number.POSITIVE_INFINITY;
    for (const queue of this.queues.values()) {
      dropDeadHead(queue);
      if (queue.head < queue.items.length) next = Math.min(next, queue.items[queue.head].deadlineMs);
    }
    // A callback above may have added (and armed for) a waiter already.
    if (next < this.timerAtMs) this.arm(next);
  }

  private arm(atMs: number): void {
    this.disarm();
    this.timerAtMs = atMs;
    this.timer = this.timers.schedule(Math.max(0, atMs - this.clock.nowMs()), this.onTimer);
  }

  private disarm(): void {
    if (this.timer !== null) this.timers.cancel(this.timer);
    this.timer = null;
    this.timerAtMs = Number.POSITIVE_INFINITY;
  }
}

/** Skips answered waiters at the head, and cuts the array once enough of it lies behind the head. */
function dropDeadHead(queue: Queue): void {
  while (queue.head < queue.items.length && !queue.items[queue.head].live) queue.head++;
  if (queue.head >= compactAfter && queue.head * 2 >= queue.items.length) {
    queue.items = queue.items.slice(queue.head);
    queue.head = 0;
  }
}
