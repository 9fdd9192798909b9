// Turns config text into a typed ProdNodeConfig, or a ConfigError naming the file, the field, what was
// found and what is allowed. Schema checks come from TypeBox (through core/schema, shared with the
// scenario format); the cross-field rules a schema cannot say follow, with etcd's as a floor.
import { Value } from '@sinclair/typebox/value';
import { describeValue, jsonSyntaxWhere, schemaProblems } from '../../core/schema/schema-problem.ts';
import { KvlabError, nodeId, type NodeId } from '../../core/types.ts';
import { formatHostPort, type HostPort, parseHostPort, parseListenAddress } from './address.ts';
import { electionTimeoutMsMax, heartbeatsPerElectionMin, type LogLevel, type NodeConfigFile, NodeConfigFileSpec } from './schema.ts';

/** One thing wrong in a config file: the field, what was found there, what is allowed. */
export interface ConfigProblem {
  /** Dotted path ("raft.electionTicks"); '' for the file as a whole. */
  readonly field: string;
  readonly found: string;
  readonly allowed: string;
}

/** Problems reported from one file at most (the rest are counted). */
export const configProblemsMax = 20;

/**
 * Every problem found in one config file, so that a user fixes them in one edit. The message has one
 * line per problem, each naming the file; `field`, `found` and `allowed` describe the first.
 */
export class ConfigError extends KvlabError {
  readonly field: string;
  readonly found: string;
  readonly allowed: string;
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[]);
  constructor(file: string, field: string, found: string, allowed: string);
  constructor(readonly file: string, fieldOrProblems: string | readonly ConfigProblem[], found = '', allowed = '') {
    const problems = typeof fieldOrProblems === 'string' ? [{ field: fieldOrProblems, found, allowed }] : fieldOrProblems;
    if (problems.length === 0) throw new Error('ConfigError needs at least one problem');
    super('invalid-config', problems.map((p) => problemLine(file, p)).join('\n'));
    this.problems = problems;
    ({ field: this.field, found: this.found, allowed: this.allowed } = problems[0]);
  }
}

function problemLine(file: string, problem: ConfigProblem): string {
  return `${file}: ${problem.field || '(top level)'}: found ${problem.found}; ${problem.allowed}`;
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
  const problems: ConfigProblem[] = [];
  const fields = Value.Clone(raw) as Record<string, unknown>;
  if ('bugs' in fields) {
    problems.push({ field: 'bugs', found: describeValue(fields.bugs), allowed: 'bug-zoo switches exist only in the simulator (kvlab run --bug); remove the field' });
    delete fields.bugs;
  }
  const withDefaults = Value.Default(NodeConfigFileSpec, fields);
  problems.push(...schemaProblems(NodeConfigFileSpec, withDefaults, configProblemsMax).map((p) => ({ field: p.path, found: p.found, allowed: p.allowed })));
  // The rules across fields read typed values: each runs when the sections it reads have the right shape.
  const spec = withDefaults as NodeConfigFile;
  const badSections = new Set(problems.map((p) => /^[A-Za-z$]*/.exec(p.field)?.[0] ?? ''));
  const sound = (...sections: string[]) => !badSections.has('') && sections.every((section) => !badSections.has(section));
  const report: Report = (field, value, allowed) => problems.push({ field, found: describeValue(value), allowed });
  if (sound('raft', 'snapshot')) checkRaftTiming(spec, report);
  if (sound('limits')) checkLimits(spec, report);
  const config = sound('nodeId', 'clusterId', 'dataDir', 'listen', 'initialCluster', 'join') ? resolve(spec) : undefined;
  if (config) {
    checkAddresses(config, report);
    checkMembership(config, spec, report);
  }
  if (problems.length > 0 || config === undefined) throw new ConfigError(file, problems.slice(0, configProblemsMax));
  return config;
}

/** Records one problem: the field, the value found there, what is allowed. */
type Report = (field: string, found: unknown, allowed: string) => void;

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

