// Node gauges for GET /metrics, read at scrape time: this node's Raft state and its peer links.
import type { MetricsRegistry } from '../metrics/registry.ts';
import type { TcpNetwork } from '../env/tcp-network.ts';
import type { NodeHost } from './node-host.ts';

export function registerNodeMetrics(registry: MetricsRegistry, host: NodeHost, network: TcpNetwork): void {
  const gauge = (name: string, help: string, value: () => number) =>
    registry.collector({ name, help, collect: () => [[{ group: '1' }, value()]] });
  gauge('kvlab_raft_term', 'Current Raft term of this node.', () => host.view().term);
  gauge('kvlab_raft_commit_index', 'Highest log index this node knows is committed.', () => host.view().commitIndex);
  gauge('kvlab_raft_applied_index', 'Highest log index applied to the state machine.', () => host.view().appliedIndex);
  gauge('kvlab_raft_is_leader', '1 while this node is the leader.', () => (host.view().role === 'leader' ? 1 : 0));
  registry.collector({
    name: 'kvlab_raft_members',
    help: 'Members of the current configuration, by kind.',
    collect: () => {
      const view = host.view();
      return [
        [{ group: '1', kind: 'voter' }, view.voters.length],
        [{ group: '1', kind: 'learner' }, view.learners.length],
      ];
    },
  });
  registry.collector({
    name: 'kvlab_peer_connected',
    help: '1 while the outbound connection to the peer is up.',
    collect: () => [...network.stats().peers].map(([id, stats]) => [{ peer: String(id) }, stats.connected ? 1 : 0] as const),
  });
  registry.collector({
    name: 'kvlab_peer_frames_dropped',
    help: 'Frames to the peer dropped (queue full, unreachable, too large).',
    collect: () => [...network.stats().peers].map(([id, s]) => [{ peer: String(id) }, s.framesDroppedQueueFull + s.framesDroppedUnreachable + s.framesDroppedTooLarge] as const),
  });
}
