// The shape of one simulated run's outcome: report.json (CONTRACTS.md) plus the in-memory artifacts.
import type { Fault, Scenario } from '../scenario/schema.ts';
import type { CrashPoint } from './crash-points.ts';

export type CheckVerdict = 'pass' | 'fail' | 'unknown' | 'skipped';

export interface CheckResult {
  readonly name: string;
  readonly verdict: CheckVerdict;
  readonly detail: string;
  /**
   * A failed check's kind of violation (sim/run/checks.ts FailureKind: liveness no-leader-after-heal,
   * raft-invariants the invariant, ...). With the name it is the failure's signature, which shrinking keeps.
   */
  readonly kind?: string;
  /** History indexes of the operations involved (linearizability), for the timeline. */
  readonly ops?: readonly number[];
}

export interface RunStats {
  readonly virtualMs: number;
  readonly wallMs: number;
  readonly events: number;
  readonly operations: { readonly ok: number; readonly fail: number; readonly info: number };
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
  readonly leaderChanges: number;
  readonly faults: number;
  readonly acknowledgedWrites: number;
  readonly messages: { readonly sent: number; readonly delivered: number; readonly dropped: number };
}

export interface Report {
  readonly scenario: string;
  readonly seed: number;
  /**
   * pass: every check passed, or the violation the scenario expects was found. exception: something
   * other than a failed assertion threw out of the run (a bug in kvlab or the simulator); the run
   * stopped there and its one check, `exception`, says what and where.
   */
  readonly verdict: 'pass' | 'fail' | 'exception';
  readonly expect: 'pass' | 'violation';
  readonly bugs: readonly string[];
  readonly checks: readonly CheckResult[];
  /** Set when the run stopped at its first online violation (RunOptions.stopOnViolation) before its end. */
  readonly stoppedAtMs?: number;
  readonly stats: RunStats;
}

export interface RunOptions {
  readonly seed: number;
  /** Bug-zoo bugs to switch on in addition to the scenario's own. */
  readonly bugs?: readonly string[];
  /** Keep the trace in memory (for trace.jsonl and the timeline); off for sweeps. */
  readonly trace?: boolean;
  /** Write the trace straight to this file instead of memory. */
  readonly tracePath?: string;
  /** gzip the trace file at tracePath (docs/trace.md, "What a run keeps"). */
  readonly traceCompress?: boolean;
  /** Called for every fault actually applied (shrink turns a random nemesis into these explicit faults). */
  readonly onFaultApplied?: (fault: Fault, source: 'scenario' | 'nemesis') => void;
  /** Deterministic crashes after a node's k-th disk operation (sim/run/crash-points.ts). */
  readonly crashPoints?: readonly CrashPoint[];
  /**
   * Stop the run at the first violation of a Raft invariant seen online (checked every inspection
   * interval) instead of running to the end; checks that need the whole run are then `skipped`. Only
   * for scenarios that check raft-invariants. Speeds up runs that catch a bug (sim/run/stop-on-violation.ts).
   */
  readonly stopOnViolation?: boolean;
}

export interface RunResult {
  readonly scenario: Scenario;
  readonly report: Report;
  readonly historyText: string;
  /** Present when RunOptions.trace was set. */
  readonly traceText?: string;
  /** The disk operations after which crash points crashed a node. */
  readonly crashPointsHit?: readonly string[];
  /** With a crash point: that node's mutating disk operations in order (1-based count = index + 1). */
  readonly diskOps?: readonly string[];
}

/** The one-line command that reproduces a run. */
export function reproCommand(scenarioPath: string | undefined, seed: number, bugs: readonly string[]): string {
  const parts = ['npx kvlab run'];
  if (scenarioPath) parts.push(scenarioPath);
  parts.push('--seed', String(seed));
  for (const bug of bugs) parts.push('--bug', bug);
  return parts.join(' ');
}
