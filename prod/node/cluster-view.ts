// GET /v1/cluster for a production node (prod/http ClusterStatusSource): this node's own row from its
// Raft state, every other member's row from what that member last reported about itself (see
// PeerStatusPoller), and the addresses from the member directory.
import type { NodeId } from '../../core/types.ts';
import type { ClusterNodeStatus, ClusterStatus, ClusterStatusSource } from '../http/node-services.ts';
import type { MemberDirectory } from './member-directory.ts';
import type { LocalRaftView, NodeHost } from './node-host.ts';
import type { PeerStatusPoller } from './peer-status-poller.ts';

export interface ClusterViewOptions {
  readonly nodeId: NodeId;
  readonly clusterId: string;
  readonly host: () => NodeHost | null;
  readonly directory: MemberDirectory;
  readonly poller: PeerStatusPoller;
  /** A peer report older than this shows the peer as down. */
  readonly freshMs: number;
}

const startingView: LocalRaftView = { role: 'starting', term: 0, leader: null, commitIndex: 0, appliedIndex: 0, lastIndex: 0, voters: [], learners: [] };

export class ClusterView implements ClusterStatusSource {
  readonly nodeId: NodeId;

  constructor(private readonly options: ClusterViewOptions) {
    this.nodeId = options.nodeId;
  }

  /** The ids shown: the current configuration, or every known member while there is none (joining). */
  memberIds(view: LocalRaftView): NodeId[] {
    const ids = new Set<NodeId>([...view.voters, ...view.learners]);
    if (ids.size === 0) for (const id of this.options.directory.ids()) ids.add(id);
    ids.add(this.nodeId);
    return [...ids].sort((a, b) => a - b);
  }

  clusterStatus(): ClusterStatus {
    const view = this.options.host()?.view() ?? startingView;
    const nodes = this.memberIds(view).map((id) => (id === this.nodeId ? this.selfRow(view) : this.peerRow(id)));
    return { clusterId: this.options.clusterId, leader: view.leader, term: view.term, nodes };
  }

  private addresses(id: NodeId) {
    const known = this.options.directory.get(id);
    return { respAddr: known?.respAddr ?? '', httpAddr: known?.httpAddr ?? '', raftAddr: known?.raftAddr ?? '' };
  }

  private selfRow(view: LocalRaftView): ClusterNodeStatus {
    const role = view.role;
    const up = view.role !== 'starting' && view.role !== 'failed';
    return { id: this.nodeId, role, term: view.term, commitIndex: view.commitIndex, appliedIndex: view.appliedIndex, up, ...this.addresses(this.nodeId) };
  }

  private peerRow(id: NodeId): ClusterNodeStatus {
    const report = this.options.poller.report(id, this.options.freshMs);
    if (!report) return { id, role: 'unknown', term: 0, commitIndex: 0, appliedIndex: 0, up: false, ...this.addresses(id) };
    const { role, term, commitIndex, appliedIndex, up } = report.row;
    return { id, role, term, commitIndex, appliedIndex, up: up !== false, ...this.addresses(id) };
  }
}
