// An ordered map from byte-string keys to values: a skip list for ordered iteration from any key
// (O(log n) insert, delete and seek), plus a hash index so point reads and in-place updates are O(1).
// JS string comparison orders by UTF-16 code unit, which for byte strings (chars 0..255) is byte order.
// Tower heights come from a fixed-seed xorshift generator: the structure (and so its cost) is the same
// on every run, and iteration order never depends on it anyway.

const levelsMax = 24; // ample for 4^24 keys at p = 1/4
const levelSeed = 0x9e3779b9;

interface SkipNode<V> {
  readonly key: string;
  value: V;
  readonly next: (SkipNode<V> | null)[];
}

export class OrderedMap<V> {
  private readonly head: SkipNode<V> = { key: '', value: undefined as V, next: new Array(levelsMax).fill(null) };
  private readonly index = new Map<string, SkipNode<V>>();
  private level = 1;
  private randomState = levelSeed;
  private readonly update: SkipNode<V>[] = new Array(levelsMax).fill(this.head);

  get size(): number {
    return this.index.size;
  }

  get(key: string): V | undefined {
    return this.index.get(key)?.value;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  set(key: string, value: V): void {
    const existing = this.index.get(key);
    if (existing) {
      existing.value = value;
      return;
    }
    const update = this.predecessors(key);
    const height = this.randomHeight();
    if (height > this.level) {
      for (let i = this.level; i < height; i++) update[i] = this.head;
      this.level = height;
    }
    const node: SkipNode<V> = { key, value, next: new Array(height) };
    for (let i = 0; i < height; i++) {
      node.next[i] = update[i].next[i];
      update[i].next[i] = node;
    }
    this.index.set(key, node);
  }

  delete(key: string): boolean {
    const node = this.index.get(key);
    if (!node) return false;
    const update = this.predecessors(key);
    for (let i = 0; i < node.next.length; i++) update[i].next[i] = node.next[i];
    while (this.level > 1 && this.head.next[this.level - 1] === null) this.level--;
    this.index.delete(key);
    return true;
  }

  clear(): void {
    this.head.next.fill(null);
    this.index.clear();
    this.level = 1;
    this.randomState = levelSeed;
  }

  /** Up to `countMax` entries with keys strictly after `afterKey` (null = from the start), in order. */
  entriesAfter(afterKey: string | null, countMax: number): [string, V][] {
    const out: [string, V][] = [];
    let node = afterKey === null ? this.head.next[0] : this.firstAfter(afterKey);
    while (node !== null && out.length < countMax) {
      out.push([node.key, node.value]);
      node = node.next[0];
    }
    return out;
  }

  /** Every entry in key order. */
  *entries(): IterableIterator<[string, V]> {
    for (let node = this.head.next[0]; node !== null; node = node.next[0]) yield [node.key, node.value];
  }

  /** For each level, the last node whose key is < `key` (in a scratch array reused by every call). */
  private predecessors(key: string): SkipNode<V>[] {
    const update = this.update;
    let node = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = node.next[i];
      while (next !== null && next.key < key) {
        node = next;
        next = node.next[i];
      }
      update[i] = node;
    }
    return update;
  }

  private firstAfter(key: string): SkipNode<V> | null {
    let node = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = node.next[i];
      while (next !== null && next.key <= key) {
        node = next;
        next = node.next[i];
      }
    }
    return node.next[0];
  }

  /** Height h with probability (3/4)(1/4)^(h-1), capped at levelsMax. */
  private randomHeight(): number {
    let height = 1;
    while (height < levelsMax) {
      let x = this.randomState;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.randomState = x >>> 0;
      if ((this.randomState & 3) !== 0) break;
      height++;
    }
    return height;
  }
}
