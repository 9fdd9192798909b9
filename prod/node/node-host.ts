// The seam between the production shell (servers, signals, logs, membership addresses) and the node
// host of core (KvNode). The shell needs only this much; kv-node-host.ts adapts KvNode to it, and
// tests can run the shell over a fake.
import type { ClientError, KvClientApi } from '../../core/node/client-api.ts';
import type { NodeId } from '../../core/types.ts';

export interface PeerProgressView {
  readonly id: NodeId;
  readonly match: number;
  readonly recentActive: boolean;
  readonly isLearner: boolean;
}

/** This node's view of its Raft group, as plain data. */
export interface LocalRaftView {
  /** follower | preCandidate | candidate | leader | learner, or 'starting' / 'failed' for the host. */
  readonly role: string;
  readonly term: number;
  /** The leader this node knows of, or null. */
  readonly leader: NodeId | null;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly lastIndex: number;
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
  /** Leader only: every member's replication progress. */
  readonly progress?: readonly PeerProgressView[];
}

export type MemberChangeOp = 'addLearner' | 'promote' | 'remove';

export interface NodeHost extends KvClientApi {
  view(): LocalRaftView;
  /** Proposes one membership change; `context` is replicated with it (the member's addresses). */
  changeMembership(op: MemberChangeOp, id: NodeId, context: Uint8Array | undefined, done: (error: ClientError | null) => void): void;
  /** Asks the leader (this node) to hand leadership to `to`. */
  transferLeader(to: NodeId): void;
  /** Pending requests fail with `stopping`; resolves once no storage completion is outstanding. Idempotent. */
  stop(): void | Promise<void>;
}
