// Turns config text into a typed ProdNodeConfig, or a ConfigError naming the file, the field, what was
// found and what is allowed. Schema checks come from TypeBox (through core/schema, shared with the
// scenario format); the cross-field rules a schema cannot say follow, with etcd's as a floor.
import { Value } from '@sinclair/typebox/value';
import { describeValue, firstSchemaProblem, jsonSyntaxWhere } from '../../core/schema/schema-problem.ts';
import { KvlabError, nodeId, type NodeId } from '../../core/types.ts';
import { formatHostPort, type HostPort, parseHostPort, parseListenAddress } from './address.ts';
import { electionTimeoutMsMax, heartbeatsPerElectionMin, type LogLevel, type NodeConfigFile, NodeConfigFileSpec } from './schema.ts';

export class ConfigError extends KvlabError {
  constructor(readonly file: string, readonly field: string, readonly found: string, readonly allowed: string) {
    super('invalid-config', `${file}: ${field || '(top level)'}: found ${found}; ${allowed}`);
  }
}

export interface ClusterMember {
  readonly id: NodeId;
  readonly raft: HostPort;
  /** "host:port" for GET /v1/cluster; '' when the config does not say. */
  readonly respAddr: string;
  readonly httpAddr: string;
}

export interface ListenAddresses {
  readonly resp: HostPort;
  readonly http: HostPort;
  readonly raft: HostPort;
}

/** A validated config with defaults applied and addresses parsed. `dataDir` is as written in the file. */
export interface ProdNodeConfig {
  readonly nodeId: NodeId;
  readonly clusterId: string;
  readonly dataDir: string;
  readonly listen: ListenAddresses;
  readonly initialCluster: readonly ClusterMember[];
  readonly join: boolean;
  readonly raft: NodeConfigFile['raft'];
  readonly snapshot: NodeConfigFile['snapshot'];
  readonly limits: NodeConfigFile['limits'];
  readonly requirepass: string;
  readonly adminToken: string;
  readonly monitorToken: string;
  readonly logLevel: LogLevel;
}

/** Parses and validates; applies defaults for every omitted field. */
export function parseNodeConfig(text: string, file: string): ProdNodeConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, '', 'text that is not JSON', `expected a JSON object (${jsonSyntaxWhere(text, error)})`);
  }
  return validateNodeConfig(raw, file);
}

export function validateNodeConfig(raw: unknown, file: string): ProdNodeConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(file, '', describeValue(raw), 'expected a JSON object');
  }
  if ('bugs' in raw) {
    throw new ConfigError(file, 'bugs', describeValue((raw as Record<string, unknown>).bugs), 'bug-zoo switches exist only in the simulator (kvlab run --bug); remove the field');
  }
  const withDefaults = Value.Default(NodeConfigFileSpec, Value.Clone(raw));
  const problem = firstSchemaProblem(NodeConfigFileSpec, withDefaults);
  if (problem) throw new ConfigError(file, problem.path, problem.found, problem.allowed);
  const spec = withDefaults as NodeConfigFile;
  const config = resolve(spec);
  checkRaftTiming(spec, file);
  checkAddresses(config, file);
  checkMembership(config, spec, file);
  checkLimits(spec, file);
  return config;
}

function resolve(spec: NodeConfigFile): ProdNodeConfig {
  return {
    nodeId: nodeId(spec.nodeId),
    clusterId: spec.clusterId,
    dataDir: spec.dataDir,
    listen: { resp: parseListenAddress(spec.listen.resp), http: parseListenAddress(spec.listen.http), raft: parseListenAddress(spec.listen.raft) },
    initialCluster: spec.initialCluster.map((m) => ({ id: nodeId(m.id), raft: parseHostPort(m.raftAddr), respAddr: m.respAddr ?? '', httpAddr: m.httpAddr ?? '' })),
    join: spec.join,
    raft: spec.raft,
    snapshot: spec.snapshot,
    limits: spec.limits,
    requirepass: spec.requirepass,
    adminToken: spec.adminToken,
    monitorToken: spec.monitorToken,
    logLevel: spec.logLevel,
  };
}

function fail(file: string, field: string, found: unknown, allowed: string): never {
  throw new ConfigError(file, field, describeValue(found), allowed);
}

