// Picks keys uniformly or by a Zipf law (rank r has weight 1/r^s), so hot keys see contention.
import type { Random } from '../../core/env/random.ts';

export type KeyDistribution = 'uniform' | { readonly zipf: number };

export function keyName(rank: number): string {
  return `k${rank}`;
}

export function makeKeyChooser(keys: number, distribution: KeyDistribution, random: Random): () => string {
  if (distribution === 'uniform' || distribution.zipf === 0) return () => keyName(random.int(0, keys - 1));
  const cdf = zipfCdf(keys, distribution.zipf);
  return () => keyName(lowerBound(cdf, random.next()));
}

function zipfCdf(keys: number, s: number): Float64Array {
  const cdf = new Float64Array(keys);
  let total = 0;
  for (let r = 0; r < keys; r++) {
    total += 1 / Math.pow(r + 1, s);
    cdf[r] = total;
  }
  for (let r = 0; r < keys; r++) cdf[r] /= total;
  return cdf;
}

/** First index whose cumulative weight exceeds u. */
function lowerBound(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
