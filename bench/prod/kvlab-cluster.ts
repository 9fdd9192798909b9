// A local kvlab cluster for the benchmarks, driven through the real CLI (`kvlab cluster init/up/down`)
// exactly as a user would run it, so the benchmark measures the shipped node processes.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_PROCESS_ENTRY } from '../../prod/node/local/processes.ts';
import { logTail, runCommand } from './child-processes.ts';
import { onCleanup } from './cleanup.ts';
import { httpJson, sleep } from './http-json.ts';
import type { HttpWriteTarget } from './http-load.ts';

export const KVLAB_CLI = fileURLToPath(new URL('../../cli/kvlab.mjs', import.meta.url));
const HOST = '127.0.0.1';
const initTimeoutMs = 30_000;
const upTimeoutMs = 60_000;
const downTimeoutMs = 20_000;
const leaderTimeoutMs = 60_000;
const pollMs = 200;
const probeTimeoutMs = 1_000;

export interface KvlabNode {
  readonly id: number;
  readonly respPort: number;
  readonly httpPort: number;
  /** From DIR/node<i>.pid once the cluster is up. */
  readonly pid: number | null;
}

export interface KvlabCluster {
  readonly dir: string;
  readonly nodes: readonly KvlabNode[];
  readonly leader: KvlabNode;
  readonly followers: readonly KvlabNode[];
}

/** RESP P+i, HTTP P+100+i, Raft P+200+i (CONTRACTS.md). */
export function kvlabPortOffsets(nodes: number): number[] {
  return Array.from({ length: nodes }, (_, i) => [i + 1, i + 101, i + 201]).flat();
}

async function cli(args: string[], timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<string> {
  const result = await runCommand(process.execPath, [KVLAB_CLI, ...args], timeoutMs, env);
  if (result.code !== 0) {
    const how = result.code === null ? `was killed after ${timeoutMs} ms` : `exited ${result.code}`;
    throw new Error(`kvlab ${args.join(' ')} ${how}:\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

function readPidFile(dir: string, id: number): number | null {
  const path = join(dir, `node${id}.pid`);
  if (!existsSync(path)) return null;
  const pid = Number(readFileSync(path, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** Last resort if `cluster down` failed: SIGKILL whatever the pid files still name. */
function killLeftovers(dir: string, nodes: number): void {
  for (let id = 1; id <= nodes; id++) {
    const pid = readPidFile(dir, id);
    if (pid === null) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes(join(dir, `node${id}.json`))) process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

async function waitLeader(dir: string, nodes: readonly KvlabNode[]): Promise<number> {
  const deadline = performance.now() + leaderTimeoutMs;
  let last = 'no answer yet';
  while (performance.now() < deadline) {
    const views = await Promise.all(
      nodes.map((node) => httpJson('GET', HOST, node.httpPort, '/v1/cluster', undefined, probeTimeoutMs).catch((e: Error) => ({ status: 0, body: e.message }))),
    );
    const leaders = views.map((view) => (view.status === 200 ? (view.body as { leader: number | null }).leader : null));
    last = JSON.stringify(leaders);
    if (leaders[0] !== null && leaders.every((leader) => leader === leaders[0])) return leaders[0];
    await sleep(pollMs);
  }
  const logs = nodes.map((node) => `--- node${node.id} ---\n${logTail(join(dir, `node${node.id}.log`))}`).join('\n');
  throw new Error(`kvlab nodes did not agree on a leader within ${leaderTimeoutMs} ms (leaders seen per node: ${last}); last log lines:\n${logs}`);
}

export interface KvlabStartOptions {
  /**
   * Node.js flags for the node processes (`--cpu-prof` is not allowed in NODE_OPTIONS): the nodes are
   * then started here the way `kvlab cluster up` starts them (same entry, pid and log files), with
   * these flags in front. Without it, `kvlab cluster up` starts them.
   */
  readonly nodeFlags?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

/** What `kvlab cluster up` does for one node, with extra Node.js flags; returns the pid. */
function spawnNodeWithFlags(dir: string, id: number, nodeFlags: readonly string[], env: NodeJS.ProcessEnv): number {
  const logFd = openSync(join(dir, `node${id}.log`), 'a');
  try {
    const args = [...nodeFlags, NODE_PROCESS_ENTRY, '--config', join(dir, `node${id}.json`)];
    const child = spawn(process.execPath, args, { cwd: dir, detached: true, stdio: ['ignore', logFd, logFd], env });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start node${id}: ${process.execPath} ${args.join(' ')}`);
    writeFileSync(join(dir, `node${id}.pid`), `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(logFd);
  }
}

/**
 * Writes configs for `size` nodes in `dir`, starts them and waits until every node names the same
 * leader. The cluster is stopped by the benchmark's cleanup (`kvlab cluster down`, then SIGKILL).
 */
export async function startKvlabCluster(dir: string, basePort: number, size = 3, options: KvlabStartOptions = {}): Promise<KvlabCluster> {
  await cli(['cluster', 'init', '--nodes', String(size), '--dir', dir, '--base-port', String(basePort), '--cluster-id', 'bench'], initTimeoutMs);
  onCleanup('stop kvlab', async () => {
    try {
      await cli(['cluster', 'down', '--dir', dir, '--timeout-ms', String(downTimeoutMs - 2_000)], downTimeoutMs);
    } finally {
      killLeftovers(dir, size);
    }
  });
  if (options.nodeFlags) {
    for (let id = 1; id <= size; id++) spawnNodeWithFlags(dir, id, options.nodeFlags, options.env ?? process.env);
  } else {
    await cli(['cluster', 'up', '--dir', dir, '--timeout-ms', String(upTimeoutMs - 5_000)], upTimeoutMs, options.env);
  }
  const nodes: KvlabNode[] = Array.from({ length: size }, (_, i) => ({
    id: i + 1,
    respPort: basePort + i + 1,
    httpPort: basePort + 101 + i,
    pid: readPidFile(dir, i + 1),
  }));
  const leaderId = await waitLeader(dir, nodes);
  const leader = nodes.find((node) => node.id === leaderId);
  if (!leader) throw new Error(`kvlab leader ${leaderId} is not one of the nodes ${nodes.map((n) => n.id).join(', ')}`);
  return { dir, nodes, leader, followers: nodes.filter((node) => node !== leader) };
}

/** Stops the cluster now (the cleanup step then finds nothing running). */
export async function stopKvlabCluster(cluster: KvlabCluster): Promise<void> {
  await cli(['cluster', 'down', '--dir', cluster.dir, '--timeout-ms', String(downTimeoutMs - 2_000)], downTimeoutMs);
}

/** PUT /v1/kv/{key} with the raw value; 204 once committed and applied. */
export function kvlabPutTarget(node: KvlabNode, value: Buffer): HttpWriteTarget {
  return {
    name: 'kvlab',
    host: HOST,
    port: node.httpPort,
    method: 'PUT',
    contentType: 'application/octet-stream',
    okStatus: 204,
    build: (key) => ({ path: `/v1/kv/${key}`, body: value }),
  };
}
