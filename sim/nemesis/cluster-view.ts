// What the nemesis needs to know about the cluster when a fault fires: who is in it, who is up, who
// leads. The run harness implements it from the live nodes.
import type { NodeId } from '../../core/types.ts';

export interface ClusterView {
  /** Every node the world knows, in id order (including spares not yet started). */
  allNodes(): readonly NodeId[];
  /** Nodes that are members of the cluster now (started at least once and not removed). */
  members(): readonly NodeId[];
  isUp(node: NodeId): boolean;
  /** Voters of the configuration as the leader (or any up member) sees it. */
  voters(): readonly NodeId[];
  /** The up node that leads in the highest term, if any. */
  leader(): NodeId | undefined;
  /** Calls `listener` each time a node takes office as leader, until the returned function is called. */
  onLeaderElected(listener: (node: NodeId) => void): () => void;
}
