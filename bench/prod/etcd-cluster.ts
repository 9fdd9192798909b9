// A 3-member etcd cluster on 127.0.0.1 for the comparison (Debian package etcd-server): one process
// per member with its own client port, peer port and data directory under `dir`.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { logTail, type ServerProcess, startServer } from './child-processes.ts';
import { onCleanup } from './cleanup.ts';
import { httpJson, sleep } from './http-json.ts';
import type { HttpWriteTarget } from './http-load.ts';

export const ETCD_BINARY = process.env.ETCD_BINARY ?? 'etcd';
const HOST = '127.0.0.1';
const readyTimeoutMs = 30_000;
const pollMs = 200;
const probeTimeoutMs = 1_000;

export interface EtcdMember {
  readonly name: string;
  readonly clientPort: number;
  readonly peerPort: number;
}

export interface EtcdCluster {
  readonly members: readonly EtcdMember[];
  /** The member that is leader once the cluster is ready. */
  readonly leader: EtcdMember;
  readonly pids: readonly number[];
}

/** Client ports P+1..P+n, peer ports P+101..P+100+n. */
export function etcdPortOffsets(members: number): number[] {
  return Array.from({ length: members }, (_, i) => [i + 1, i + 101]).flat();
}

function memberArgs(member: EtcdMember, dir: string, initialCluster: string): string[] {
  const client = `http://${HOST}:${member.clientPort}`;
  const peer = `http://${HOST}:${member.peerPort}`;
  return [
    '--name', member.name,
    '--data-dir', join(dir, member.name),
    '--listen-client-urls', client,
    '--advertise-client-urls', client,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', initialCluster,
    '--initial-cluster-token', 'kvlab-bench',
    '--initial-cluster-state', 'new',
    '--logger', 'zap',
    '--log-level', 'warn',
  ];
}

/** etcd's JSON gateway writes uint64 fields as strings; "0" (or absent) means no leader. */
async function memberStatus(member: EtcdMember): Promise<{ memberId: string; leader: string } | null> {
  try {
    const answer = await httpJson('POST', HOST, member.clientPort, '/v3/maintenance/status', {}, probeTimeoutMs);
    const body = answer.body as { header?: { member_id?: string }; leader?: string };
    if (answer.status !== 200 || !body.header?.member_id) return null;
    return { memberId: body.header.member_id, leader: body.leader ?? '0' };
  } catch {
    return null;
  }
}

export async function startEtcdCluster(dir: string, basePort: number, size = 3): Promise<EtcdCluster> {
  const members = Array.from({ length: size }, (_, i) => ({ name: `etcd${i + 1}`, clientPort: basePort + i + 1, peerPort: basePort + 101 + i }));
  const initialCluster = members.map((m) => `${m.name}=http://${HOST}:${m.peerPort}`).join(',');
  mkdirSync(dir, { recursive: true });
  const processes: ServerProcess[] = [];
  onCleanup('stop etcd', async () => {
    await Promise.all(processes.map((p) => p.stop()));
  });
  for (const member of members) {
    processes.push(startServer(member.name, ETCD_BINARY, memberArgs(member, dir, initialCluster), join(dir, `${member.name}.log`)));
  }
  const deadline = performance.now() + readyTimeoutMs;
  while (performance.now() < deadline) {
    const dead = processes.find((p) => p.exited());
    if (dead) throw new Error(`${dead.name} exited during start-up; last lines of ${dead.logPath}:\n${logTail(dead.logPath)}`);
    const statuses = await Promise.all(members.map(memberStatus));
    const leaderId = statuses[0]?.leader;
    if (statuses.every((s) => s !== null && s.leader !== '0' && s.leader === leaderId)) {
      const leaderIndex = statuses.findIndex((s) => s!.memberId === leaderId);
      if (leaderIndex >= 0) return { members, leader: members[leaderIndex], pids: processes.map((p) => p.child.pid ?? 0).filter((pid) => pid > 0) };
    }
    await sleep(pollMs);
  }
  throw new Error(`etcd cluster did not elect a leader within ${readyTimeoutMs} ms; last lines of ${processes[0].logPath}:\n${logTail(processes[0].logPath)}`);
}

/** Writes through etcd's v3 JSON gateway: POST /v3/kv/put {"key": base64, "value": base64}. */
export function etcdPutTarget(member: EtcdMember, value: Buffer): HttpWriteTarget {
  const valueBase64 = value.toString('base64');
  return {
    name: 'etcd',
    host: HOST,
    port: member.clientPort,
    method: 'POST',
    contentType: 'application/json',
    okStatus: 200,
    build: (key) => ({
      path: '/v3/kv/put',
      body: Buffer.from(`{"key":"${Buffer.from(key).toString('base64')}","value":"${valueBase64}"}`),
    }),
  };
}
