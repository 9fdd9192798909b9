// `kvlab cluster init|up|down|status`: a local cluster of production nodes on 127.0.0.1 (CONTRACTS.md).
//   init --nodes N --dir DIR [--base-port P] [--cluster-id ID] [--force]   writes DIR/node<i>.json
//   up --dir DIR [--timeout-ms MS]     starts every node in the background; returns once all listen and a leader is elected (or 10 s pass)
//   down --dir DIR [--timeout-ms MS]   SIGTERM each node, SIGKILL after the timeout; removes pid files
//   status --dir DIR                   the cluster status JSON; nodes that do not answer are down
// Exit codes: 0 done, 1 could not start (or nothing answered / would not stop), 2 invalid input.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { KvlabError, type NodeId } from '../core/types.ts';
import { BASE_PORT_DEFAULT, clusterNodeConfigs } from '../prod/config/cluster-files.ts';
import { formatHostPort } from '../prod/config/address.ts';
import type { ClusterNodeStatus, ClusterStatus } from '../prod/http/node-services.ts';
import { type LocalNode, logTail, readClusterDir, readPid, removePid, writePid } from '../prod/node/local/cluster-dir.ts';
import { isAlive, isNodeOf, signal, spawnNode, waitExit } from '../prod/node/local/processes.ts';
import { type Probe, probeNode } from '../prod/node/local/probe.ts';
import { EXIT_FAILED, EXIT_INVALID, EXIT_OK } from './exit-codes.ts';

export interface ClusterOutput {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: ClusterOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

const usage = `usage: kvlab cluster init --nodes N --dir DIR [--base-port P] [--cluster-id ID] [--force]
       kvlab cluster up --dir DIR [--timeout-ms MS]
       kvlab cluster down --dir DIR [--timeout-ms MS]
       kvlab cluster status --dir DIR`;

const UP_TIMEOUT_MS_DEFAULT = 30_000;
const DOWN_TIMEOUT_MS_DEFAULT = 15_000;
const PROBE_TIMEOUT_MS = 1_000;
const UP_POLL_MS = 100;
const LOG_TAIL_LINES = 20;

interface ClusterArgs {
  readonly dir: string;
  readonly nodes?: number;
  readonly basePort: number;
  readonly clusterId?: string;
  readonly force: boolean;
  readonly timeoutMs?: number;
}

export async function clusterCommand(args: string[], output: ClusterOutput = processOutput): Promise<number> {
  const [action, ...rest] = args;
  let parsed: ClusterArgs;
  try {
    if (action !== 'init' && action !== 'up' && action !== 'down' && action !== 'status') {
      throw new KvlabError('invalid-args', action === undefined ? 'missing the action' : `unknown action '${action}'`);
    }
    parsed = parseArgs(rest, action);
  } catch (error) {
    if (!(error instanceof KvlabError)) throw error;
    output.err(`kvlab cluster: ${error.message}\n${usage}\n`);
    return EXIT_INVALID;
  }
  try {
    if (action === 'init') return initCluster(parsed, output);
    const nodes = readClusterDir(parsed.dir);
    if (action === 'up') return await upCluster(nodes, parsed.timeoutMs ?? UP_TIMEOUT_MS_DEFAULT, output);
    if (action === 'down') return await downCluster(nodes, parsed.timeoutMs ?? DOWN_TIMEOUT_MS_DEFAULT, output);
    return await clusterStatus(nodes, output);
  } catch (error) {
    if (!(error instanceof KvlabError)) throw error;
    output.err(`kvlab cluster ${action}: ${error.message}\n`);
    return EXIT_INVALID;
  }
}

function parseArgs(args: readonly string[], action: string): ClusterArgs {
  const values = new Map<string, string>();
  let force = false;
  const valued = action === 'init' ? ['--nodes', '--dir', '--base-port', '--cluster-id'] : action === 'status' ? ['--dir'] : ['--dir', '--timeout-ms'];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--force' && action === 'init') force = true;
    else if (valued.includes(arg)) {
      const value = args[++i];
      if (value === undefined) throw new KvlabError('invalid-args', `${arg}: missing its value`);
      values.set(arg, value);
    } else throw new KvlabError('invalid-args', `${action}: unexpected argument '${arg}'`);
  }
  const dir = values.get('--dir');
  if (dir === undefined) throw new KvlabError('invalid-args', `${action}: missing --dir DIR`);
  if (action === 'init' && !values.has('--nodes')) throw new KvlabError('invalid-args', 'init: missing --nodes N');
  const clusterId = values.get('--cluster-id');
  if (clusterId !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(clusterId)) {
    throw new KvlabError('invalid-args', `--cluster-id: found '${clusterId}'; allowed: 1 to 64 letters, digits, '.', '_' or '-'`);
  }
  return {
    dir,
    nodes: values.has('--nodes') ? integerArg('--nodes', values.get('--nodes')!) : undefined,
    basePort: values.has('--base-port') ? integerArg('--base-port', values.get('--base-port')!) : BASE_PORT_DEFAULT,
    clusterId,
    force,
    timeoutMs: values.has('--timeout-ms') ? integerArg('--timeout-ms', values.get('--timeout-ms')!) : undefined,
  };
}

