// An optional window into a node for checkers that run beside it (the simulator's invariant checker).
// The host calls it at the moments that matter for safety; production passes nothing.
import type { Entry } from '../raft/types.ts';
import type { GroupId, LogIndex, NodeId, Term } from '../types.ts';

export interface NodeObserver {
  /** `entries` are now durable on this node's disk (their fsync completed). */
  persisted(node: NodeId, group: GroupId, entries: readonly Entry[]): void;
  /** A snapshot through `index` is durable on this node's disk (its entries are, in effect). */
  snapshotPersisted(node: NodeId, group: GroupId, index: LogIndex): void;
  /** The configuration entry at `index` was applied: `voters` vote from then on. */
  configurationApplied(node: NodeId, group: GroupId, index: LogIndex, voters: readonly NodeId[], votersOutgoing: readonly NodeId[]): void;
  /** The state machine applied `entries`, in order, while the node was in `term`. */
  applied(node: NodeId, group: GroupId, entries: readonly Entry[], term: Term): void;
  /** The node became leader of `group` in `term`. */
  becameLeader(node: NodeId, group: GroupId, term: Term): void;
  /** The commit index the node reports for `group`. */
  committed(node: NodeId, group: GroupId, index: LogIndex): void;
}
