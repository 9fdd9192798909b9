// A stand-in for the simulator in sweep tests: deterministic, fast, and fails on the seeds the scenario
// names. `busyMs` burns CPU per seed so that cancellation has outstanding work to cancel.
import type { SeedOutcome } from '../../sim/sweep/sweep-types.ts';

interface FakeScenario {
  readonly name: string;
  readonly description?: string;
}

export interface FakeSpec {
  readonly failSeeds?: number[];
  readonly crashSeeds?: number[];
  readonly busyMs?: number;
  /** Per-seed busy time, overriding busyMs. */
  readonly slowSeeds?: Record<number, number>;
}

export function runSeed(scenario: unknown, seed: number, bugs: readonly string[]): SeedOutcome {
  const spec = JSON.parse((scenario as FakeScenario).description ?? '{}') as FakeSpec;
  if (spec.crashSeeds?.includes(seed)) process.exit(3);
  const until = Date.now() + (spec.slowSeeds?.[seed] ?? spec.busyMs ?? 0);
  while (Date.now() < until) {
    // burn: stands for a long simulated run
  }
  const fails = spec.failSeeds?.includes(seed) || bugs.includes(`fail-${seed}`);
  return {
    seed,
    verdict: fails ? 'fail' : 'pass',
    failedChecks: fails ? [{ name: seed % 2 ? 'linearizability' : 'durability', detail: `fake failure of seed ${seed}` }] : [],
    unknownChecks: [],
  };
}
