// core/env Random for a production node: seedrandom's Alea seeded from the OS's randomness at start.
// Nothing in production needs to replay a run, but core's contract (independent named child streams)
// holds here too: a child's seed is a hash of the parent's seed and the name.
import { createHash, randomBytes } from 'node:crypto';
import seedrandom from 'seedrandom';
import type { Random } from '../../core/env/random.ts';
import { assert } from '../../core/types.ts';

export class ProcessRandom implements Random {
  private readonly prng: seedrandom.PRNG;

  constructor(private readonly seed: string = randomBytes(16).toString('hex')) {
    this.prng = seedrandom.alea(seed);
  }

  next(): number {
    return this.prng();
  }

  int(min: number, max: number): number {
    assert(Number.isInteger(min) && Number.isInteger(max) && min <= max, () => `int(${min}, ${max}): bounds must be integers with min <= max`);
    return min + Math.floor(this.prng() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.prng() < p;
  }

  pick<T>(items: readonly T[]): T {
    assert(items.length > 0, 'pick from an empty array');
    return items[Math.floor(this.prng() * items.length)];
  }

  child(name: string): ProcessRandom {
    return new ProcessRandom(createHash('sha256').update(`${this.seed}\u0000${name}`).digest('hex').slice(0, 32));
  }
}
