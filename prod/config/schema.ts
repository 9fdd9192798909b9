// The production node config file: one JSON file per node (docs/deploy.md). One TypeBox definition
// gives the TypeScript types and the checks; every field but the node's identity, data directory,
// addresses and initial cluster has a default. There is deliberately no field for the simulator's bug
// zoo: an unknown field is an error, so no production config can switch a bug on.
import { type Static, Type as T } from '@sinclair/typebox';

/** Members of one cluster, this node included (a Raft group of more than 9 voters is rarely wise). */
export const membersMax = 16;
/** etcd's ceiling on the election timeout: beyond it a dead leader goes unnoticed for too long. */
export const electionTimeoutMsMax = 50_000;
/** etcd's floor: the election timeout must span at least this many heartbeats. */
export const heartbeatsPerElectionMin = 5;
/** A client request (one Raft entry) must fit in one peer frame (8 MiB) with room for the rest of the message. */
export const requestBytesLimit = 4 * 1024 * 1024;
/** core/kv's fixed key bound (part of the replicated semantics). */
export const keyBytesLimit = 64 * 1024;

const Port = T.Integer({ minimum: 1, maximum: 65535, description: 'a TCP port, 1..65535; binds 127.0.0.1' });
const HostPort = T.String({
  pattern: '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+):[0-9]{1,5}$',
  maxLength: 300,
  description: '"host:port" (IPv6 as "[::1]:port")',
});
/** Where this node listens: a port (on 127.0.0.1) or "host:port". */
const ListenAddress = T.Union([Port, HostPort], { description: 'a port from 1 to 65535 (binds 127.0.0.1) or "host:port"' });

export const ListenSpec = T.Object(
  {
    resp: ListenAddress,
    http: ListenAddress,
    raft: ListenAddress,
  },
  { additionalProperties: false, description: 'where this node accepts RESP clients, HTTP clients and Raft peers' },
);

export const MemberSpec = T.Object(
  {
    id: T.Integer({ minimum: 1, maximum: 65535 }),
    raftAddr: HostPort,
    respAddr: T.Optional(HostPort),
    httpAddr: T.Optional(HostPort),
  },
  { additionalProperties: false },
);

export const RaftSpec = T.Object(
  {
    tickMs: T.Integer({ minimum: 1, maximum: 1000, default: 20, description: 'one Raft tick' }),
    electionTicks: T.Integer({ minimum: 2, maximum: 10_000, default: 50, description: 'election timeout in ticks' }),
    heartbeatTicks: T.Integer({ minimum: 1, maximum: 2_000, default: 5, description: 'heartbeat interval in ticks' }),
    preVote: T.Boolean({ default: true }),
    checkQuorum: T.Boolean({ default: true }),
    reads: T.Union([T.Literal('readIndex'), T.Literal('lease')], { default: 'readIndex' }),
    leaseDriftTicksMax: T.Integer({ minimum: 0, maximum: 1000, default: 2, description: 'clock drift margin subtracted from the lease' }),
    maxMsgBytes: T.Integer({ minimum: 4096, maximum: requestBytesLimit, default: 1024 * 1024, description: 'entries per append message' }),
    inflightMsgsMax: T.Integer({ minimum: 1, maximum: 4096, default: 256 }),
  },
  { additionalProperties: false, default: {} },
);

export const SnapshotSpec = T.Object(
  {
    entries: T.Integer({ minimum: 2, maximum: 10_000_000, default: 10_000, description: 'applied entries between snapshots' }),
    trailingEntries: T.Integer({ minimum: 0, maximum: 10_000_000, default: 1_000, description: 'entries kept behind a snapshot' }),
    chunkBytes: T.Integer({ minimum: 1024, maximum: requestBytesLimit, default: 1024 * 1024, description: 'bytes per snapshot message' }),
  },
  { additionalProperties: false, default: {} },
);

export const LimitsSpec = T.Object(
  {
    connectionsMax: T.Integer({ minimum: 1, maximum: 100_000, default: 10_000, description: 'client connections, per protocol' }),
    requestBytesMax: T.Integer({ minimum: 1024, maximum: requestBytesLimit, default: requestBytesLimit, description: 'one HTTP body or RESP command' }),
    keyBytesMax: T.Integer({ minimum: 1, maximum: keyBytesLimit, default: keyBytesLimit }),
    pipelineDepthMax: T.Integer({ minimum: 1, maximum: 100_000, default: 1024, description: 'RESP commands in flight per connection' }),
    pendingRequestsMax: T.Integer({ minimum: 1, maximum: 1_000_000, default: 100_000, description: 'client requests waiting at this node' }),
    requestTimeoutMs: T.Integer({ minimum: 10, maximum: 600_000, default: 5_000, description: 'answer timeout (outcome unknown) after this' }),
  },
  { additionalProperties: false, default: {} },
);

export const LogLevelSpec = T.Union([T.Literal('debug'), T.Literal('info'), T.Literal('warn'), T.Literal('error')], { default: 'info' });

export const NodeConfigFileSpec = T.Object(
  {
    $schema: T.Optional(T.String()),
    nodeId: T.Integer({ minimum: 1, maximum: 65535 }),
    clusterId: T.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', maxLength: 64, description: 'letters, digits, . _ -; peers of another cluster are refused' }),
    dataDir: T.String({ minLength: 1, maxLength: 4096, description: 'relative paths are relative to the config file' }),
    listen: ListenSpec,
    initialCluster: T.Array(MemberSpec, { minItems: 1, maxItems: membersMax, description: 'the members at first start (ignored once the data directory holds a configuration)' }),
    join: T.Boolean({ default: false, description: 'start empty and wait to be added by POST /v1/members' }),
    raft: RaftSpec,
    snapshot: SnapshotSpec,
    limits: LimitsSpec,
    requirepass: T.String({ maxLength: 512, default: '', description: 'the data password: RESP clients must AUTH with it, HTTP /v1/kv requests send it (Bearer, or Basic as user default); empty = none' }),
    adminToken: T.String({ maxLength: 512, default: '', description: 'bearer token for POST/DELETE /v1/members; empty = none' }),
    monitorToken: T.String({ maxLength: 512, default: '', description: 'bearer token for GET /metrics and /dashboard; empty = open to anyone who reaches the HTTP port' }),
    logLevel: LogLevelSpec,
  },
  { additionalProperties: false },
);

export type NodeConfigFile = Static<typeof NodeConfigFileSpec>;
export type MemberEntry = Static<typeof MemberSpec>;
export type LogLevel = Static<typeof LogLevelSpec>;
