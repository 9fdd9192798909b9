// The end-of-run checks: linearizability of the client history, the Raft invariants seen online,
// durability of every acknowledged write, and liveness after the heal.
import { firstGroup } from '../../core/node/kv-node.ts';
import type { Operation } from '../../check/history.ts';
import { checkLinearizability } from '../../check/linearizability.ts';
import type { NodeId } from '../../core/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { workloadCannotShowLiveness } from './liveness-probe.ts';
import type { CheckResult } from './run-types.ts';
import type { SimCluster } from './sim-cluster.ts';

export interface RunObservations {
  readonly healUs: number;
  readonly endUs: number;
  readonly latenciesUs: number[];
  readonly outcomes: { ok: number; fail: number; info: number };
  okAfterHealUs: number | undefined;
  /** When the liveness probe (liveness-probe.ts) first read through the leader after the heal. */
  probeOkAfterHealUs?: number;
  leaderAfterHealUs: number | undefined;
  readonly receipts: { index: number; term: number }[];
  faults: number;
  /** The leader's commit index a while before the end, which every running member must have applied by the end. */
  convergeTarget: { commit: number; atUs: number } | undefined;
  /** Raft's applied index of every running member at the end. */
  appliedAtEnd: Map<NodeId, number>;
}

/** `operations`: the client history, paired into operations (what parseHistory of history.jsonl gives). */
export function evaluateChecks(s: Scenario, cluster: SimCluster, operations: () => Operation[], obs: RunObservations): CheckResult[] {
  return s.checks.map((name) => {
    switch (name) {
      case 'linearizability':
        return linearizability(operations());
      case 'raft-invariants':
        return raftInvariants(cluster);
      case 'durability':
        return durability(cluster, obs);
      case 'liveness':
        return liveness(s, obs);
    }
  });
}

/**
 * The kind of violation a failed check found, for `CheckResult.kind`: shrinking keeps a candidate
 * only if it fails with the same (check, kind) signature, so that it reproduces the same failure,
 * not just the same check's name.
 */
export type FailureKind =
  | 'no-leader-after-heal'
  | 'no-operation-after-heal'
  | 'not-converged'
  | 'acknowledged-write-lost'
  /** linearizability: the operation no linearization gets past was a read, a write (put, delete) or a cas. */
  | 'read'
  | 'write'
  | 'cas'
  /** raft-invariants: the invariant of the first violation (election-safety, log-matching, ...). */
  | string;

function linearizability(operations: Operation[]): CheckResult {
  const result = checkLinearizability(operations);
  if (result.verdict === 'linearizable') {
    return { name: 'linearizability', verdict: 'pass', detail: `${result.operationsChecked} operations over ${result.keysChecked} keys are linearizable` };
  }
  if (result.verdict === 'unknown') {
    return { name: 'linearizability', verdict: 'unknown', detail: `search budget exhausted on keys ${result.unknownKeys.join(', ')}` };
  }
  const v = result.violations[0];
  const stuck = operations.find((op) => op.invokeIndex === v.op);
  return { name: 'linearizability', verdict: 'fail', kind: stuckKind(stuck?.call.f), detail: `key ${v.key}: ${v.explanation}`, ops: v.window.ops };
}

function stuckKind(f: string | undefined): FailureKind {
  if (f === 'get') return 'read';
  if (f === 'cas') return 'cas';
  return 'write';
}

function raftInvariants(cluster: SimCluster): CheckResult {
  const violations = cluster.checker.violations;
  if (violations.length === 0) return { name: 'raft-invariants', verdict: 'pass', detail: 'election safety, log matching, leader completeness, state machine safety, commit monotonicity and durable-before-ack held throughout' };
  const first = violations[0];
  const more = violations.length > 1 ? ` (and ${violations.slice(1).map((v) => v.invariant).join(', ')})` : '';
  return { name: 'raft-invariants', verdict: 'fail', kind: first.invariant, detail: `${first.invariant} at ${first.atUs / 1000} ms: ${first.detail}${more}` };
}

function durability(cluster: SimCluster, obs: RunObservations): CheckResult {
  const lost = cluster.checker.checkAcknowledgedApplied(firstGroup, obs.receipts);
  if (lost.length === 0) return { name: 'durability', verdict: 'pass', detail: `all ${obs.receipts.length} acknowledged writes were applied by the cluster` };
  return { name: 'durability', verdict: 'fail', kind: 'acknowledged-write-lost', detail: `${lost.length} acknowledged writes lost; first: ${lost[0]}` };
}

function liveness(s: Scenario, obs: RunObservations): CheckResult {
  const healMs = obs.healUs / 1000;
  const fail = (kind: FailureKind, detail: string): CheckResult => ({ name: 'liveness', verdict: 'fail', kind, detail });
  if (obs.leaderAfterHealUs === undefined) return fail('no-leader-after-heal', `no leader between the heal at ${healMs} ms and the end at ${obs.endUs / 1000} ms`);
  const leaderMs = obs.leaderAfterHealUs / 1000;
  // A workload that ended early (opsMax spent, perhaps before the first election) cannot show that the
  // cluster serves clients: the liveness probe's read through the leader speaks for it instead.
  const probed = workloadCannotShowLiveness(s, obs);
  const servedUs = obs.okAfterHealUs ?? obs.probeOkAfterHealUs;
  if (servedUs === undefined) {
    const what = probed ? 'neither a client operation nor the liveness probe\'s read (the workload had no operations left) succeeded' : 'no client operation succeeded';
    return fail('no-operation-after-heal', `a leader by ${leaderMs} ms, but ${what} after the heal at ${healMs} ms`);
  }
  const target = obs.convergeTarget;
  const behind = target ? [...obs.appliedAtEnd].filter(([, applied]) => applied < target.commit) : [];
  if (target && behind.length > 0) {
    const list = behind.map(([n, a]) => `node ${n} at ${a}`).join(', ');
    return fail('not-converged', `members did not converge: the leader had committed ${target.commit} at ${target.atUs / 1000} ms, but at the end ${list}`);
  }
  const served = obs.okAfterHealUs !== undefined ? `first successful operation at ${servedUs / 1000} ms` : `the workload had no operations left; the liveness probe read through the leader at ${servedUs / 1000} ms`;
  const converged = target ? `; every running member applied the leader's commit ${target.commit}` : '';
  return { name: 'liveness', verdict: 'pass', detail: `after the heal at ${healMs} ms: a leader by ${leaderMs} ms, ${served}${converged}` };
}
