// The memo of the linearization search: configurations (set of linearized ops, register state) already
// explored. A set S is stored compactly as m = 1 + its largest op id, plus the "holes": ids below m not
// in S. Ops are numbered in invoke order, so S is nearly a prefix and the holes are the few ops still
// open (concurrent or unknown). The caller keeps a Zobrist hash of S, so a lookup costs O(holes).
// Open addressing over typed arrays: no per-entry objects for the garbage collector to chase.

import { assert } from '../../core/types.ts';

const loadFactorMax = 0.5;
const slotsInitial = 1 << 10;

export class ConfigCache {
  private slots = new Int32Array(slotsInitial); // entry id + 1; 0 = empty
  private hash = new Int32Array(slotsInitial / 2);
  private state = new Int32Array(slotsInitial / 2);
  private prefix = new Int32Array(slotsInitial / 2);
  private holesStart = new Int32Array(slotsInitial / 2);
  private holesLength = new Int32Array(slotsInitial / 2);
  private holes = new Int32Array(slotsInitial);
  private holesUsed = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /**
   * Adds the configuration unless present. Returns true when it was new (so the search must explore it).
   * `setHash` is the Zobrist hash of S; `holes[0..holeCount)` are its holes in increasing order.
   */
  insertIfAbsent(setHash: number, state: number, m: number, holes: Int32Array, holeCount: number): boolean {
    const h = mix(setHash ^ Math.imul(state + 7, 0x9e3779b1) ^ Math.imul(m, 0x85ebca6b));
    const mask = this.slots.length - 1;
    let slot = h & mask;
    for (let probe = 0; probe <= mask; probe++) {
      const id = this.slots[slot] - 1;
      if (id < 0) {
        this.add(slot, h, state, m, holes, holeCount);
        return true;
      }
      if (this.hash[id] === h && this.matches(id, state, m, holes, holeCount)) return false;
      slot = (slot + 1) & mask;
    }
    assert(false, 'ConfigCache: no empty slot (the load factor bound is broken)');
  }

  private matches(id: number, state: number, m: number, holes: Int32Array, holeCount: number): boolean {
    if (this.state[id] !== state || this.prefix[id] !== m || this.holesLength[id] !== holeCount) return false;
    const start = this.holesStart[id];
    for (let i = 0; i < holeCount; i++) if (this.holes[start + i] !== holes[i]) return false;
    return true;
  }

  private add(slot: number, h: number, state: number, m: number, holes: Int32Array, holeCount: number): void {
    const id = this.count++;
    if (id >= this.hash.length) this.growEntries();
    if (this.holesUsed + holeCount > this.holes.length) this.holes = grow(this.holes, this.holesUsed + holeCount);
    this.hash[id] = h;
    this.state[id] = state;
    this.prefix[id] = m;
    this.holesStart[id] = this.holesUsed;
    this.holesLength[id] = holeCount;
    this.holes.set(holes.subarray(0, holeCount), this.holesUsed);
    this.holesUsed += holeCount;
    this.slots[slot] = id + 1;
    if (this.count > this.slots.length * loadFactorMax) this.rehash();
  }

  private growEntries(): void {
    const length = this.hash.length * 2;
    this.hash = grow(this.hash, length);
    this.state = grow(this.state, length);
    this.prefix = grow(this.prefix, length);
    this.holesStart = grow(this.holesStart, length);
    this.holesLength = grow(this.holesLength, length);
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.count; id++) {
      let slot = this.hash[id] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.slots = slots;
  }
}

function grow(array: Int32Array<ArrayBuffer>, lengthMin: number): Int32Array<ArrayBuffer> {
  let length = array.length * 2;
  while (length < lengthMin) length *= 2;
  const bigger = new Int32Array(length);
  bigger.set(array);
  return bigger;
}

/** murmur3's finaliser: spreads the bits so that linear probing sees few clusters. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
