// Draws one fsync latency from the configured model. Integer microseconds (the kernel's unit).
import type { Random } from '../../core/env/random.ts';
import type { FsyncLatencyModel } from './options.ts';

export interface FsyncLatency {
  readonly us: number;
  /** True for a long-tail draw (traced as a `slow` disk fault). */
  readonly slow: boolean;
}

export function drawFsyncLatency(model: FsyncLatencyModel, random: Random): FsyncLatency {
  switch (model.kind) {
    case 'constant':
      return { us: model.us, slow: false };
    case 'uniform':
      return { us: random.int(model.usMin, model.usMax), slow: false };
    case 'longTail': {
      // Both draws always happen so that the stream advances the same way whatever the outcome.
      const slow = random.chance(model.tailProbability);
      const normalUs = random.int(model.baseUs, 2 * model.baseUs);
      const tailUs = random.int(Math.min(2 * model.baseUs + 1, model.tailUsMax), model.tailUsMax);
      return slow ? { us: tailUs, slow: true } : { us: normalUs, slow: false };
    }
  }
}
