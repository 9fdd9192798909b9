// Book-keeping of the optional writes during a linearization search (see linearization-search.ts):
// which are linearized and still live, how many wait in the search list, and when they die. An optional
// write is dead once every required op that needs its value is linearized and no optional op needs it:
// using it can no longer help, so it leaves the list (or, if already used, the live set). A refused cas
// needs any value but its expectation, so while one is pending, every write of another value lives.
import { assert } from '../core/types.ts';
import { isExpiringWrite, neededValue, refusedExpectation, type SearchProblem, writtenValue } from './search-problem.ts';

/**
 * Book-keeping of the optional writes: which are linearized and still live (the ascending `live` set,
 * part of a configuration's identity), how many are waiting in the list, and when they die.
 */
export class OptionalWrites {
  /** Live optional writes linearized, ascending; live[0..liveCount). */
  readonly live: Int32Array;
  liveCount = 0;
  /** Optional writes still in the search list. */
  listed = 0;
  /** Per value id: required ops that need it and are not linearized yet. */
  private readonly waiting: Int32Array;
  /** Per value id: an optional op needs it, so its writers never die. */
  private readonly immortal: Uint8Array;
  /** Per value id: its optional writers, ascending, at writers[writerStart[v] .. writerStart[v + 1]). */
  private readonly writerStart: Int32Array;
  private readonly writers: Int32Array;
  private readonly linearized: Uint8Array;
  /** Refused cas not linearized yet, in all and per expected value id. */
  private refusedPending = 0;
  private readonly refusedExpecting: Int32Array;
  /** Value ids that have optional writers, ascending: the only ones a refused cas can make die. */
  private readonly writerValues: number[] = [];
  private readonly wasDead: Uint8Array;

  constructor(problem: SearchProblem, private readonly lift: (op: number) => void, private readonly unlift: (op: number) => void) {
    const n = problem.opCount;
    const valueCount = problem.values.length;
    this.live = new Int32Array(n);
    this.linearized = new Uint8Array(n);
    this.waiting = new Int32Array(valueCount);
    this.immortal = new Uint8Array(valueCount);
    this.writerStart = new Int32Array(valueCount + 1);
    this.refusedExpecting = new Int32Array(valueCount);
    this.wasDead = new Uint8Array(valueCount);
    for (let op = 0; op < n; op++) {
      const refused = refusedExpectation(problem, op);
      if (refused >= 0) {
        assert(problem.required[op] === 1, () => `refused cas ${op} is optional (windows drop the ones they cut)`);
        this.refusedPending++;
        this.refusedExpecting[refused]++;
      }
      const need = neededValue(problem, op);
      if (need >= 0 && problem.required[op] === 1) this.waiting[need]++;
      if (need >= 0 && problem.required[op] === 0) this.immortal[need] = 1;
      if (problem.required[op] === 0) {
        assert(writtenValue(problem, op) >= 0, () => `optional op ${op} is not a write (optional reads are dropped before the search)`);
        this.listed++;
        // An expiring write may also leave the key absent, which many ops can need: it never dies.
        if (!isExpiringWrite(problem, op)) this.writerStart[writtenValue(problem, op) + 1]++;
      }
    }
    for (let v = 0; v < valueCount; v++) {
      if (this.writerStart[v + 1] > 0) this.writerValues.push(v);
      this.writerStart[v + 1] += this.writerStart[v];
    }
    this.writers = new Int32Array(this.writerStart[valueCount]);
    const filled = this.writerStart.slice(0, valueCount);
    for (let op = 0; op < n; op++) if (problem.required[op] === 0 && !isExpiringWrite(problem, op)) this.writers[filled[writtenValue(problem, op)]++] = op;
    for (let v = 0; v < valueCount; v++) if (this.isDead(v)) this.die(v);
  }

  used(op: number): void {
    this.linearized[op] = 1;
    this.listed--;
    this.liveInsert(op);
  }

  unused(op: number): void {
    this.liveRemove(op);
    this.listed++;
    this.linearized[op] = 0;
  }

  /** A required op that needs `value` (-1: none) was linearized. */
  observed(value: number): void {
    if (value < 0) return;
    this.waiting[value]--;
    if (this.isDead(value)) this.die(value);
  }

  /** Exactly undoes observed(value). */
  unobserved(value: number): void {
    if (value < 0) return;
    if (this.isDead(value)) this.revive(value);
    this.waiting[value]++;
  }

  /** A refused cas expecting `value` (-1: none) was linearized: writes of other values may die. */
  refusedObserved(value: number): void {
    if (value < 0) return;
    for (const v of this.writerValues) this.wasDead[v] = this.isDead(v) ? 1 : 0;
    this.refusedPending--;
    this.refusedExpecting[value]--;
    for (const v of this.writerValues) if (this.wasDead[v] === 0 && this.isDead(v)) this.die(v);
  }

  /** Exactly undoes refusedObserved(value): revives in the reverse order of the deaths. */
  refusedUnobserved(value: number): void {
    if (value < 0) return;
    for (const v of this.writerValues) this.wasDead[v] = this.isDead(v) ? 1 : 0;
    this.refusedPending++;
    this.refusedExpecting[value]++;
    for (let i = this.writerValues.length - 1; i >= 0; i--) {
      const v = this.writerValues[i];
      if (this.wasDead[v] === 1 && !this.isDead(v)) this.revive(v);
    }
  }

  private isDead(value: number): boolean {
    return this.waiting[value] === 0 && this.immortal[value] === 0 && this.refusedPending === this.refusedExpecting[value];
  }

  private die(value: number): void {
    for (let i = this.writerStart[value]; i < this.writerStart[value + 1]; i++) {
      const op = this.writers[i];
      if (this.linearized[op] === 1) this.liveRemove(op);
      else {
        this.lift(op);
        this.listed--;
      }
    }
  }

  private revive(value: number): void {
    for (let i = this.writerStart[value + 1] - 1; i >= this.writerStart[value]; i--) {
      const op = this.writers[i];
      if (this.linearized[op] === 1) this.liveInsert(op);
      else {
        this.unlift(op);
        this.listed++;
      }
    }
  }

  private liveInsert(op: number): void {
    let i = this.liveCount++;
    while (i > 0 && this.live[i - 1] > op) {
      this.live[i] = this.live[i - 1];
      i--;
    }
    this.live[i] = op;
  }

  private liveRemove(op: number): void {
    let i = this.live.subarray(0, this.liveCount).indexOf(op);
    assert(i >= 0, () => `optional op ${op} is not in the live set`);
    for (this.liveCount--; i < this.liveCount; i++) this.live[i] = this.live[i + 1];
  }
}
