// Stopping a simulated run at its first online violation (RunOptions.stopOnViolation). A caught bug
// often leaves the cluster diverged, and the leader then retries appends that can never match until
// the run's end: most of a caught run's time is that aftermath. The online Raft invariants already
// decided the verdict, so the rest of the run can go. Runs with no online violation are unaffected:
// the same events run in the same order, so their reports are the same as without the option.
import type { Simulator } from '../kernel/simulator.ts';
import type { CheckResult } from './run-types.ts';

/**
 * Checks that judge the run as a whole (every acknowledged write applied by the end; a leader and
 * successful operations after the heal) are meaningless on a run cut short, so a stopped run skips
 * them. Linearizability stays: a prefix of a history, with the outstanding operations as `info`, is
 * linearizable whenever the whole is, so a violation found in the prefix is a real one.
 */
export const checksNeedingTheWholeRun: ReadonlySet<string> = new Set(['durability', 'liveness']);

/**
 * Runs the simulator to `endUs`, in slices of `sliceUs`, and stops after the first slice at whose end
 * `violated()` holds. Slicing does not change the run: runUntil only runs events due by the slice's
 * end, and nothing runs between slices. Returns the virtual time it stopped at, or undefined when it
 * reached the end.
 */
export function runUntilViolation(sim: Simulator, endUs: number, sliceUs: number, violated: () => boolean): number | undefined {
  while (sim.nowUs < endUs) {
    sim.runUntil(Math.min(endUs, sim.nowUs + sliceUs));
    if (violated() && sim.nowUs < endUs) return sim.nowUs;
  }
  return undefined;
}

/** The checks of a stopped run: those needing the whole run become `skipped`, saying why. */
export function skipWholeRunChecks(checks: readonly CheckResult[], stoppedAtUs: number, cause = 'the first violation'): CheckResult[] {
  const why = `not judged: the run stopped at ${cause}, at ${stoppedAtUs / 1000} ms${cause === 'the first violation' ? ' (stop on violation)' : ''}`;
  return checks.map((c) => (checksNeedingTheWholeRun.has(c.name) ? { name: c.name, verdict: 'skipped', detail: why } : c));
}
