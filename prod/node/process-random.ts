// core/env Random for a production node: the same SeededRandom as the simulator, seeded from the OS's
// randomness at start. Nothing in production replays a run, but the contract (independent named child
// streams) holds the same.
import { randomBytes } from 'node:crypto';
import { SeededRandom } from '../../core/env/seeded-random.ts';

export class ProcessRandom extends SeededRandom {
  constructor(seed: string = randomBytes(16).toString('hex')) {
    super(seed);
  }
}
