// The discrete-event kernel: one thread, virtual time in integer microseconds, events ordered by
// (time, seq) so that two events at the same instant run in the order they were scheduled.
// Owners (node ids; 0 = the world) let a crash drop every pending event of a node in O(1): each
// event remembers its owner's incarnation when scheduled and is discarded at pop if it has changed.
import { assert, KvlabError } from '../../core/types.ts';
import { EventQueue, type EventCallback, type EventId } from './event-queue.ts';

export type { EventCallback, EventId } from './event-queue.ts';

/** Owner 0: the world itself (network, nemesis, workload); never cancelled or paused. */
export const worldOwner = 0;
/** Owner ids are small integers (node ids); this bounds the per-owner tables. */
export const ownerIdMax = 65_535;

export interface SimulatorOptions {
  /** Stop a runaway run: more events than this is an error. Default 500 million. */
  readonly eventsMax?: number;
  /** Bound on events parked for one paused owner. Default 1 million. */
  readonly pausedEventsMax?: number;
}

interface ParkedEvent {
  readonly callback: EventCallback;
  readonly arg: unknown;
}

export class Simulator {
  /** Virtual time now, in microseconds. */
  nowUs = 0;
  /** Events whose callbacks ran (cancelled and dropped events are not counted). */
  eventsProcessed = 0;
  readonly eventsMax: number;
  readonly pausedEventsMax: number;
  private readonly queue = new EventQueue();
  private ownerIncarnation = new Int32Array(64);
  private ownerPaused = new Uint8Array(64);
  private readonly parked = new Map<number, ParkedEvent[]>();

  constructor(options: SimulatorOptions = {}) {
    this.eventsMax = options.eventsMax ?? 500_000_000;
    this.pausedEventsMax = options.pausedEventsMax ?? 1_000_000;
    assert(Number.isInteger(this.eventsMax) && this.eventsMax > 0, 'eventsMax must be a positive integer');
  }

  /** Virtual time now, in milliseconds (microsecond resolution). */
  get nowMs(): number {
    return this.nowUs / 1000;
  }

  /** Entries in the queue, including cancelled ones not yet discarded. */
  get pendingEvents(): number {
    return this.queue.size;
  }

  /** Runs `callback(arg)` after `delayUs` (an integer >= 0). Pass `arg` instead of a closure in hot paths. */
  schedule(delayUs: number, callback: EventCallback, owner: number = worldOwner, arg?: unknown): EventId {
    assert(Number.isInteger(delayUs) && delayUs >= 0, () => `delayUs must be an integer >= 0, got ${delayUs}`);
    return this.push(this.nowUs + delayUs, callback, owner, arg);
  }

  /** Runs `callback(arg)` at absolute virtual time `timeUs` (not in the past). */
  scheduleAt(timeUs: number, callback: EventCallback, owner: number = worldOwner, arg?: unknown): EventId {
    assert(Number.isInteger(timeUs) && timeUs >= this.nowUs, () => `timeUs ${timeUs} is not an integer >= now ${this.nowUs}`);
    return this.push(timeUs, callback, owner, arg);
  }

  /** Cancels a pending event; a no-op if it already ran or was cancelled. */
  cancel(id: EventId): void {
    this.queue.cancel(id);
  }

  /**
   * Drops every pending and parked event of `owner` in O(1) and ends its pause, if any: the process
   * is gone. Events it schedules afterwards (a restarted node) run normally.
   */
  cancelOwner(owner: number): void {
    this.checkOwner(owner);
    assert(owner !== worldOwner, 'the world owner cannot be cancelled');
    this.ownerIncarnation[owner]++;
    this.ownerPaused[owner] = 0;
    this.parked.delete(owner);
  }

  /** While paused, events of `owner` that come due are parked instead of run. */
  pauseOwner(owner: number): void {
    this.checkOwner(owner);
    assert(owner !== worldOwner, 'the world owner cannot be paused');
    this.ownerPaused[owner] = 1;
  }

