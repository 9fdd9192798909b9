// The simulator's randomness: core's SeededRandom, rooted at the run seed (see core/env/seeded-random.ts).
export { SeededRandom as SimRandom, createRandom, deriveSeed } from '../core/env/seeded-random.ts';
