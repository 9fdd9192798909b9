// What the cluster applied at each log index of one group, for the invariant checker: the first
// applier's term, entry hash and node, and the lowest term any node was in when it applied the entry.
// Stored in typed arrays indexed by log index, because the checker consults it for every entry of
// every inspection; a Map keyed by strings made the checker a tenth of a simulated run's cost.

const capacityInitial = 1024;

export class AppliedEntries {
  /** Highest index any node applied. */
  maxIndex = 0;
  private present = new Uint8Array(capacityInitial);
  private terms = new Float64Array(capacityInitial);
  private hashes = new Uint32Array(capacityInitial);
  private nodes = new Float64Array(capacityInitial);
  private knownIn = new Float64Array(capacityInitial);
  /**
   * bestIndexKnownIn[t]: the highest index whose knownInTerm has ever been t. knownInTerm only goes
   * down, so an index once counted under t has knownInTerm <= t for good; hence the highest index with
   * knownInTerm < T is exactly max(bestIndexKnownIn[t] for t < T) — no scan of the applied entries.
   */
  private readonly bestIndexKnownIn: number[] = [];

  has(index: number): boolean {
    return index < this.present.length && this.present[index] === 1;
  }

  termAt(index: number): number {
    return this.terms[index];
  }

  hashAt(index: number): number {
    return this.hashes[index];
  }

  nodeAt(index: number): number {
    return this.nodes[index];
  }

  /** The lowest term a node was in when it applied the entry at `index` (which must be present). */
  knownInTermAt(index: number): number {
    return this.knownIn[index];
  }

  /** Records the first application of `index`. */
  add(index: number, term: number, hash: number, node: number, knownInTerm: number): void {
    if (index >= this.present.length) this.grow(index);
    this.present[index] = 1;
    this.terms[index] = term;
    this.hashes[index] = hash;
    this.nodes[index] = node;
    this.knownIn[index] = knownInTerm;
    this.noteKnownIn(index, knownInTerm);
    if (index > this.maxIndex) this.maxIndex = index;
  }

  /** Another node applied `index` while in `term`: the entry was committed by then too. */
  lowerKnownIn(index: number, term: number): void {
    if (term >= this.knownIn[index]) return;
    this.knownIn[index] = term;
    this.noteKnownIn(index, term);
  }

  /** The highest applied index known committed in a term before `term`, or 0. */
  highestKnownBefore(term: number): number {
    const best = this.bestIndexKnownIn;
    const upTo = Math.min(term, best.length);
    let highest = 0;
    for (let t = 0; t < upTo; t++) if (best[t] > highest) highest = best[t];
    return highest;
  }

  private noteKnownIn(index: number, term: number): void {
    const best = this.bestIndexKnownIn;
    while (best.length <= term) best.push(0);
    if (index > best[term]) best[term] = index;
  }

  private grow(index: number): void {
    let capacity = this.present.length;
    while (capacity <= index) capacity *= 2;
    this.present = grown(this.present, new Uint8Array(capacity));
    this.terms = grown(this.terms, new Float64Array(capacity));
    this.hashes = grown(this.hashes, new Uint32Array(capacity));
    this.nodes = grown(this.nodes, new Float64Array(capacity));
    this.knownIn = grown(this.knownIn, new Float64Array(capacity));
  }
}

/**
 * Term of each durable entry of one node's log, by index (0: nothing durable there). Overwritten when
 * a conflicting suffix is rewritten, like the disk; never shrunk, like the Map it replaces.
 */
export class DurableTerms {
  private terms = new Float64Array(capacityInitial);

  set(index: number, term: number): void {
    if (index >= this.terms.length) {
      let capacity = this.terms.length;
      while (capacity <= index) capacity *= 2;
      this.terms = grown(this.terms, new Float64Array(capacity));
    }
    this.terms[index] = term;
  }

  /** The term durable at `index`, or undefined when nothing was. */
  get(index: number): number | undefined {
    if (index >= this.terms.length) return undefined;
    const term = this.terms[index];
    return term === 0 ? undefined : term;
  }
}

function grown<T extends Uint8Array | Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}
