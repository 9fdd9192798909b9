// RaftConfig defaults and validation. A bad configuration is a user error (KvlabError naming the
// field); the resolved form has every optional setting filled in.
import { KvlabError, logIndex } from '../types.ts';
import type { GroupId, NodeId } from '../types.ts';
import type { RaftBugName } from './bugs.ts';
import type { RaftConfig } from './types.ts';

export interface ResolvedRaftConfig extends Required<Omit<RaftConfig, 'bugs'>> {
  readonly bugs: ReadonlySet<RaftBugName>;
}

const NO_BUGS: ReadonlySet<RaftBugName> = new Set();

/** A sensible production configuration for node `id` of `group` (electionTicks 10, heartbeatTicks 1). */
export function defaultRaftConfig(id: NodeId, group: GroupId): RaftConfig {
  return {
    id,
    group,
    electionTicks: 10,
    heartbeatTicks: 1,
    preVote: true,
    checkQuorum: true,
    readOnlyOption: 'safe',
    maxMsgBytes: 1 << 20,
    inflightMsgsMax: 256,
    inflightBytesMax: 32 << 20,
    uncommittedBytesMax: 64 << 20,
    snapshotChunkBytes: 1 << 20,
    applied: logIndex(0),
  };
}

function positiveInteger(config: RaftConfig, field: keyof RaftConfig, value: unknown, min = 1): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new KvlabError('invalidConfig', `raft config ${field}: must be an integer >= ${min}, got ${String(value)} (node ${config.id})`);
  }
}

export function resolveRaftConfig(config: RaftConfig): ResolvedRaftConfig {
  positiveInteger(config, 'id', config.id);
  positiveInteger(config, 'group', config.group, 0);
  positiveInteger(config, 'heartbeatTicks', config.heartbeatTicks);
  positiveInteger(config, 'electionTicks', config.electionTicks, 2);
  if (config.electionTicks <= config.heartbeatTicks) {
    throw new KvlabError('invalidConfig', `raft config electionTicks: must exceed heartbeatTicks (${config.electionTicks} <= ${config.heartbeatTicks})`);
  }
  if (config.readOnlyOption === 'leaseBased' && !config.checkQuorum) {
    throw new KvlabError('invalidConfig', 'raft config readOnlyOption: leaseBased reads require checkQuorum');
  }
  if (config.readOnlyOption !== 'safe' && config.readOnlyOption !== 'leaseBased') {
    throw new KvlabError('invalidConfig', `raft config readOnlyOption: must be 'safe' or 'leaseBased', got ${String(config.readOnlyOption)}`);
  }
  positiveInteger(config, 'maxMsgBytes', config.maxMsgBytes);
  positiveInteger(config, 'inflightMsgsMax', config.inflightMsgsMax);
  positiveInteger(config, 'inflightBytesMax', config.inflightBytesMax, 0);
  positiveInteger(config, 'uncommittedBytesMax', config.uncommittedBytesMax, 0);
  positiveInteger(config, 'snapshotChunkBytes', config.snapshotChunkBytes);
  positiveInteger(config, 'applied', config.applied, 0);
  const resolved: ResolvedRaftConfig = {
    ...config,
    leaseDriftTicksMax: config.leaseDriftTicksMax ?? Math.max(1, Math.floor(config.electionTicks / 10)),
    proposalForwarding: config.proposalForwarding ?? true,
    snapshotBytesMax: config.snapshotBytesMax ?? 256 << 20,
    snapshotStallTicksMax: config.snapshotStallTicksMax ?? 2 * config.electionTicks,
    readIndexQueueMax: config.readIndexQueueMax ?? 4096,
    readyCommittedBytesMax: config.readyCommittedBytesMax ?? 64 << 20,
    proposalEntriesMax: config.proposalEntriesMax ?? 10_000,
    bugs: config.bugs ?? NO_BUGS,
  };
  positiveInteger(config, 'leaseDriftTicksMax', resolved.leaseDriftTicksMax, 0);
  if (resolved.leaseDriftTicksMax >= config.electionTicks) {
    throw new KvlabError('invalidConfig', `raft config leaseDriftTicksMax: must be below electionTicks (${resolved.leaseDriftTicksMax})`);
  }
  positiveInteger(config, 'snapshotBytesMax', resolved.snapshotBytesMax);
  positiveInteger(config, 'snapshotStallTicksMax', resolved.snapshotStallTicksMax);
  positiveInteger(config, 'readIndexQueueMax', resolved.readIndexQueueMax);
  positiveInteger(config, 'readyCommittedBytesMax', resolved.readyCommittedBytesMax);
  positiveInteger(config, 'proposalEntriesMax', resolved.proposalEntriesMax);
  return resolved;
}
