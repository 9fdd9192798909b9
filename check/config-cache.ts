// The memo of the linearization search: configurations already explored, and a dominance test.
//
// A configuration is (R, state, L): R the required ops linearized, L the live optional ops linearized
// (optional ops whose value some op not yet linearized might still observe; see linearization-search.ts).
// R is stored compactly as m = 1 + its largest op id, plus the "holes": required ids below m not in
// R. Ops are numbered in invoke order, so R is nearly a prefix and the holes are the few ops still
// open. The caller keeps a Zobrist hash of R, so a lookup costs O(holes + |L|).
//
// (R, state, L) is dominated by an explored (R, state, L') with L' a subset of L: every optional op
// still available after L is available after L' too, and optional ops may be left out. So it is skipped.
// Open addressing over typed arrays: no per-entry objects for the garbage collector to chase.
import { assert } from '../core/types.ts';

const loadFactorMax = 0.5;
const slotsInitial = 1 << 10;

export class ConfigCache {
  private slots = new Int32Array(slotsInitial); // entry id + 1; 0 = empty
  private hash = new Int32Array(slotsInitial / 2);
  private state = new Int32Array(slotsInitial / 2);
  private prefix = new Int32Array(slotsInitial / 2);
  /** Each entry's holes then its live set, at listStart, of lengths holesLength and liveLength. */
  private listStart = new Int32Array(slotsInitial / 2);
  private holesLength = new Int32Array(slotsInitial / 2);
  private liveLength = new Int32Array(slotsInitial / 2);
  private lists = new Int32Array(slotsInitial);
  private listsUsed = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /**
   * Adds the configuration unless it or one dominating it is present. Returns true when it was added
   * (so the search must explore it). `setHash` is the Zobrist hash of R; `holes` and `live` ascending.
   */
  insertIfNew(setHash: number, state: number, m: number, holes: Int32Array, holeCount: number, live: Int32Array, liveCount: number): boolean {
    const h = mix(setHash ^ Math.imul(state + 7, 0x9e3779b1) ^ Math.imul(m, 0x85ebca6b));
    const mask = this.slots.length - 1;
    let slot = h & mask;
    for (let probe = 0; probe <= mask; probe++) {
      const id = this.slots[slot] - 1;
      if (id < 0) {
        this.add(slot, h, state, m, holes, holeCount, live, liveCount);
        return true;
      }
      if (this.hash[id] === h && this.sameRequired(id, state, m, holes, holeCount) && this.liveSubset(id, live, liveCount)) return false;
      slot = (slot + 1) & mask;
    }
    assert(false, 'ConfigCache: no empty slot (the load factor bound is broken)');
  }

  private sameRequired(id: number, state: number, m: number, holes: Int32Array, holeCount: number): boolean {
    if (this.state[id] !== state || this.prefix[id] !== m || this.holesLength[id] !== holeCount) return false;
    const start = this.listStart[id];
    for (let i = 0; i < holeCount; i++) if (this.lists[start + i] !== holes[i]) return false;
    return true;
  }

  /** Is the stored live set a subset of `live`? Both ascending. */
  private liveSubset(id: number, live: Int32Array, liveCount: number): boolean {
    const length = this.liveLength[id];
    if (length > liveCount) return false;
    const start = this.listStart[id] + this.holesLength[id];
    let j = 0;
    for (let i = 0; i < length; i++) {
      const wanted = this.lists[start + i];
      while (j < liveCount && live[j] < wanted) j++;
      if (j === liveCount || live[j] !== wanted) return false;
      j++;
    }
    return true;
  }

  private add(slot: number, h: number, state: number, m: number, holes: Int32Array, holeCount: number, live: Int32Array, liveCount: number): void {
    const id = this.count++;
    if (id >= this.hash.length) this.growEntries();
    const needed = this.listsUsed + holeCount + liveCount;
    if (needed > this.lists.length) this.lists = grow(this.lists, needed);
    this.hash[id] = h;
    this.state[id] = state;
    this.prefix[id] = m;
    this.listStart[id] = this.listsUsed;
    this.holesLength[id] = holeCount;
    this.liveLength[id] = liveCount;
    this.lists.set(holes.subarray(0, holeCount), this.listsUsed);
    this.lists.set(live.subarray(0, liveCount), this.listsUsed + holeCount);
    this.listsUsed = needed;
    this.slots[slot] = id + 1;
    if (this.count > this.slots.length * loadFactorMax) this.rehash();
  }

  private growEntries(): void {
    const length = this.hash.length * 2;
    this.hash = grow(this.hash, length);
    this.state = grow(this.state, length);
    this.prefix = grow(this.prefix, length);
    this.listStart = grow(this.listStart, length);
    this.holesLength = grow(this.holesLength, length);
    this.liveLength = grow(this.liveLength, length);
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
