// Graceful stop of a leader: hand leadership to the most caught-up follower first, so the cluster does
// not sit through an election timeout without a leader (etcd does the same on shutdown).
import type { NodeId } from '../../core/types.ts';
import type { JsonLog } from '../log/json-log.ts';
import type { LocalRaftView, NodeHost } from './node-host.ts';

/** How often the handoff checks whether leadership moved. */
const HANDOFF_POLL_MS = 10;

/**
 * The voter (not `self`) with the highest match among those recently active and reachable now, or
 * null. Reachability matters when a whole cluster stops: a follower that just went away still counts
 * as recently active for up to an election timeout.
 */
export function handoffTarget(view: LocalRaftView, self: NodeId, reachable: (id: NodeId) => boolean = () => true): NodeId | null {
  if (view.role !== 'leader' || !view.progress) return null;
  let best: { id: NodeId; match: number } | null = null;
  for (const progress of view.progress) {
    if (progress.id === self || progress.isLearner || !progress.recentActive || !view.voters.includes(progress.id) || !reachable(progress.id)) continue;
    if (best === null || progress.match > best.match) best = { id: progress.id, match: progress.match };
  }
  return best?.id ?? null;
}

/** Transfers leadership if this node leads; resolves once it moved, the target went away, or after `waitMsMax`. */
export async function handOffLeadership(host: NodeHost, self: NodeId, waitMsMax: number, log: JsonLog, reachable: (id: NodeId) => boolean = () => true): Promise<void> {
  const target = handoffTarget(host.view(), self, reachable);
  if (target === null) return;
  log.info('node.transferLeader', { to: target });
  host.transferLeader(target);
  const deadline = performance.now() + waitMsMax;
  while (performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, HANDOFF_POLL_MS));
    const view = host.view();
    if (view.role !== 'leader') {
      log.info('node.leaderMoved', { to: view.leader });
      return;
    }
    if (!reachable(target)) {
      log.warn('node.transferLeaderAbandoned', { to: target, reason: 'the target went away' });
      return;
    }
  }
  log.warn('node.transferLeaderTimeout', { to: target, waitMs: waitMsMax });
}
