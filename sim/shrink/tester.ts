// Decides whether a candidate scenario still fails "the same way": every target check fails with the
// same signature (the check and the kind of violation it found: liveness "no leader after the heal" is
// not liveness "no operation succeeded", a log-matching violation is not an election-safety one), and
// no check fails that did not fail in the original run (a smaller scenario that merely starves
// liveness is not a smaller reproduction). Counts runs against the budget and remembers verdicts.
import type { Scenario } from '../scenario/schema.ts';
import { ScenarioError, validateScenario } from '../scenario/validate.ts';
import type { Trial, TrialRunner } from './trial.ts';

export class ShrinkTester {
  runs = 0;
  /** True once a candidate went untried because the budget was spent. */
  exhausted = false;
  private readonly seen = new Map<string, Trial | undefined>();

  constructor(
    private readonly runner: TrialRunner,
    private readonly seed: number,
    private readonly target: ReadonlySet<string>,
    private readonly allowed: ReadonlySet<string>,
    private readonly runsMax: number,
    /** The original run's kind of violation per failing check (Trial.kinds). */
    private readonly kinds: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** The candidate's trial when it still fails the same way; undefined otherwise (or out of budget). */
  test(candidate: Scenario): Trial | undefined {
    const key = JSON.stringify(candidate);
    if (this.seen.has(key)) return this.seen.get(key);
    const valid = this.validate(candidate);
    if (!valid) return undefined;
    if (this.runs >= this.runsMax) {
      this.exhausted = true;
      return undefined;
    }
    this.runs++;
    const trial = this.runner(valid, this.seed);
    const same = this.sameFailure(trial) ? trial : undefined;
    this.seen.set(key, same);
    return same;
  }

  sameFailure(trial: Trial): boolean {
    for (const check of this.target) if (!trial.failing.has(check) || trial.kinds?.get(check) !== this.kinds.get(check)) return false;
    for (const check of trial.failing) if (!this.allowed.has(check)) return false;
    return true;
  }

  /** A reduction can make a scenario invalid (a fault naming a node that no longer exists): skip it. */
  private validate(candidate: Scenario): Scenario | undefined {
    try {
      return validateScenario(candidate, 'shrink candidate');
    } catch (error) {
      if (error instanceof ScenarioError) return undefined;
      throw error;
    }
  }
}
