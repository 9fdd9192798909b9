// A binary min-heap of pending events keyed by (time, seq), stored in parallel typed arrays so the
// hot path allocates nothing per event. Events live in recycled slots; the heap orders slot indices.
// Cancellation is lazy: a cancelled slot stays in the heap and is discarded when it reaches the top.
import { assert } from '../../core/types.ts';

export type EventId = number & { readonly __brand: 'EventId' };
// `any` on purpose: callers pass typed handlers such as (frame: InflightFrame) => void.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventCallback = (arg: any) => void;

const slotBits = 24;
/** Pending events (including cancelled ones not yet popped) the queue can hold. */
export const pendingEventsMax = 2 ** slotBits;
/** Slot generations wrap here; an EventId stays below 2^53. */
const generationLimit = 2 ** 28;
const capacityInitial = 1024;

export class EventQueue {
  private capacity = capacityInitial;
  private time = new Float64Array(capacityInitial);
  private seq = new Float64Array(capacityInitial);
  private owner = new Int32Array(capacityInitial);
  private incarnation = new Int32Array(capacityInitial);
  private generation = new Int32Array(capacityInitial);
  private cancelled = new Uint8Array(capacityInitial);
  private callback: Array<EventCallback | undefined> = [];
  private arg: unknown[] = [];
  private heap = new Int32Array(capacityInitial);
  private heapSize = 0;
  private free = new Int32Array(capacityInitial);
  private freeCount = 0;
  private slotsUsed = 0;
  private seqNext = 1;

  /** Entries in the heap, cancelled ones included. */
  get size(): number {
    return this.heapSize;
  }

  push(timeUs: number, owner: number, incarnation: number, callback: EventCallback, arg: unknown): EventId {
    const slot = this.allocate();
    this.time[slot] = timeUs;
    this.seq[slot] = this.seqNext++;
    this.owner[slot] = owner;
    this.incarnation[slot] = incarnation;
    this.callback[slot] = callback;
    this.arg[slot] = arg;
    this.siftUp(this.heapSize++, slot);
    return (this.generation[slot] * pendingEventsMax + slot) as EventId;
  }

  /** Marks a pending event cancelled; false if it already ran, was cancelled, or never existed. */
  cancel(id: EventId): boolean {
    const slot = id % pendingEventsMax;
    const generation = Math.floor(id / pendingEventsMax);
    if (slot >= this.slotsUsed || this.generation[slot] !== generation || this.cancelled[slot] === 1) return false;
    if (this.callback[slot] === undefined) return false; // free slot
    this.cancelled[slot] = 1;
    this.callback[slot] = undefined;
    this.arg[slot] = undefined;
    return true;
  }

  /** Slot at the top of the heap, or -1 when empty. */
  peek(): number {
    return this.heapSize === 0 ? -1 : this.heap[0];
  }

  /** Removes the top slot from the heap; the caller reads it, then calls release(). */
  pop(): number {
    assert(this.heapSize > 0, 'pop from an empty event queue');
    const top = this.heap[0];
    const last = this.heap[--this.heapSize];
    if (this.heapSize > 0) this.siftDown(0, last);
    return top;
  }

  release(slot: number): void {
    this.callback[slot] = undefined;
    this.arg[slot] = undefined;
    this.cancelled[slot] = 0;
    this.generation[slot] = (this.generation[slot] + 1) % generationLimit;
    this.free[this.freeCount++] = slot;
  }

  timeOf(slot: number): number {
    return this.time[slot];
  }
  ownerOf(slot: number): number {
    return this.owner[slot];
  }
  incarnationOf(slot: number): number {
    return this.incarnation[slot];
  }
  isCancelled(slot: number): boolean {
    return this.cancelled[slot] === 1;
  }
  callbackOf(slot: number): EventCallback | undefined {
    return this.callback[slot];
  }
  argOf(slot: number): unknown {
    return this.arg[slot];
  }

  private allocate(): number {
    if (this.freeCount > 0) return this.free[--this.freeCount];
    if (this.slotsUsed === this.capacity) this.grow();
    return this.slotsUsed++;
  }

  private grow(): void {
    assert(this.capacity < pendingEventsMax, `more than pendingEventsMax (${pendingEventsMax}) events pending`);
    const capacity = Math.min(this.capacity * 2, pendingEventsMax);
    this.time = growFloat64(this.time, capacity);
    this.seq = growFloat64(this.seq, capacity);
    this.owner = growInt32(this.owner, capacity);
    this.incarnation = growInt32(this.incarnation, capacity);
    this.generation = growInt32(this.generation, capacity);
    this.heap = growInt32(this.heap, capacity);
    this.free = growInt32(this.free, capacity);
    const cancelled = new Uint8Array(capacity);
    cancelled.set(this.cancelled);
    this.cancelled = cancelled;
    this.capacity = capacity;
  }

  // Hole-based sifting: the moving slot is written once at its final position.
  private siftUp(index: number, slot: number): void {
    const heap = this.heap;
    const time = this.time;
    const seq = this.seq;
    const slotTime = time[slot];
    const slotSeq = seq[slot];
    let hole = index;
    while (hole > 0) {
      const parentIndex = (hole - 1) >> 1;
      const parent = heap[parentIndex];
      const parentTime = time[parent];
      if (parentTime < slotTime || (parentTime === slotTime && seq[parent] < slotSeq)) break;
      heap[hole] = parent;
      hole = parentIndex;
    }
    heap[hole] = slot;
  }

  private siftDown(index: number, slot: number): void {
    const heap = this.heap;
    const time = this.time;
    const seq = this.seq;
    const size = this.heapSize;
    const slotTime = time[slot];
    const slotSeq = seq[slot];
    let hole = index;
    for (;;) {
      let child = 2 * hole + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size) {
        const a = heap[child];
        const b = heap[right];
        if (time[b] < time[a] || (time[b] === time[a] && seq[b] < seq[a])) child = right;
      }
      const childSlot = heap[child];
      const childTime = time[childSlot];
      if (slotTime < childTime || (slotTime === childTime && slotSeq < seq[childSlot])) break;
      heap[hole] = childSlot;
      hole = child;
    }
    heap[hole] = slot;
  }
}

function growFloat64(array: Float64Array, capacity: number): Float64Array<ArrayBuffer> {
  const grown = new Float64Array(capacity);
  grown.set(array);
  return grown;
}

function growInt32(array: Int32Array, capacity: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(capacity);
  grown.set(array);
  return grown;
}
