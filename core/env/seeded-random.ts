// The one implementation of core/env's Random, over seedrandom's Alea generator: fast, pure, and its
// whole state derives from a string seed. The simulator seeds it from the run seed; production from
// the OS's randomness at start. A child's seed is a hash of (parent seed, name) only, so a stream never
// depends on how much its parent or siblings have drawn.
import seedrandom from 'seedrandom';
import type { Random } from './random.ts';
import { assert } from '../types.ts';

export class SeededRandom implements Random {
  private readonly prng: seedrandom.PRNG;

  constructor(readonly seed: string) {
    this.prng = seedrandom.alea(seed);
  }

  next(): number {
    return this.prng();
  }

  int(min: number, max: number): number {
    assert(Number.isInteger(min) && Number.isInteger(max) && min <= max, () => `int(${min}, ${max}): bounds must be integers with min <= max`);
    return min + Math.floor(this.prng() * (max - min + 1));
  }

  // Always draws, so raising p only adds hits: the frames dropped at p = 0.1 are still dropped at 0.2.
  chance(p: number): boolean {
    return this.prng() < p;
  }

  pick<T>(items: readonly T[]): T {
    assert(items.length > 0, 'pick from an empty array');
    return items[Math.floor(this.prng() * items.length)];
  }

  child(name: string): SeededRandom {
    return new SeededRandom(deriveSeed(this.seed, name));
  }
}

/** The root stream of a run. */
export function createRandom(seed: number | string): SeededRandom {
  return new SeededRandom(`kvlab:${seed}`);
}

/** A stable 64-bit hash of (parent seed, name) as 16 hex digits; the same on every platform. */
export function deriveSeed(parentSeed: string, name: string): string {
  const text = `${parentSeed}\u0000${name}`;
  let h1 = 0x9e3779b9;
  let h2 = 0x85ebca6b;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h1 = finalMix(h1 ^ Math.imul(h2, 0x27d4eb2f));
  h2 = finalMix(h2 ^ Math.imul(h1, 0x165667b1));
  return hex8(h1) + hex8(h2);
}

function finalMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}
