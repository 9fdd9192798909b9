// What the protocol servers (RESP and HTTP) need from a node besides reads and writes: its view of the
// cluster (GET /v1/cluster, INFO) and membership changes (POST/DELETE /v1/members). prod/node
// implements these; tests use fakes. Callback-based like KvClientApi, so core's node can implement them
// directly; the servers wrap them in Promises.
import type { ClientError, ClusterMemberStatus } from '../../core/node/client-api.ts';
import type { NodeId } from '../../core/types.ts';

/** "host:port" addresses a node serves on. */
export interface MemberAddresses {
  readonly respAddr: string;
  readonly httpAddr: string;
  readonly raftAddr: string;
}

export interface ClusterNodeStatus extends ClusterMemberStatus, MemberAddresses {}

/** The body of GET /v1/cluster (CONTRACTS.md). */
export interface ClusterStatus {
  readonly clusterId: string;
  /** The leader this node knows of, or null while there is none. */
  readonly leader: NodeId | null;
  readonly term: number;
  readonly nodes: readonly ClusterNodeStatus[];
}

export interface ClusterStatusSource {
  /** This node's id (INFO names it). */
  readonly nodeId: NodeId;
  /** A snapshot of this node's view; cheap, synchronous, never throws. */
  clusterStatus(): ClusterStatus;
}

export type MembershipChange =
  /** Adds a node as a non-voting learner that starts catching up. */
  | { readonly op: 'addLearner'; readonly id: NodeId; readonly addresses: MemberAddresses }
  /** Makes a caught-up learner a voter. */
  | { readonly op: 'promote'; readonly id: NodeId }
  | { readonly op: 'remove'; readonly id: NodeId };

export interface MembershipAdmin {
  /** Calls `done(null)` once the change is committed, or with why it was not made. */
  changeMembership(change: MembershipChange, done: (error: ClientError | null) => void): void;
}