function integerArg(name: string, text: string): number {
  if (!/^[0-9]{1,9}$/.test(text)) throw new KvlabError('invalid-args', `${name}: found '${text}'; allowed: an integer`);
  return Number(text);
}

function initCluster(args: ClusterArgs, output: ClusterOutput): number {
  const clusterId = args.clusterId ?? `local-${randomBytes(4).toString('hex')}`;
  const files = clusterNodeConfigs({ nodes: args.nodes!, basePort: args.basePort, clusterId });
  const dir = resolve(args.dir);
  const existing = files.map((f) => join(dir, f.fileName)).filter((path) => existsSync(path));
  if (existing.length > 0 && !args.force) {
    throw new KvlabError('invalid-args', `${existing[0]} exists; pass --force to overwrite the configs (data directories are kept)`);
  }
  mkdirSync(dir, { recursive: true });
  for (const file of files) writeFileSync(join(dir, file.fileName), `${JSON.stringify(file.config, null, 2)}\n`);
  const lines = files.map((f) => `  ${join(dir, f.fileName)}  resp ${f.config.listen.resp}  http ${f.config.listen.http}  raft ${f.config.listen.raft}`);
  output.out(`wrote ${files.length} node configs for cluster ${clusterId}:\n${lines.join('\n')}\nstart them with: kvlab cluster up --dir ${args.dir}\n`);
  return EXIT_OK;
}

/** The pid of a node's process if it runs now (per its pid file and /proc), else null. */
function runningPid(node: LocalNode): number | null {
  const pid = readPid(node);
  return pid !== null && isAlive(pid) && isNodeOf(pid, node.configPath) ? pid : null;
}

async function upCluster(nodes: readonly LocalNode[], timeoutMs: number, output: ClusterOutput): Promise<number> {
  const started: Array<{ node: LocalNode; pid: number }> = [];
  const all: Array<{ node: LocalNode; pid: number }> = [];
  for (const node of nodes) {
    const running = runningPid(node);
    if (running !== null) {
      output.out(`node${node.index} is already running (pid ${running})\n`);
      all.push({ node, pid: running });
      continue;
    }
    const pid = spawnNode(node.configPath, node.logPath, dirname(node.configPath));
    writePid(node, pid);
    started.push({ node, pid });
    all.push({ node, pid });
  }
  const failure = await waitAllListening(all, timeoutMs);
  if (failure) {
    const tail = logTail(failure.node, LOG_TAIL_LINES);
    output.err(`kvlab cluster up: node${failure.node.index} did not start: ${failure.reason}\n--- last lines of ${failure.node.logPath} ---\n${tail}\n`);
    await stopNodes(started, DOWN_TIMEOUT_MS_DEFAULT, output, true);
    return EXIT_FAILED;
  }
  for (const { node, pid } of all) {
    const listen = node.config.listen;
    output.out(`node${node.index} pid ${pid}  resp ${formatHostPort(listen.resp)}  http ${formatHostPort(listen.http)}  log ${node.logPath}\n`);
  }
  // Listening is not serving: wait (briefly) for a leader, so the next command a user types works.
  const leader = await waitLeader(all.map((a) => a.node), Math.min(timeoutMs, LEADER_WAIT_MS));
  output.out(leader === null ? `no leader yet after ${LEADER_WAIT_MS} ms; requests answer CLUSTERDOWN / 503 until one is elected\n` : `leader: node${leader}\n`);
  return EXIT_OK;
}

/** How long `up` waits for a leader once every node listens. */
const LEADER_WAIT_MS = 10_000;

async function waitLeader(nodes: readonly LocalNode[], timeoutMs: number): Promise<number | null> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const leader = await currentLeader(nodes);
    if (leader !== null || performance.now() >= deadline) return leader;
    await new Promise((r) => setTimeout(r, UP_POLL_MS));
  }
}

/** Null once every node answers HTTP; else the first node that died or did not answer in time. */
async function waitAllListening(nodes: ReadonlyArray<{ node: LocalNode; pid: number }>, timeoutMs: number): Promise<{ node: LocalNode; reason: string } | null> {
  const deadline = performance.now() + timeoutMs;
  const waiting = new Set(nodes);
  const lastReason = new Map<LocalNode, string>();
  while (waiting.size > 0) {
    for (const entry of [...waiting]) {
      if (!isAlive(entry.pid)) return { node: entry.node, reason: `its process (pid ${entry.pid}) exited` };
      const probe = await probeNode(formatHostPort(entry.node.config.listen.http), PROBE_TIMEOUT_MS);
      if (probe.kind !== 'down') waiting.delete(entry);
      else lastReason.set(entry.node, probe.reason);
    }
    if (waiting.size === 0) break;
    if (performance.now() >= deadline) {
      const { node } = [...waiting][0];
      return { node, reason: `no answer on http://${formatHostPort(node.config.listen.http)} within ${timeoutMs} ms (${lastReason.get(node) ?? 'no reply'})` };
    }
    await new Promise((r) => setTimeout(r, UP_POLL_MS));
  }
  return null;
}

