// The public vocabulary of the sans-IO Raft core. Modelled on etcd-io/raft's raftpb + RawNode:
// the host feeds ticks, messages and proposals in; Raft hands back a Ready; the host persists,
// sends and applies it in the order documented on Ready, then calls advance().
import type { GroupId, LogIndex, NodeId, Term } from '../types.ts';
import type { RaftBugName } from './bugs.ts';

export type { RaftBugName } from './bugs.ts';

export type EntryType = 'normal' | 'confChange';

export interface Entry {
  readonly term: Term;
  readonly index: LogIndex;
  readonly type: EntryType;
  /** Opaque to Raft (a KV command, an encoded ConfChange, or empty for the leader's no-op). */
  readonly data: Uint8Array;
}

/** What must be on stable storage before any message that depends on it leaves the node. */
export interface HardState {
  readonly term: Term;
  readonly vote: NodeId;
  readonly commit: LogIndex;
}

export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
  /** Joint consensus: the outgoing voter set while a joint change is in progress, else []. */
  readonly votersOutgoing: readonly NodeId[];
  /** Learners that become voters when the joint configuration is left. */
  readonly learnersNext: readonly NodeId[];
  readonly autoLeave: boolean;
}

export interface SnapshotMetadata {
  readonly index: LogIndex;
  readonly term: Term;
  readonly confState: ConfState;
}

export interface Snapshot {
  readonly metadata: SnapshotMetadata;
  /** The state machine's snapshot, opaque to Raft. */
  readonly data: Uint8Array;
}

export type ConfChangeType = 'addVoter' | 'addLearner' | 'removeNode';

export interface ConfChangeSingle {
  readonly type: ConfChangeType;
  readonly nodeId: NodeId;
}

/** One or more changes; more than one (or `transition: 'explicit'`) means joint consensus. */
export interface ConfChange {
  readonly changes: readonly ConfChangeSingle[];
  readonly transition?: 'auto' | 'implicit' | 'explicit';
  /** Opaque context passed back to the host on apply (e.g. the new member's addresses). */
  readonly context?: Uint8Array;
}

export type MessageType =
  | 'hup' // local: start an election
  | 'beat' // local: leader sends heartbeats
  | 'prop' // proposal (local, or forwarded by a follower to the leader)
  | 'app'
  | 'appResp'
  | 'vote'
  | 'voteResp'
  | 'preVote'
  | 'preVoteResp'
  | 'snap' // one chunk of a snapshot
  | 'snapStatus' // local: the transport reports a snapshot send finished or failed
  | 'heartbeat'
  | 'heartbeatResp'
  | 'unreachable' // local: the transport could not reach a peer
  | 'transferLeader'
  | 'timeoutNow'
  | 'readIndex'
  | 'readIndexResp'
  | 'checkQuorum' // local
  | 'snapResp'; // follower -> leader: acknowledges (or, with reject, asks to resend from) a snapshot chunk

export interface SnapshotChunk {
  /** Byte offset of `data` within the whole snapshot data. */
  readonly offset: number;
  readonly data: Uint8Array;
  /** Total length of the snapshot data. */
  readonly totalBytes: number;
  readonly last: boolean;
}

export interface Message {
  readonly type: MessageType;
  readonly group: GroupId;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: Term;
  /** Term of the entry at `index` (app, vote: last log term). */
  readonly logTerm: Term;
  readonly index: LogIndex;
  readonly entries: readonly Entry[];
  readonly commit: LogIndex;
  readonly reject: boolean;
  readonly rejectHint: LogIndex;
  /** snap: the snapshot's metadata (with empty data) and the chunk carried by this message. */
  readonly snapshot?: SnapshotMetadata;
  readonly chunk?: SnapshotChunk;
  /** readIndex / heartbeat: the read request context echoed back. */
  readonly context?: Uint8Array;
  /**
   * heartbeat: the leader's tick counter when it sent the heartbeat; heartbeatResp echoes it. The
   * leader dates its read lease from the oldest send a quorum acknowledged (lease-based reads).
   */
  readonly leaderTick?: number;
}

export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader';

export interface SoftState {
  readonly leader: NodeId;
  readonly role: Role;
}

/** A linearizable read is safe once the state machine has applied `index`. */
export interface ReadState {
  readonly index: LogIndex;
  readonly context: Uint8Array;
}

/**
 * The output of one round. The host MUST, in this order:
 * 1. persist `snapshot` (if any), then `entries` and `hardState` (if any), and fsync when `mustSync`;
 * 2. only then send `messages` (responses and votes promise what was just persisted);
 * 3. apply `committedEntries` in order (they are already durable on a quorum, this node included);
 * 4. serve `readStates` once applied >= their index;
 * 5. call `advance(ready)`.
 * At most one Ready is outstanding: `ready()` is not called again before `advance()`.
 */
export interface Ready {
  readonly softState?: SoftState;
  readonly hardState?: HardState;
  readonly entries: readonly Entry[];
  readonly snapshot?: Snapshot;
  readonly committedEntries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly readStates: readonly ReadState[];
  readonly mustSync: boolean;
}

export interface RaftConfig {
  readonly id: NodeId;
  readonly group: GroupId;
  /** Ticks without a heartbeat before a follower campaigns; randomized in [electionTicks, 2*electionTicks). */
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  /** 'safe' = ReadIndex with a heartbeat round; 'leaseBased' requires checkQuorum. */
  readonly readOnlyOption: 'safe' | 'leaseBased';
  /** Bound on entries bytes in one append message. */
  readonly maxMsgBytes: number;
  /** Inflight window per follower in replicate state, by count and by bytes. */
  readonly inflightMsgsMax: number;
  readonly inflightBytesMax: number;
  /** Bound on uncommitted bytes the leader accepts before rejecting proposals (0 = none). */
  readonly uncommittedBytesMax: number;
  /** Snapshot chunk size for transfer. */
  readonly snapshotChunkBytes: number;
  /** Index of the last entry already applied (on restart). */
  readonly applied: LogIndex;

  // Optional settings (defaults in core/raft/config.ts).
  /**
   * Lease reads: the most ticks a follower's clock may run ahead of the leader's within one election
   * timeout. The lease lasts electionTicks - leaseDriftTicksMax ticks after a quorum acknowledged a
   * heartbeat. Default max(1, floor(electionTicks / 10)).
   */
  readonly leaseDriftTicksMax?: number;
  /** Followers forward proposals and reads to the leader (default true). */
  readonly proposalForwarding?: boolean;
  /** Bound on the snapshot size a follower accepts (default 256 MiB). */
  readonly snapshotBytesMax?: number;
  /** Ticks a snapshot transfer may go without an acknowledged chunk before the leader restarts it (default 2*electionTicks). */
  readonly snapshotStallTicksMax?: number;
  /** Bound on read requests waiting for a heartbeat round or for the leader's first commit (default 4096). */
  readonly readIndexQueueMax?: number;
  /** Bound on the payload bytes of committed entries handed out in one Ready (at least one entry; default 64 MiB). */
  readonly readyCommittedBytesMax?: number;
  /** Bound on the entries of one proposal batch (default 10000). */
  readonly proposalEntriesMax?: number;
  /** Simulator only: deliberately wrong behaviours from the bug zoo (core/raft/bugs.ts). */
  readonly bugs?: ReadonlySet<RaftBugName>;
}

export type ProposalError =
  | { readonly code: 'notLeader'; readonly leader: NodeId }
  | { readonly code: 'proposalDropped'; readonly reason: string }
  | { readonly code: 'tooLarge'; readonly reason: string };