function checkRaftTiming(spec: NodeConfigFile, file: string): void {
  const { tickMs, electionTicks, heartbeatTicks, leaseDriftTicksMax, reads } = spec.raft;
  if (electionTicks < heartbeatsPerElectionMin * heartbeatTicks) {
    fail(file, 'raft.electionTicks', electionTicks, `expected at least ${heartbeatsPerElectionMin} × raft.heartbeatTicks (${heartbeatsPerElectionMin * heartbeatTicks}): a follower must miss several heartbeats before it starts an election`);
  }
  if (electionTicks * tickMs > electionTimeoutMsMax) {
    fail(file, 'raft.electionTicks', electionTicks, `expected raft.electionTicks × raft.tickMs (${tickMs}) <= ${electionTimeoutMsMax} ms`);
  }
  if (reads === 'lease' && leaseDriftTicksMax >= electionTicks) {
    fail(file, 'raft.leaseDriftTicksMax', leaseDriftTicksMax, `expected fewer than raft.electionTicks (${electionTicks}) with reads "lease"`);
  }
  if (spec.snapshot.trailingEntries > spec.snapshot.entries) {
    fail(file, 'snapshot.trailingEntries', spec.snapshot.trailingEntries, `expected at most snapshot.entries (${spec.snapshot.entries})`);
  }
}

function checkAddresses(config: ProdNodeConfig, file: string): void {
  const names = ['resp', 'http', 'raft'] as const;
  for (const name of names) {
    if (config.listen[name].port < 1 || config.listen[name].port > 65535) fail(file, `listen.${name}`, formatHostPort(config.listen[name]), 'expected a port from 1 to 65535');
  }
  for (let i = 0; i < names.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = config.listen[names[j]];
      const b = config.listen[names[i]];
      if (a.port === b.port) fail(file, `listen.${names[i]}`, formatHostPort(b), `expected a port other than listen.${names[j]}'s (${a.port}): each protocol needs its own port`);
    }
  }
  config.initialCluster.forEach((member, i) => {
    if (member.raft.port < 1 || member.raft.port > 65535) fail(file, `initialCluster[${i}].raftAddr`, formatHostPort(member.raft), 'expected a port from 1 to 65535');
    for (const field of ['respAddr', 'httpAddr'] as const) {
      const port = member[field] === '' ? 1 : parseHostPort(member[field]).port;
      if (port < 1 || port > 65535) fail(file, `initialCluster[${i}].${field}`, member[field], 'expected a port from 1 to 65535');
    }
  });
}

function checkMembership(config: ProdNodeConfig, spec: NodeConfigFile, file: string): void {
  const seenIds = new Map<number, number>();
  const seenRaft = new Map<string, number>();
  config.initialCluster.forEach((member, i) => {
    const sameId = seenIds.get(member.id);
    if (sameId !== undefined) fail(file, `initialCluster[${i}].id`, member.id, `expected an id not used by initialCluster[${sameId}]`);
    seenIds.set(member.id, i);
    const address = formatHostPort(member.raft);
    const sameAddress = seenRaft.get(address);
    if (sameAddress !== undefined) fail(file, `initialCluster[${i}].raftAddr`, address, `expected an address not used by initialCluster[${sameAddress}]`);
    seenRaft.set(address, i);
  });
  const selfIndex = config.initialCluster.findIndex((m) => m.id === config.nodeId);
  const ids = config.initialCluster.map((m) => m.id).join(', ');
  if (!config.join && selfIndex < 0) {
    fail(file, 'nodeId', config.nodeId, `expected one of the initialCluster ids (${ids}), or "join": true for a node added to a running cluster`);
  }
  if (config.join && config.initialCluster.every((m) => m.id === config.nodeId)) {
    fail(file, 'initialCluster', spec.initialCluster, 'expected at least one running member other than this node when "join" is true');
  }
  if (selfIndex >= 0 && config.initialCluster[selfIndex].raft.port !== config.listen.raft.port) {
    const self = config.initialCluster[selfIndex];
    fail(file, `initialCluster[${selfIndex}].raftAddr`, formatHostPort(self.raft), `expected port ${config.listen.raft.port} of listen.raft: peers reach this node there`);
  }
}

function checkLimits(spec: NodeConfigFile, file: string): void {
  const { keyBytesMax, requestBytesMax } = spec.limits;
  if (keyBytesMax > requestBytesMax) fail(file, 'limits.keyBytesMax', keyBytesMax, `expected at most limits.requestBytesMax (${requestBytesMax})`);
}
