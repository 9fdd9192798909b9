// One seed of a sweep, reduced to what the sweep needs: verdict, the checks that decided it, stats.
import { AssertionFailure } from '../../core/types.ts';
import { runScenario } from '../run/run-scenario.ts';
import type { Report } from '../run/run-types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { exceptionCheck, expectedViolationCheck, type SeedOutcome, type SeedRunOptions } from './sweep-types.ts';

export function runSeed(scenario: unknown, seed: number, bugs: readonly string[], options: SeedRunOptions = {}): SeedOutcome {
  try {
    const { report } = runScenario(scenario as Scenario, { seed, bugs, stopOnViolation: options.stopOnViolation });
    return outcomeOf(report);
  } catch (error) {
    // A throw out of a run is a bug in kvlab (an assertion) or in the harness: a failure of this seed.
    const kind = error instanceof AssertionFailure ? 'assertion failed' : 'threw';
    const message = error instanceof Error ? error.message : String(error);
    return { seed, verdict: 'fail', failedChecks: [{ name: exceptionCheck, detail: `${kind}: ${message}` }], unknownChecks: [] };
  }
}

export function outcomeOf(report: Report): SeedOutcome {
  const failing = report.checks.filter((c) => c.verdict === 'fail').map((c) => ({ name: c.name, detail: c.detail }));
  const unknownChecks = report.checks.filter((c) => c.verdict === 'unknown').map((c) => c.name);
  // An exception is a failure of the seed (its report's one failing check is `exception`).
  const base = { seed: report.seed, verdict: report.verdict === 'pass' ? ('pass' as const) : ('fail' as const), unknownChecks, stats: report.stats };
  if (report.verdict === 'pass') return { ...base, failedChecks: [] };
  if (failing.length > 0) return { ...base, failedChecks: failing };
  return { ...base, failedChecks: [{ name: expectedViolationCheck, detail: 'the scenario expects a violation, and every check passed' }] };
}
