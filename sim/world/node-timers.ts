// A node's Timers on the kernel: each timer is an event owned by the node (so a crash drops them
// all) that fires once the node's own clock has advanced by the delay. If the drift changed while
// a timer was pending and it comes due early by the local clock, it waits out the remainder.
import type { TimerId, Timers } from '../../core/env/timers.ts';
import { assert, KvlabError } from '../../core/types.ts';
import type { NodeId } from '../../core/types.ts';
import type { EventId, Simulator } from '../kernel/simulator.ts';
import type { NodeClock } from './node-clock.ts';

interface PendingTimer {
  readonly id: TimerId;
  readonly callback: () => void;
  readonly deadlineLocalUs: number;
  eventId: EventId;
}

/** Shared by every NodeTimers of a world, so timer ids are unique in a run. */
export interface TimerIdSource {
  next: number;
}

export class NodeTimers implements Timers {
  private readonly pending = new Map<TimerId, PendingTimer>();
  /** Set when the process is gone: a stale reference can no longer schedule anything. */
  private retired = false;
  private readonly fireHandler = (timer: PendingTimer): void => this.fire(timer);

  constructor(
    private readonly sim: Simulator,
    private readonly node: NodeId,
    private readonly clock: NodeClock,
    private readonly ids: TimerIdSource,
    private readonly timersPendingMax: number,
  ) {}

  get pendingCount(): number {
    return this.pending.size;
  }

  schedule(delayMs: number, callback: () => void): TimerId {
    if (this.retired) return 0 as TimerId;
    assert(Number.isFinite(delayMs) && delayMs >= 0, () => `timer delay must be a finite number >= 0 ms, got ${delayMs}`);
    if (this.pending.size >= this.timersPendingMax) {
      throw new KvlabError('timersPendingMax', `node ${this.node} has more than timersPendingMax (${this.timersPendingMax}) timers pending`);
    }
    const localDelayUs = Math.ceil(delayMs * 1000);
    const id = this.ids.next++ as TimerId;
    const timer: PendingTimer = { id, callback, deadlineLocalUs: this.clock.localUs() + localDelayUs, eventId: 0 as EventId };
    timer.eventId = this.sim.schedule(this.clock.virtualDelayUs(localDelayUs), this.fireHandler, this.node, timer);
    this.pending.set(id, timer);
    return id;
  }

  /** The process crashed or stopped (its kernel events are already cancelled). */
  retire(): void {
    this.retired = true;
    this.pending.clear();
  }

  cancel(id: TimerId): void {
    const timer = this.pending.get(id);
    if (timer === undefined) return;
    this.sim.cancel(timer.eventId);
    this.pending.delete(id);
  }

  private fire(timer: PendingTimer): void {
    const remainingUs = timer.deadlineLocalUs - this.clock.localUs();
    // A small tolerance absorbs float rounding of drifted time; a real shortfall waits it out.
    if (remainingUs > 1e-3) {
      timer.eventId = this.sim.schedule(Math.max(1, this.clock.virtualDelayUs(remainingUs)), this.fireHandler, this.node, timer);
      return;
    }
    this.pending.delete(timer.id);
    timer.callback();
  }
}
