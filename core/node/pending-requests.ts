// Client requests waiting at this node for their entry to apply (writes) or for a read index to be
// applied (reads). Each has a timeout after which the client hears `timeout` (outcome unknown): the
// entry may still commit later, so a write's outcome is truly unknown to the client.
//
// Timeouts are deadlines on the node's monotonic clock kept in a min-heap, with one timer armed for
// the earliest. A timer per request (schedule on add, cancel on answer) cost two timer operations and
// a closure for every request in a path that answers thousands per second; answered requests now
// just leave the map, and their heap entries are dropped lazily when they reach the top.
import type { Clock, Timers, TimerId } from '../env/index.ts';
import type { KvResult } from '../kv/commands.ts';
import type { ClientCallback, ClientError, WriteReceipt } from './client-api.ts';

interface Waiter {
  readonly done: ClientCallback;
  readonly deadlineMs: number;
  readonly timeoutMs: number;
  /** Add order: ties on the deadline expire oldest first. */
  readonly seq: number;
}

interface Deadline {
  readonly key: string;
  readonly waiter: Waiter;
}

export class PendingRequests {
  private readonly waiters = new Map<string, Waiter>();
  private readonly heap: Deadline[] = [];
  private seqNext = 0;
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
  add(key: string, timeoutMs: number, done: ClientCallback): void {
    this.fail(key, { code: 'timeout', message: 'superseded by a retry of the same request', outcome: 'unknown' });
    const waiter: Waiter = { done, deadlineMs: this.clock.nowMs() + timeoutMs, timeoutMs, seq: this.seqNext++ };
    this.waiters.set(key, waiter);
    this.dropAnsweredAtTop();
    this.push({ key, waiter });
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

  /** Fails every waiter (the node is stopping). */
  failAll(error: ClientError): void {
    for (const key of [...this.waiters.keys()]) this.fail(key, error);
    this.heap.length = 0;
    this.disarm();
  }

  /** Deadlines still held, answered ones included until they reach the top (tests). */
  deadlineCount(): number {
    return this.heap.length;
  }

  private take(key: string): Waiter | undefined {
    const waiter = this.waiters.get(key);
    if (waiter !== undefined) this.waiters.delete(key);
    return waiter;
  }

  /** The timer fired: times out every waiter whose deadline passed, then waits for the next one. */
  private expire(): void {
    this.timer = null;
    this.timerAtMs = Number.POSITIVE_INFINITY;
    const now = this.clock.nowMs();
    while (this.heap.length > 0 && this.heap[0].waiter.deadlineMs <= now) {
      const { key, waiter } = this.pop();
      if (this.waiters.get(key) !== waiter) continue; // answered, or replaced by a retry
      this.waiters.delete(key);
      waiter.done({ code: 'timeout', message: `no answer within ${waiter.timeoutMs} ms; the request may still take effect`, outcome: 'unknown' });
    }
    this.dropAnsweredAtTop();
    // A callback above may have added (and armed for) a waiter already.
    if (this.heap.length > 0 && this.heap[0].waiter.deadlineMs < this.timerAtMs) this.arm(this.heap[0].waiter.deadlineMs);
  }

  /** Answered waiters leave the heap from the top, so it holds about as many entries as waiters. */
  private dropAnsweredAtTop(): void {
    while (this.heap.length > 0 && this.waiters.get(this.heap[0].key) !== this.heap[0].waiter) this.pop();
    if (this.heap.length === 0) this.disarm();
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

  // ---- binary min-heap on (deadline, seq) ----

  private push(item: Deadline): void {
    const heap = this.heap;
    let at = heap.length;
    heap.push(item);
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!earlier(item.waiter, heap[parent].waiter)) break;
      heap[at] = heap[parent];
      at = parent;
    }
    heap[at] = item;
  }

  private pop(): Deadline {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length === 0) return top;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && earlier(heap[right].waiter, heap[left].waiter) ? right : left;
      if (!earlier(heap[child].waiter, last.waiter)) break;
      heap[at] = heap[child];
      at = child;
    }
    heap[at] = last;
    return top;
  }
}

function earlier(a: Waiter, b: Waiter): boolean {
  return a.deadlineMs < b.deadlineMs || (a.deadlineMs === b.deadlineMs && a.seq < b.seq);
}
