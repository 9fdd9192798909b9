// A bounded FIFO of outbound frames for one peer. When full it drops the OLDEST frames: Raft tolerates
// loss, and the newest message carries the freshest term, commit and progress, so it is the one worth
// keeping. Bounds are by count and by bytes; the caller counts the drops it is told about.
import { assert } from '../../core/types.ts';

/** Compact the backing array once this many slots at its head are dead. */
const DEAD_SLOTS_COMPACT_MIN = 1024;

export class FrameQueue {
  private items: Uint8Array[] = [];
  private head = 0;
  private bytes = 0;

  constructor(
    readonly framesMax: number,
    readonly bytesMax: number,
  ) {
    assert(framesMax >= 1 && bytesMax >= 1, 'frame queue bounds must be >= 1');
  }

  /** Appends `frame`, dropping the oldest frames to make room; returns how many were dropped. */
  push(frame: Uint8Array): number {
    assert(frame.length <= this.bytesMax, () => `frame of ${frame.length} bytes can never fit a queue of ${this.bytesMax} bytes`);
    let dropped = 0;
    while (this.count() >= this.framesMax || this.bytes + frame.length > this.bytesMax) {
      this.shift();
      dropped += 1;
    }
    this.items.push(frame);
    this.bytes += frame.length;
    return dropped;
  }

  peek(): Uint8Array | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  shift(): Uint8Array | undefined {
    if (this.head >= this.items.length) return undefined;
    const frame = this.items[this.head];
    this.items[this.head] = EMPTY;
    this.head += 1;
    this.bytes -= frame.length;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= DEAD_SLOTS_COMPACT_MIN && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return frame;
  }

  /** Empties the queue; returns how many frames were discarded. */
  clear(): number {
    const discarded = this.count();
    this.items = [];
    this.head = 0;
    this.bytes = 0;
    return discarded;
  }

  count(): number {
    return this.items.length - this.head;
  }

  byteCount(): number {
    return this.bytes;
  }
}

const EMPTY = new Uint8Array(0);
