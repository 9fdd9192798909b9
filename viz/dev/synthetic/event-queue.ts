// A tiny discrete-event queue for the synthetic run: callbacks ordered by (time, insertion), so one
// seed always yields the same trace. Times are integer microseconds.

interface Entry {
  readonly atUs: number;
  readonly order: number;
  readonly run: () => void;
}

export class EventQueue {
  nowUs = 0;
  private readonly heap: Entry[] = [];
  private order = 0;

  at(atUs: number, run: () => void): void {
    this.push({ atUs: Math.max(Math.round(atUs), this.nowUs), order: this.order++, run });
  }

  after(delayUs: number, run: () => void): void {
    this.at(this.nowUs + delayUs, run);
  }

  /** Runs the earliest callback; false when none is left. */
  step(): boolean {
    const top = this.pop();
    if (top === undefined) return false;
    this.nowUs = top.atUs;
    top.run();
    return true;
  }

  private less(a: Entry, b: Entry): boolean {
    return a.atUs < b.atUs || (a.atUs === b.atUs && a.order < b.order);
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private pop(): Entry | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && this.less(heap[l], heap[m])) m = l;
        if (r < heap.length && this.less(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  }
}
