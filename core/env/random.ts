/**
 * A seeded source of randomness. `child(name)` derives an independent stream whose sequence
 * depends only on the parent's seed and the name, so adding a consumer never reshuffles another.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] inclusive. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** Independent stream named `name`, derived from this stream's seed (not from its position). */
  child(name: string): Random;
}
