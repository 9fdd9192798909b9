// One shrink trial: a candidate scenario run with the failing seed, reduced to what shrinking decides
// on: which checks failed, how many operations ran, and which faults the run actually applied.
import { AssertionFailure } from '../../core/types.ts';
import { runScenario } from '../run/run-scenario.ts';
import type { Report, RunOptions } from '../run/run-types.ts';
import type { Fault, Scenario } from '../scenario/schema.ts';

/** The name a trial's failure carries when the run threw (an assertion in core is a bug). */
export const exceptionCheck = 'exception';

export type FaultSource = 'scenario' | 'nemesis';

export interface AppliedFault {
  readonly fault: Fault;
  readonly source: FaultSource;
}

export interface Trial {
  /** Names of the checks that failed, plus `exception` when the run threw. */
  readonly failing: ReadonlySet<string>;
  /** Per failing check, its detail. */
  readonly details: ReadonlyMap<string, string>;
  /**
   * Per failing check, the kind of violation it found (CheckResult.kind; `exception`: assertion or
   * threw). A check and its kind are the failure's signature, which a shrunk scenario must keep.
   */
  readonly kinds?: ReadonlyMap<string, string>;
  /** Client operations invoked; undefined when the run threw. */
  readonly ops: number | undefined;
  readonly faultsApplied: number | undefined;
  /** Faults the run applied, in order, when the harness reports them (RunOptions.onFaultApplied). */
  readonly applied: readonly AppliedFault[];
  readonly report?: Report;
}

export type TrialRunner = (scenario: Scenario, seed: number) => Trial;

/**
 * The harness's per-fault hook. Declared here, not in RunOptions, so that shrinking works (without
 * converting the nemesis) against a harness that does not offer it yet.
 */
type RunOptionsWithFaultHook = RunOptions & { onFaultApplied?: (fault: Fault, source: FaultSource) => void };

export const simulatorTrial: TrialRunner = (scenario, seed) => {
  const applied: AppliedFault[] = [];
  const options: RunOptionsWithFaultHook = { seed, onFaultApplied: (fault, source) => void applied.push({ fault, source }) };
  try {
    const { report } = runScenario(scenario, options);
    return trialOf(report, applied);
  } catch (error) {
    const kind = error instanceof AssertionFailure ? 'assertion failed' : 'threw';
    const detail = `${kind}: ${error instanceof Error ? error.message : String(error)}`;
    return { failing: new Set([exceptionCheck]), details: new Map([[exceptionCheck, detail]]), kinds: new Map([[exceptionCheck, kind]]), ops: undefined, faultsApplied: undefined, applied };
  }
};

export function trialOf(report: Report, applied: readonly AppliedFault[] = []): Trial {
  const failed = report.checks.filter((c) => c.verdict === 'fail');
  const ops = report.stats.operations;
  return {
    failing: new Set(failed.map((c) => c.name)),
    details: new Map(failed.map((c) => [c.name, c.detail])),
    kinds: new Map(failed.flatMap((c) => (c.kind === undefined ? [] : [[c.name, c.kind] as const]))),
    ops: ops.ok + ops.fail + ops.info,
    faultsApplied: report.stats.faults,
    applied,
    report,
  };
}
