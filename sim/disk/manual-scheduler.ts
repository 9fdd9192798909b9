// A minimal stand-in for the simulator kernel, for tests and benchmarks that drive a SimDisk (and the
// storage built on it) by hand: callbacks run in (time, scheduling order), virtual time jumps.
import { assert, KvlabError } from '../../core/types.ts';

interface Pending {
  readonly atUs: number;
  readonly seq: number;
  readonly callback: () => void;
}

export class ManualScheduler {
  nowUs = 0;
  private queue: Pending[] = [];
  private seqNext = 0;

  /** Bound on callbacks one `runAll` may run: a loop that keeps scheduling is a bug, not a hang. */
  constructor(readonly runAllCallbacksMax = 10_000_000) {}

  readonly schedule = (delayUs: number, callback: () => void): void => {
    assert(Number.isInteger(delayUs) && delayUs >= 0, () => `delayUs must be an integer >= 0, got ${delayUs}`);
    const item = { atUs: this.nowUs + delayUs, seq: this.seqNext++, callback };
    // Insert in order; queues here stay short (one entry per in-flight fsync).
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1].atUs > item.atUs) i--;
    this.queue.splice(i, 0, item);
  };

  get pending(): number {
    return this.queue.length;
  }

  /** Runs the earliest pending callback; false if there is none. */
  step(): boolean {
    const next = this.queue.shift();
    if (next === undefined) return false;
    this.nowUs = next.atUs;
    next.callback();
    return true;
  }

  /** Runs callbacks (including ones they schedule) until none is left. */
  runAll(): void {
    for (let n = 0; this.step(); n++) {
      if (n >= this.runAllCallbacksMax) throw new KvlabError('runawayScheduler', `more than ${this.runAllCallbacksMax} callbacks in one runAll`);
    }
  }

  /** Runs callbacks due at or before `timeUs`, then sets the time to it. */
  runUntil(timeUs: number): void {
    while (this.queue.length > 0 && this.queue[0].atUs <= timeUs) this.step();
    this.nowUs = Math.max(this.nowUs, timeUs);
  }

  /** Forgets every pending callback (what a crash does to the node's in-flight completions). */
  clear(): void {
    this.queue = [];
  }
}
