// Membership faults in the simulator: add a spare node as a learner (and promote it once it has
// caught up), remove a member, or move leadership. They go through the same KvNode API that the
// production members endpoint uses.
import type { NodeId } from '../../core/types.ts';
import type { FaultHooks } from '../nemesis/fault-runner.ts';
import type { SimCluster } from './sim-cluster.ts';

/** Checks for a learner's catch-up this often, and gives up promoting after this many checks. */
const promoteCheckEveryMs = 100;
const promoteChecksMax = 100;

export function makeMembershipHooks(cluster: SimCluster): Omit<FaultHooks, 'corrupt' | 'nodeDown' | 'diskFaults'> {
  const { world } = cluster;
  const leaderNode = () => {
    const id = cluster.leader();
    return id === undefined ? undefined : cluster.node(id);
  };

  const promoteWhenCaughtUp = (id: NodeId, checksLeft: number) => {
    world.sim.schedule(promoteCheckEveryMs * 1000, () => {
      const leader = leaderNode();
      const progress = leader?.replica()?.status().progress?.find((p) => p.id === id);
      const commit = leader?.replica()?.status().commit ?? 0;
      if (leader && progress && progress.match >= commit) {
        leader.changeMembership({ changes: [{ type: 'addVoter', nodeId: id }] }, () => {});
      } else if (checksLeft > 0) promoteWhenCaughtUp(id, checksLeft - 1);
    });
  };

  return {
    addNode(promote) {
      const leader = leaderNode();
      const spare = world.nodeIds().find((n) => world.state(n) === 'stopped' && world.incarnation(n) === 0);
      if (!leader || spare === undefined) return undefined;
      world.start(spare);
      leader.changeMembership({ changes: [{ type: 'addLearner', nodeId: spare }] }, (error) => {
        if (!error && promote) promoteWhenCaughtUp(spare, promoteChecksMax);
      });
      return spare;
    },
    removeNode(node) {
      const leader = leaderNode();
      if (!leader || cluster.members().length <= 1) return false;
      leader.changeMembership({ changes: [{ type: 'removeNode', nodeId: node }] }, (error) => {
        if (error) return;
        cluster.removeMember(node);
      });
      return true;
    },
    transferLeader(to) {
      const leaderId = cluster.leader();
      if (leaderId === undefined) return false;
      const target = to ?? cluster.members().find((n) => n !== leaderId && cluster.isUp(n));
      if (target === undefined || target === leaderId) return false;
      cluster.node(leaderId)?.transferLeader(target);
      return true;
    },
  };
}
