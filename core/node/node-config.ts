// What a node host needs to know, in both worlds. The simulator builds it from a scenario; production
// from a validated config file. Bug names (the simulator's bug zoo) are only ever set by the simulator.
import type { NodeId } from '../types.ts';

export interface NodeConfig {
  readonly nodeId: NodeId;
  /** Voters of the first configuration, used only when the data directory is empty. */
  readonly initialVoters: readonly NodeId[];
  /** A node that joins an existing cluster starts with no configuration and waits for the leader. */
  readonly join: boolean;
  readonly tickMs: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly reads: 'readIndex' | 'lease';
  readonly leaseDriftTicksMax: number;
  readonly maxMsgBytes: number;
  readonly inflightMsgsMax: number;
  readonly inflightBytesMax: number;
  readonly uncommittedBytesMax: number;
  readonly snapshotEntries: number;
  /** Entries kept in the log behind a snapshot so slightly lagging followers need no snapshot. */
  readonly snapshotTrailingEntries: number;
  readonly snapshotChunkBytes: number;
  readonly requestTimeoutMs: number;
  /** WAL segments rotate at this size. */
  readonly walSegmentBytesMax: number;
  /** Client requests waiting at this node (writes + reads). */
  readonly pendingRequestsMax: number;
  /** Simulator-only bug-zoo switches (core/raft/bugs.ts, core/node/bugs.ts, ...). */
  readonly bugs: ReadonlySet<string>;
}

export const nodeConfigDefaults = {
  join: false,
  tickMs: 10,
  electionTicks: 10,
  heartbeatTicks: 1,
  preVote: true,
  checkQuorum: true,
  reads: 'readIndex',
  leaseDriftTicksMax: 2,
  maxMsgBytes: 1 << 20,
  inflightMsgsMax: 256,
  inflightBytesMax: 32 << 20,
  uncommittedBytesMax: 64 << 20,
  snapshotEntries: 10_000,
  snapshotTrailingEntries: 1_000,
  snapshotChunkBytes: 1 << 20,
  requestTimeoutMs: 5_000,
  walSegmentBytesMax: 8 << 20,
  pendingRequestsMax: 100_000,
  bugs: new Set<string>(),
} satisfies Omit<NodeConfig, 'nodeId' | 'initialVoters'>;
