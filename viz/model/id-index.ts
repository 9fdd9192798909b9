// Frame id -> message row. The simulator numbers frames 1, 2, 3...: those index a typed array (no
// hashing, nothing for the garbage collector); any other id falls back to a Map.
import { Growable } from './growable.ts';

const denseIdsMax = 1 << 24;

export class IdIndex {
  private readonly dense = new Growable(Int32Array);
  private readonly sparse = new Map<unknown, number>();

  get(id: unknown): number | undefined {
    if (typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < denseIdsMax) {
      if (id >= this.dense.length) return undefined;
      const row = this.dense.get(id);
      return row < 0 ? undefined : row;
    }
    return this.sparse.get(id);
  }

  set(id: unknown, row: number): void {
    if (typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < denseIdsMax) {
      while (this.dense.length <= id) this.dense.push(-1);
      this.dense.set(id, row);
      return;
    }
    this.sparse.set(id, row);
  }
}
