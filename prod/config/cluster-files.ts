// The config files of a local cluster (`kvlab cluster init`): node i of N listens on 127.0.0.1 with
// the ports of CONTRACTS.md (RESP P+i, HTTP P+100+i, Raft P+200+i) and keeps its data in node<i>/
// next to its config file.
import { Value } from '@sinclair/typebox/value';
import { KvlabError } from '../../core/types.ts';
import { LimitsSpec, membersMax, type NodeConfigFile, RaftSpec, SnapshotSpec } from './schema.ts';

export const BASE_PORT_DEFAULT = 7000;
/** RESP ports P+1..P+N must stay below the HTTP ports P+101..: so N < 100; Raft groups stay far smaller. */
export const clusterNodesMax = membersMax;
const LOCAL_HOST = '127.0.0.1';

export interface ClusterPorts {
  readonly resp: number;
  readonly http: number;
  readonly raft: number;
}

export function clusterPorts(basePort: number, index: number): ClusterPorts {
  return { resp: basePort + index, http: basePort + 100 + index, raft: basePort + 200 + index };
}

export interface ClusterFilesOptions {
  readonly nodes: number;
  readonly basePort: number;
  readonly clusterId: string;
}

export interface ClusterNodeFile {
  /** "node<i>.json" */
  readonly fileName: string;
  readonly config: NodeConfigFile;
}

/** Highest base port: the last node's Raft port (P + 200 + N) must be a valid port. */
export function basePortMax(nodes: number): number {
  return 65535 - 200 - nodes;
}

export function clusterNodeConfigs(options: ClusterFilesOptions): ClusterNodeFile[] {
  const { nodes, basePort, clusterId } = options;
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > clusterNodesMax) {
    throw new KvlabError('invalid-args', `--nodes: found ${nodes}; allowed: an integer from 1 to ${clusterNodesMax}`);
  }
  if (!Number.isInteger(basePort) || basePort < 1 || basePort > basePortMax(nodes)) {
    throw new KvlabError('invalid-args', `--base-port: found ${basePort}; allowed: an integer from 1 to ${basePortMax(nodes)} (node ports go up to base + ${200 + nodes})`);
  }
  const address = (port: number) => `${LOCAL_HOST}:${port}`;
  const initialCluster = Array.from({ length: nodes }, (_, k) => {
    const ports = clusterPorts(basePort, k + 1);
    return { id: k + 1, raftAddr: address(ports.raft), respAddr: address(ports.resp), httpAddr: address(ports.http) };
  });
  return initialCluster.map((member) => {
    const ports = clusterPorts(basePort, member.id);
    const config: NodeConfigFile = {
      nodeId: member.id,
      clusterId,
      dataDir: `node${member.id}`,
      listen: { resp: address(ports.resp), http: address(ports.http), raft: address(ports.raft) },
      initialCluster,
      join: false,
      // Every default written out, so the file shows each knob an operator may turn.
      raft: Value.Default(RaftSpec, {}) as NodeConfigFile['raft'],
      snapshot: Value.Default(SnapshotSpec, {}) as NodeConfigFile['snapshot'],
      limits: Value.Default(LimitsSpec, {}) as NodeConfigFile['limits'],
      requirepass: '',
      adminToken: '',
      monitorToken: '',
      logLevel: 'info',
    };
    return { fileName: `node${member.id}.json`, config };
  });
}
