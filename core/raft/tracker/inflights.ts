// The leader's window of append messages sent to one follower in replicate state and not yet
// acknowledged: a ring of (last index, bytes) bounded both by count and by bytes, so a slow follower
// cannot make the leader buffer an unbounded amount of data on the wire.
import { assert } from '../../types.ts';

export class Inflights {
  private start = 0;
  count = 0;
  bytes = 0;
  private indexes: number[] = [];
  private sizes: number[] = [];

  constructor(readonly countMax: number, readonly bytesMax: number) {
    assert(countMax > 0, 'inflightMsgsMax must be positive');
  }

  /** Records a message carrying entries up to `index` and `bytes` of them. */
  add(index: number, bytes: number): void {
    assert(!this.full(), 'inflights.add on a full window');
    let at = this.start + this.count;
    if (at >= this.countMax) at -= this.countMax;
    if (at >= this.indexes.length) {
      // Grows lazily up to countMax so idle followers cost nothing.
      this.indexes.push(index);
      this.sizes.push(bytes);
    } else {
      this.indexes[at] = index;
      this.sizes[at] = bytes;
    }
    this.count++;
    this.bytes += bytes;
  }

  /** Frees every message whose last index is <= `index` (the follower acknowledged it). */
  freeLE(index: number): void {
    if (this.count === 0) return;
    let i = this.start;
    let freed = 0;
    let freedBytes = 0;
    while (freed < this.count && this.indexes[i] <= index) {
      freedBytes += this.sizes[i];
      freed++;
      i++;
      if (i >= this.countMax) i = 0;
    }
    this.count -= freed;
    this.bytes -= freedBytes;
    this.start = this.count === 0 ? 0 : i;
  }

  /** Frees the oldest message: a heartbeat answer proved the follower alive, so probe with one more. */
  freeFirstOne(): void {
    if (this.count > 0) this.freeLE(this.indexes[this.start]);
  }

  full(): boolean {
    return this.count >= this.countMax || (this.bytesMax > 0 && this.bytes >= this.bytesMax);
  }

  reset(): void {
    this.start = 0;
    this.count = 0;
    this.bytes = 0;
  }
}