async function downCluster(nodes: readonly LocalNode[], timeoutMs: number, output: ClusterOutput): Promise<number> {
  const running: Array<{ node: LocalNode; pid: number }> = [];
  for (const node of nodes) {
    const pid = runningPid(node);
    if (pid === null) {
      if (readPid(node) !== null) removePid(node);
      output.out(`node${node.index} is not running\n`);
    } else running.push({ node, pid });
  }
  // The leader last: stopped first, it would hand leadership to a follower that is stopping too.
  const leader = await currentLeader(running.map((r) => r.node));
  const followers = running.filter((r) => r.node.config.nodeId !== leader);
  const leaders = running.filter((r) => r.node.config.nodeId === leader);
  const followersGone = await stopNodes(followers, timeoutMs, output, false);
  return followersGone && (await stopNodes(leaders, timeoutMs, output, false)) ? EXIT_OK : EXIT_FAILED;
}

/** The node that says, in its own row, that it leads; null if none answers so. */
async function currentLeader(nodes: readonly LocalNode[]): Promise<number | null> {
  const probes = await Promise.all(nodes.map((node) => probeNode(formatHostPort(node.config.listen.http), PROBE_TIMEOUT_MS)));
  for (const [i, probe] of probes.entries()) {
    const id = nodes[i].config.nodeId;
    if (probe.kind === 'status' && probe.status.nodes.some((n) => n.id === id && n.role === 'leader')) return id;
  }
  return null;
}

/** SIGTERM each, wait, SIGKILL stragglers; removes pid files. True when every process is gone. */
async function stopNodes(nodes: ReadonlyArray<{ node: LocalNode; pid: number }>, timeoutMs: number, output: ClusterOutput, quiet: boolean): Promise<boolean> {
  for (const { pid } of nodes) signal(pid, 'SIGTERM');
  const results = await Promise.all(
    nodes.map(async ({ node, pid }) => {
      let how = 'stopped';
      if (!(await waitExit(pid, timeoutMs))) {
        signal(pid, 'SIGKILL');
        how = 'killed (did not stop within the timeout)';
        if (!(await waitExit(pid, 5_000))) return { node, pid, gone: false, how: 'still running after SIGKILL' };
      }
      removePid(node);
      return { node, pid, gone: true, how };
    }),
  );
  if (!quiet) for (const r of results) output.out(`node${r.node.index} ${r.how} (pid ${r.pid})\n`);
  return results.every((r) => r.gone);
}

async function clusterStatus(nodes: readonly LocalNode[], output: ClusterOutput): Promise<number> {
  const probes = await Promise.all(nodes.map((node) => probeNode(formatHostPort(node.config.listen.http), PROBE_TIMEOUT_MS)));
  const status = mergeStatus(nodes, probes);
  output.out(`${JSON.stringify(status, null, 2)}\n`);
  return probes.some((p) => p.kind === 'status') ? EXIT_OK : EXIT_FAILED;
}

/** One status: the leader's answer (else any answer), with every node that did not answer marked down. */
export function mergeStatus(nodes: readonly LocalNode[], probes: readonly Probe[]): ClusterStatus {
  const answers = probes.flatMap((p) => (p.kind === 'status' ? [p.status] : []));
  const base = answers.find((s) => s.leader !== null && s.nodes.some((n) => n.id === s.leader && n.role === 'leader')) ?? answers.find((s) => s.leader !== null) ?? answers[0];
  const rows = new Map<NodeId, ClusterNodeStatus>((base?.nodes ?? []).map((n) => [n.id, n]));
  nodes.forEach((node, i) => {
    const probe = probes[i];
    const id = node.config.nodeId;
    // A node's own answer knows its numbers best; the base answer's row, or a blank row, otherwise.
    const own = probe.kind === 'status' ? probe.status.nodes.find((n) => n.id === id) : undefined;
    const row = own ?? rows.get(id) ?? downRow(node);
    rows.set(id, { ...row, up: probe.kind === 'status' && row.up !== false });
  });
  const sorted = [...rows.values()].sort((a, b) => a.id - b.id);
  return { clusterId: base?.clusterId ?? nodes[0].config.clusterId, leader: base?.leader ?? null, term: base?.term ?? 0, nodes: sorted };
}

function downRow(node: LocalNode): ClusterNodeStatus {
  const listen = node.config.listen;
  return { id: node.config.nodeId, role: 'unknown', term: 0, commitIndex: 0, appliedIndex: 0, up: false, respAddr: formatHostPort(listen.resp), httpAddr: formatHostPort(listen.http), raftAddr: formatHostPort(listen.raft) };
}
