// The liveness probe: after the heal, when the workload can no longer show that the cluster serves
// clients (no clients, no rate, or its `opsMax` budget spent — perhaps every operation ran before the
// first election), the run itself asks the leader for a linearizable read, again and again until one
// succeeds. The read changes nothing and is not part of the client history, so it cannot affect the
// other checks; it only lets liveness judge a run whose workload ended early, instead of failing it.
import type { NodeId } from '../../core/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { RunObservations } from './checks.ts';
import type { SimCluster } from './sim-cluster.ts';

/** Virtual ms between probe attempts. */
const probeEveryMs = 100;
/** The probe's request and reply each take this long (a client next to the node). */
const probeLinkUs = 100;
/** A key the workload may use too: a read of it disturbs nothing. */
const probeKey = 'k0';

/** True when the client history cannot show liveness after the heal by itself. */
export function workloadCannotShowLiveness(s: Scenario, obs: RunObservations): boolean {
  const w = s.workload;
  if (w.clients === 0 || w.ratePerClient === 0) return true;
  const settled = obs.outcomes.ok + obs.outcomes.fail + obs.outcomes.info;
  return w.opsMax !== undefined && settled >= w.opsMax;
}

export function scheduleLivenessProbe(s: Scenario, cluster: SimCluster, obs: RunObservations): void {
  const { sim } = cluster.world;
  const timeoutUs = s.cluster.requestTimeoutMs * 1000;
  let sentAtUs: number | undefined;
  const attempt = () => {
    if (obs.okAfterHealUs !== undefined || obs.probeOkAfterHealUs !== undefined) return;
    const inFlight = sentAtUs !== undefined && sim.nowUs - sentAtUs < timeoutUs;
    const leader = cluster.leader();
    if (!inFlight && leader !== undefined && workloadCannotShowLiveness(s, obs)) {
      sentAtUs = sim.nowUs;
      probe(cluster, leader, obs);
    }
    if (sim.nowUs + probeEveryMs * 1000 < obs.endUs) sim.schedule(probeEveryMs * 1000, attempt);
  };
  sim.scheduleAt(obs.healUs, attempt);
}

/** The request is an event of the leader (a paused node takes it when it resumes, a crashed one never). */
function probe(cluster: SimCluster, leader: NodeId, obs: RunObservations): void {
  const { sim } = cluster.world;
  sim.schedule(
    probeLinkUs,
    () => {
      const api = cluster.node(leader);
      api?.read({ op: 'get', key: probeKey }, { consistency: 'linearizable' }, (error) => {
        if (error) return;
        sim.schedule(probeLinkUs, () => {
          obs.probeOkAfterHealUs ??= sim.nowUs;
        });
      });
    },
    leader,
  );
}
