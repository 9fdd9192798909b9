// The end-of-run checks: linearizability of the client history, the Raft invariants seen online,
// durability of every acknowledged write, and liveness after the heal.
import { firstGroup } from '../../core/node/kv-node.ts';
import type { Operation } from '../../check/history.ts';
import { checkLinearizability } from '../../check/linearizability.ts';
import type { NodeId } from '../../core/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { CheckResult } from './run-types.ts';
import type { SimCluster } from './sim-cluster.ts';

export interface RunObservations {
  readonly healUs: number;
  readonly endUs: number;
  readonly latenciesUs: number[];
  readonly outcomes: { ok: number; fail: number; info: number };
  okAfterHealUs: number | undefined;
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

function linearizability(operations: Operation[]): CheckResult {
  const result = checkLinearizability(operations);
  if (result.verdict === 'linearizable') {
    return { name: 'linearizability', verdict: 'pass', detail: `${result.operationsChecked} operations over ${result.keysChecked} keys are linearizable` };
  }
  if (result.verdict === 'unknown') {
    return { name: 'linearizability', verdict: 'unknown', detail: `search budget exhausted on keys ${result.unknownKeys.join(', ')}` };
  }
  const v = result.violations[0];
  return { name: 'linearizability', verdict: 'fail', detail: `key ${v.key}: ${v.explanation}`, ops: v.window.ops };
}

function raftInvariants(cluster: SimCluster): CheckResult {
  const violations = cluster.checker.violations;
  if (violations.length === 0) return { name: 'raft-invariants', verdict: 'pass', detail: 'election safety, log matching, leader completeness, state machine safety, commit monotonicity and durable-before-ack held throughout' };
  const first = violations[0];
  const more = violations.length > 1 ? ` (and ${violations.slice(1).map((v) => v.invariant).join(', ')})` : '';
  return { name: 'raft-invariants', verdict: 'fail', detail: `${first.invariant} at ${first.atUs / 1000} ms: ${first.detail}${more}` };
}

function durability(cluster: SimCluster, obs: RunObservations): CheckResult {
  const lost = cluster.checker.checkAcknowledgedApplied(firstGroup, obs.receipts);
  if (lost.length === 0) return { name: 'durability', verdict: 'pass', detail: `all ${obs.receipts.length} acknowledged writes were applied by the cluster` };
  return { name: 'durability', verdict: 'fail', detail: `${lost.length} acknowledged writes lost; first: ${lost[0]}` };
}

function liveness(s: Scenario, obs: RunObservations): CheckResult {
  const healMs = obs.healUs / 1000;
  if (obs.leaderAfterHealUs === undefined) return { name: 'liveness', verdict: 'fail', detail: `no leader between the heal at ${healMs} ms and the end at ${obs.endUs / 1000} ms` };
  const leaderMs = obs.leaderAfterHealUs / 1000;
  if (s.workload.clients > 0 && s.workload.ratePerClient > 0 && obs.okAfterHealUs === undefined) {
    return { name: 'liveness', verdict: 'fail', detail: `a leader by ${leaderMs} ms, but no client operation succeeded after the heal at ${healMs} ms` };
  }
  const target = obs.convergeTarget;
  const behind = target ? [...obs.appliedAtEnd].filter(([, applied]) => applied < target.commit) : [];
  if (target && behind.length > 0) {
    const list = behind.map(([n, a]) => `node ${n} at ${a}`).join(', ');
    return { name: 'liveness', verdict: 'fail', detail: `members did not converge: the leader had committed ${target.commit} at ${target.atUs / 1000} ms, but at the end ${list}` };
  }
  const okMs = obs.okAfterHealUs === undefined ? 'n/a' : `${obs.okAfterHealUs / 1000} ms`;
  const converged = target ? `; every running member applied the leader's commit ${target.commit}` : '';
  return { name: 'liveness', verdict: 'pass', detail: `after the heal at ${healMs} ms: a leader by ${leaderMs} ms, first successful operation at ${okMs}${converged}` };
}
