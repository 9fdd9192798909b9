// The core NodeConfig (core/node/node-config.ts) a production node runs with. The bug set is always
// empty here: bug-zoo switches are for the simulator alone.
import { nodeConfigDefaults, type NodeConfig } from '../../core/node/node-config.ts';
import type { ProdNodeConfig } from './validate.ts';

const noBugs: ReadonlySet<string> = new Set<string>();

export function coreNodeConfig(config: ProdNodeConfig): NodeConfig {
  return {
    ...nodeConfigDefaults,
    nodeId: config.nodeId,
    initialVoters: config.join ? [] : config.initialCluster.map((m) => m.id),
    join: config.join,
    tickMs: config.raft.tickMs,
    electionTicks: config.raft.electionTicks,
    heartbeatTicks: config.raft.heartbeatTicks,
    preVote: config.raft.preVote,
    checkQuorum: config.raft.checkQuorum,
    reads: config.raft.reads,
    leaseDriftTicksMax: config.raft.leaseDriftTicksMax,
    maxMsgBytes: config.raft.maxMsgBytes,
    inflightMsgsMax: config.raft.inflightMsgsMax,
    snapshotEntries: config.snapshot.entries,
    snapshotTrailingEntries: config.snapshot.trailingEntries,
    snapshotChunkBytes: config.snapshot.chunkBytes,
    requestTimeoutMs: config.limits.requestTimeoutMs,
    pendingRequestsMax: config.limits.pendingRequestsMax,
    bugs: noBugs,
  };
}
