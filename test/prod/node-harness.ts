// Helpers for the production node tests: free ports, temporary directories, a fake NodeHost (the shell
// runs over it without Raft), and a log that collects JSON lines.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientError } from '../../core/node/client-api.ts';
import { nodeId, type NodeId } from '../../core/types.ts';
import { validateNodeConfig, type ProdNodeConfig } from '../../prod/config/validate.ts';
import { JsonLog } from '../../prod/log/json-log.ts';
import type { KvNodeHostParts } from '../../prod/node/kv-node-host.ts';
import type { LocalRaftView, MemberChangeOp, NodeHost } from '../../prod/node/node-host.ts';
import { LocalKvApi } from '../support/local-kv-api.ts';

/** Ports the OS says are free now (bind to 0, read, close). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<import('node:net').Server>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A one-node config on free ports with its data in `dataDir`. */
export async function oneNodeConfig(dataDir: string, extra: Record<string, unknown> = {}): Promise<ProdNodeConfig> {
  const [resp, http, raft, peerRaft, peerHttp] = await freePorts(5);
  return validateNodeConfig(
    {
      nodeId: 1,
      clusterId: 'shell-test',
      dataDir,
      listen: { resp, http, raft },
      initialCluster: [
        { id: 1, raftAddr: `127.0.0.1:${raft}` },
        { id: 2, raftAddr: `127.0.0.1:${peerRaft}`, httpAddr: `127.0.0.1:${peerHttp}` },
      ],
      ...extra,
    },
    'test.json',
  );
}

/** Configs of an `n`-node cluster on free ports, node i keeping its data in `root`/node<i>. */
export async function clusterConfigs(n: number, root: string): Promise<ProdNodeConfig[]> {
  const ports = await freePorts(3 * n);
  const members = Array.from({ length: n }, (_, k) => ({
    id: k + 1,
    respAddr: `127.0.0.1:${ports[3 * k]}`,
    httpAddr: `127.0.0.1:${ports[3 * k + 1]}`,
    raftAddr: `127.0.0.1:${ports[3 * k + 2]}`,
  }));
  return members.map((m, k) =>
    validateNodeConfig(
      { nodeId: m.id, clusterId: 'shell-test', dataDir: join(root, `node${m.id}`), listen: { resp: ports[3 * k], http: ports[3 * k + 1], raft: ports[3 * k + 2] }, initialCluster: members },
      `node${m.id}.json`,
    ),
  );
}

export interface CollectedLog {
  readonly log: JsonLog;
  readonly lines: Array<Record<string, unknown>>;
}

export function collectingLog(node = 1): CollectedLog {
  const lines: Array<Record<string, unknown>> = [];
  const log = new JsonLog({ node, level: 'debug', sink: (line) => lines.push(JSON.parse(line)), wallMs: Date.now });
  return { log, lines };
}

export interface MemberChangeCall {
  readonly op: MemberChangeOp;
  readonly id: NodeId;
  readonly context: string | undefined;
}

/** A NodeHost over LocalKvApi whose Raft view the test sets; records membership calls and transfers. */
export class FakeHost implements NodeHost {
  readonly kv = new LocalKvApi();
  readonly changes: MemberChangeCall[] = [];
  readonly transfers: NodeId[] = [];
  stopped = false;
  current: LocalRaftView = { role: 'follower', term: 3, leader: nodeId(2), commitIndex: 7, appliedIndex: 7, lastIndex: 7, voters: [nodeId(1), nodeId(2)], learners: [] };
  /** What transferLeader does to the view (default: this node becomes a follower of `to`). */
  onTransfer: (to: NodeId) => void = (to) => {
    this.current = { ...this.current, role: 'follower', leader: to, progress: undefined };
  };

  constructor(readonly parts: KvNodeHostParts) {}

  write: NodeHost['write'] = (write, options, done) => this.kv.write(write, options, done);
  read: NodeHost['read'] = (read, options, done) => this.kv.read(read, options, done);

  view(): LocalRaftView {
    return this.current;
  }

  changeMembership(op: MemberChangeOp, id: NodeId, context: Uint8Array | undefined, done: (error: ClientError | null) => void): void {
    this.changes.push({ op, id, context: context ? new TextDecoder().decode(context) : undefined });
    done(null);
  }

  transferLeader(to: NodeId): void {
    this.transfers.push(to);
    this.onTransfer(to);
  }

  stop(): void {
    this.stopped = true;
  }
}