function checkRaftTiming(spec: NodeConfigFile, fail: Report): void {
  const { tickMs, electionTicks, heartbeatTicks, leaseDriftTicksMax, reads } = spec.raft;
  if (electionTicks < heartbeatsPerElectionMin * heartbeatTicks) {
    fail('raft.electionTicks', electionTicks, `expected at least ${heartbeatsPerElectionMin} × raft.heartbeatTicks (${heartbeatsPerElectionMin * heartbeatTicks}): a follower must miss several heartbeats before it starts an election`);
  }
  if (electionTicks * tickMs > electionTimeoutMsMax) {
    fail('raft.electionTicks', electionTicks, `expected raft.electionTicks × raft.tickMs (${tickMs}) <= ${electionTimeoutMsMax} ms`);
  }
  if (reads === 'lease' && leaseDriftTicksMax >= electionTicks) {
    fail('raft.leaseDriftTicksMax', leaseDriftTicksMax, `expected fewer than raft.electionTicks (${electionTicks}) with reads "lease"`);
  }
  if (spec.snapshot.trailingEntries > spec.snapshot.entries) {
    fail('snapshot.trailingEntries', spec.snapshot.trailingEntries, `expected at most snapshot.entries (${spec.snapshot.entries})`);
  }
}

function checkAddresses(config: ProdNodeConfig, fail: Report): void {
  const names = ['resp', 'http', 'raft'] as const;
  for (const name of names) {
    if (config.listen[name].port < 1 || config.listen[name].port > 65535) fail(`listen.${name}`, formatHostPort(config.listen[name]), 'expected a port from 1 to 65535');
  }
  for (let i = 0; i < names.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = config.listen[names[j]];
      const b = config.listen[names[i]];
      if (a.port === b.port) fail(`listen.${names[i]}`, formatHostPort(b), `expected a port other than listen.${names[j]}'s (${a.port}): each protocol needs its own port`);
    }
  }
  config.initialCluster.forEach((member, i) => {
    if (member.raft.port < 1 || member.raft.port > 65535) fail(`initialCluster[${i}].raftAddr`, formatHostPort(member.raft), 'expected a port from 1 to 65535');
    for (const field of ['respAddr', 'httpAddr'] as const) {
      const port = member[field] === '' ? 1 : parseHostPort(member[field]).port;
      if (port < 1 || port > 65535) fail(`initialCluster[${i}].${field}`, member[field], 'expected a port from 1 to 65535');
    }
  });
}

function checkMembership(config: ProdNodeConfig, spec: NodeConfigFile, fail: Report): void {
  const seenIds = new Map<number, number>();
  const seenRaft = new Map<string, number>();
  config.initialCluster.forEach((member, i) => {
    const sameId = seenIds.get(member.id);
    if (sameId !== undefined) fail(`initialCluster[${i}].id`, member.id, `expected an id not used by initialCluster[${sameId}]`);
    seenIds.set(member.id, i);
    const address = formatHostPort(member.raft);
    const sameAddress = seenRaft.get(address);
    if (sameAddress !== undefined) fail(`initialCluster[${i}].raftAddr`, address, `expected an address not used by initialCluster[${sameAddress}]`);
    seenRaft.set(address, i);
  });
  const selfIndex = config.initialCluster.findIndex((m) => m.id === config.nodeId);
  const ids = config.initialCluster.map((m) => m.id).join(', ');
  if (!config.join && selfIndex < 0) {
    fail('nodeId', config.nodeId, `expected one of the initialCluster ids (${ids}), or "join": true for a node added to a running cluster`);
  }
  if (config.join && config.initialCluster.every((m) => m.id === config.nodeId)) {
    fail('initialCluster', spec.initialCluster, 'expected at least one running member other than this node when "join" is true');
  }
  if (selfIndex >= 0 && config.initialCluster[selfIndex].raft.port !== config.listen.raft.port) {
    const self = config.initialCluster[selfIndex];
    fail(`initialCluster[${selfIndex}].raftAddr`, formatHostPort(self.raft), `expected port ${config.listen.raft.port} of listen.raft: peers reach this node there`);
  }
}

function checkLimits(spec: NodeConfigFile, fail: Report): void {
  const { keyBytesMax, requestBytesMax } = spec.limits;
  if (keyBytesMax > requestBytesMax) fail('limits.keyBytesMax', keyBytesMax, `expected at most limits.requestBytesMax (${requestBytesMax})`);
}
