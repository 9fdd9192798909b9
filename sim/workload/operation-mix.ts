// Chooses the next operation kind by the scenario's relative weights.
import type { Random } from '../../core/env/random.ts';
import type { HistoryF } from '../../check/history-types.ts';

export interface OperationMix {
  readonly get: number;
  readonly put: number;
  readonly delete: number;
  readonly cas: number;
}

const kinds: readonly HistoryF[] = ['get', 'put', 'delete', 'cas'];

export function makeOperationChooser(mix: OperationMix, random: Random): () => HistoryF {
  const weights = kinds.map((k) => mix[k]);
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
