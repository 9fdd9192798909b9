// What a sweep reports: one outcome per seed (streamed back from the workers), progress, and the total.
import type { RunStats } from '../run/run-types.ts';

export interface FailedCheck {
  readonly name: string;
  readonly detail: string;
}

/** The check name an outcome carries when the run itself threw (an assertion in core is a bug). */
export const exceptionCheck = 'exception';
/** The check name for a scenario that expects a violation and none was found. */
export const expectedViolationCheck = 'expected-violation';

export interface SeedOutcome {
  readonly seed: number;
  readonly verdict: 'pass' | 'fail';
  /** The checks that decided a failing verdict (empty when the seed passed). */
  readonly failedChecks: readonly FailedCheck[];
  /** Checks whose search budget ran out: neither pass nor fail. */
  readonly unknownChecks: readonly string[];
  /** Absent when the run threw before it could report. */
  readonly stats?: RunStats;
}

/** How each seed's run goes, beyond (scenario, seed, bugs). */
export interface SeedRunOptions {
  /** Stop each run at its first online Raft-invariant violation (RunOptions.stopOnViolation). */
  readonly stopOnViolation?: boolean;
}

/** Runs one seed; a sweep worker calls it. Must be deterministic in (scenario, seed, bugs, options). */
export type SeedRunner = (scenario: unknown, seed: number, bugs: readonly string[], options?: SeedRunOptions) => SeedOutcome;

export interface SweepOptions {
  /** Worker threads; default: the available cores, at most the seed count. */
  readonly workers?: number;
  /** Bug-zoo bugs switched on in addition to the scenario's own. */
  readonly bugs?: readonly string[];
  /** Cancel outstanding seeds at the first failure. */
  readonly stopOnFailure?: boolean;
  /** Within each seed, stop the run at its first online violation (RunOptions.stopOnViolation). */
  readonly stopOnViolation?: boolean;
  /** The scenario's file, for the repro commands. */
  readonly scenarioPath?: string;
  /**
   * A module (file URL or absolute path) exporting `runSeed: SeedRunner`, run in each worker instead of
   * the simulator. For tests of the sweep machinery itself.
   */
  readonly runnerModule?: string;
  /** Aborting cancels outstanding work like a failure under stopOnFailure. */
  readonly signal?: AbortSignal;
}

export interface SweepProgress {
  readonly done: number;
  readonly total: number;
  readonly failed: number;
  readonly elapsedMs: number;
  /** The outcome that just arrived. */
  readonly latest: SeedOutcome;
}

export interface SweepResult {
  readonly scenario: string;
  /** Every outcome that arrived, ordered by seed. */
  readonly outcomes: readonly SeedOutcome[];
  readonly seedsTotal: number;
  readonly failed: number;
  /** True when outstanding seeds were cancelled (stop on failure, or the signal). */
  readonly stopped: boolean;
  readonly workers: number;
  readonly wallMs: number;
  readonly bugs: readonly string[];
  readonly scenarioPath?: string;
}