  /** Runs the events parked during the pause now, in the order they came due, then resumes normally. */
  resumeOwner(owner: number): void {
    this.checkOwner(owner);
    this.ownerPaused[owner] = 0;
    const parked = this.parked.get(owner);
    if (parked === undefined) return;
    this.parked.delete(owner);
    for (const event of parked) this.push(this.nowUs, event.callback, owner, event.arg);
  }

  isOwnerPaused(owner: number): boolean {
    return owner < this.ownerPaused.length && this.ownerPaused[owner] === 1;
  }

  /** Parks `callback(arg)` for a paused owner: it runs at resume, or never if the owner is cancelled. */
  park(owner: number, callback: EventCallback, arg?: unknown): void {
    assert(this.isOwnerPaused(owner), () => `owner ${owner} is not paused`);
    let parked = this.parked.get(owner);
    if (parked === undefined) this.parked.set(owner, (parked = []));
    if (parked.length >= this.pausedEventsMax) {
      throw new KvlabError('pausedEventsMax', `owner ${owner} has more than pausedEventsMax (${this.pausedEventsMax}) events parked while paused`);
    }
    parked.push({ callback, arg });
  }

  /** Runs the next live event. False when none is left. */
  step(): boolean {
    const processed = this.eventsProcessed;
    while (this.eventsProcessed === processed) {
      if (!this.popOne()) return false;
    }
    return true;
  }

  /** Runs every event due at or before `timeUs`, then sets the time to `timeUs`. */
  runUntil(timeUs: number): void {
    assert(timeUs >= this.nowUs, () => `runUntil(${timeUs}) is in the past (now ${this.nowUs})`);
    const queue = this.queue;
    for (;;) {
      const slot = queue.peek();
      if (slot < 0 || queue.timeOf(slot) > timeUs) break;
      this.popOne();
    }
    this.nowUs = timeUs;
  }

  /**
   * Takes the top entry off the queue and runs, parks or discards it (cancelled, or its owner was
   * cancelled since). False when the queue is empty.
   */
  private popOne(): boolean {
    const queue = this.queue;
    if (queue.peek() < 0) return false;
    const slot = queue.pop();
    const callback = queue.callbackOf(slot);
    const arg = queue.argOf(slot);
    const owner = queue.ownerOf(slot);
    const timeUs = queue.timeOf(slot);
    const live = !queue.isCancelled(slot) && (owner === worldOwner || queue.incarnationOf(slot) === this.ownerIncarnation[owner]);
    queue.release(slot);
    if (!live || callback === undefined) return true;
    this.nowUs = timeUs;
    if (owner !== worldOwner && this.ownerPaused[owner] === 1) {
      this.park(owner, callback, arg);
      return true;
    }
    if (++this.eventsProcessed > this.eventsMax) {
      throw new KvlabError('eventsMax', `the run exceeded eventsMax (${this.eventsMax}) events at ${this.nowUs} us: a runaway loop, or raise eventsMax`);
    }
    callback(arg);
    return true;
  }

  /** Runs for `durationUs` of virtual time from now. */
  runFor(durationUs: number): void {
    this.runUntil(this.nowUs + durationUs);
  }

  /** Runs events while `predicate()` holds and events remain. */
  runWhile(predicate: () => boolean): void {
    while (predicate() && this.step()) {
      // each iteration ran one event
    }
  }

  private checkOwner(owner: number): void {
    assert(Number.isInteger(owner) && owner >= 0 && owner <= ownerIdMax, () => `owner ${owner} is not an integer in [0, ${ownerIdMax}]`);
    if (owner < this.ownerIncarnation.length) return;
    let length = this.ownerIncarnation.length;
    while (length <= owner) length *= 2;
    const incarnation = new Int32Array(length);
    incarnation.set(this.ownerIncarnation);
    const paused = new Uint8Array(length);
    paused.set(this.ownerPaused);
    this.ownerIncarnation = incarnation;
    this.ownerPaused = paused;
  }

  private push(timeUs: number, callback: EventCallback, owner: number, arg: unknown): EventId {
    if (owner >>> 0 !== owner || owner >= this.ownerIncarnation.length) this.checkOwner(owner);
    const incarnation = owner === worldOwner ? 0 : this.ownerIncarnation[owner];
    return this.queue.push(timeUs, owner, incarnation, callback, arg);
  }
}
