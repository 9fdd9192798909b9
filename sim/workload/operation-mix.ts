// Chooses the next operation kind by the scenario's relative weights.
import type { Random } from '../../core/env/random.ts';

export interface OperationMix {
  readonly get: number;
  readonly put: number;
  readonly delete: number;
  readonly cas: number;
  /** A put with a ttl (SET … PX). */
  readonly putExpiring?: number;
  /** A PTTL read. */
  readonly ttl?: number;
}

export type OperationKind = 'get' | 'put' | 'delete' | 'cas' | 'putExpiring' | 'ttl';

const kindsAlways: readonly OperationKind[] = ['get', 'put', 'delete', 'cas'];
const kindsOptional: readonly ('putExpiring' | 'ttl')[] = ['putExpiring', 'ttl'];

export function makeOperationChooser(mix: OperationMix, random: Random): () => OperationKind {
  // Kinds of weight 0 beyond the first four are left out, so a mix without them draws exactly as before.
  const kinds = [...kindsAlways, ...kindsOptional.filter((k) => (mix[k] ?? 0) > 0)];
  const weights = kinds.map((k) => mix[k] ?? 0);
  const total = weights.reduce((a, b) => a + b, 0);
  return () => {
    let u = random.next() * total;
    for (let i = 0; i < kinds.length; i++) {
      u -= weights[i];
      if (u < 0) return kinds[i];
    }
    return kinds[kinds.length - 1];
  };
}

/** ms of an expiring put's ttl when the scenario names no range. */
export const ttlMsDefault: readonly [number, number] = [100, 3000];

export function makeTtlChooser([min, max]: readonly [number, number], random: Random): () => number {
  return () => random.int(min, max);
}
