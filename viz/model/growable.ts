// Append-only typed arrays: the event and message columns of a 500,000-event trace stay compact and
// fast to scan, where an array of objects would cost several times the memory.

type TypedArray = Float64Array | Int32Array | Uint8Array | Uint16Array;
type TypedArrayConstructor<A extends TypedArray> = new (length: number) => A;

const initialCapacity = 1024;

export class Growable<A extends TypedArray> {
  private data: A;
  private count = 0;

  constructor(private readonly make: TypedArrayConstructor<A>) {
    this.data = new make(initialCapacity);
  }

  get length(): number {
    return this.count;
  }

  push(value: number): number {
    if (this.count === this.data.length) {
      const bigger = new this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.count] = value;
    return this.count++;
  }

  get(index: number): number {
    return this.data[index];
  }

  set(index: number, value: number): void {
    this.data[index] = value;
  }

  /** The filled part, trimmed to its length (a copy, so the builder can be dropped). */
  finish(): A {
    return this.data.slice(0, this.count) as A;
  }
}

/** Index of the last element <= value in an ascending array, or -1. */
export function lastAtOrBefore(sorted: ArrayLike<number>, value: number, length = sorted.length): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] <= value) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

/** Index of the first element >= value in an ascending array (length when none). */
export function firstAtOrAfter(sorted: ArrayLike<number>, value: number, length = sorted.length): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
