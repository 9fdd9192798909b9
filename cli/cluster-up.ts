// `kvlab cluster up`: starts every node of DIR that does not run yet, except nodes marked removed;
// returns once every node listens, and (briefly) waits for a leader so the next command works.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatHostPort } from '../prod/config/address.ts';
import { type ClusterDir, type LocalNode, logTail, removedMark, runningPid, writePid } from '../prod/node/local/cluster-dir.ts';
import { isAlive, spawnNode } from '../prod/node/local/processes.ts';
import { probeNode } from '../prod/node/local/probe.ts';
import { stopNodes, type RunningNode } from './cluster-down.ts';
import type { ClusterOutput } from './cluster-output.ts';
import { leaderOf, PROBE_TIMEOUT_MS, probeAll, recordRemovals, reportInvalid } from './cluster-status.ts';
import { EXIT_FAILED, EXIT_INVALID, EXIT_OK } from './exit-codes.ts';

/** The kvlab command itself: nodes start as `kvlab node --config FILE`, the fastest way it knows to start. */
const KVLAB_ENTRY = fileURLToPath(new URL('./kvlab.mjs', import.meta.url));
const UP_POLL_MS = 100;
const LOG_TAIL_LINES = 20;
/** How long `up` waits for a leader once every node listens. */
const LEADER_WAIT_MS = 10_000;
/** How long a node `up` stops (a removed one, or those it started when another failed) gets to stop gracefully. */
const STOP_TIMEOUT_MS = 15_000;

export async function upCluster(dir: ClusterDir, timeoutMs: number, output: ClusterOutput): Promise<number> {
  if (dir.invalid.length > 0) {
    reportInvalid('up', dir.invalid, output);
    output.err(`kvlab cluster up: started nothing: ${dir.invalid.length} invalid node config${dir.invalid.length === 1 ? '' : 's'}\n`);
    return EXIT_INVALID;
  }
  const candidates: LocalNode[] = [];
  for (const node of dir.nodes) {
    const mark = removedMark(node);
    if (mark === null) candidates.push(node);
    else output.out(`node${node.index} skipped: removed from the cluster (${node.removedPath}; delete that file to start it again)\n`);
  }
  const { started, all } = startAll(candidates, output);
  const failure = await waitAllListening(all, timeoutMs);
  if (failure) {
    const tail = logTail(failure.node, LOG_TAIL_LINES);
    output.err(`kvlab cluster up: node${failure.node.index} did not start: ${failure.reason}\n--- last lines of ${failure.node.logPath} ---\n${tail}\n`);
    await stopNodes(started, STOP_TIMEOUT_MS, output, true);
    return EXIT_FAILED;
  }
  // Listening is not serving: wait (briefly) for a leader, so the next command a user types works.
  const leaderWaitMs = Math.min(timeoutMs, LEADER_WAIT_MS);
  let leader = await waitLeader(all.map((a) => a.node), leaderWaitMs);
  // A member removed through the members API still has its config and data: restarted, it answers as
  // "removed", or (if it never learned of its removal) the leader does not list it. Stop it, and mark
  // it so that the next `up` does not start it again.
  const removed = recordRemovals(candidates, await probeAll(candidates), output.out);
  const stopping = all.filter((a) => removed.has(a.node));
  if (stopping.length > 0) await stopNodes(stopping, STOP_TIMEOUT_MS, output, false);
  const members = all.filter((a) => !removed.has(a.node));
  for (const { node, pid } of members) {
    const listen = node.config.listen;
    output.out(`node${node.index} pid ${pid}  resp ${formatHostPort(listen.resp)}  http ${formatHostPort(listen.http)}  log ${node.logPath}\n`);
  }
  if (members.length === 0) {
    output.out('no node left to start\n');
    return EXIT_OK;
  }
  if (stopping.some((a) => a.node.config.nodeId === leader)) leader = await waitLeader(members.map((a) => a.node), leaderWaitMs);
  output.out(leader === null ? `no leader yet after ${leaderWaitMs} ms; requests answer CLUSTERDOWN / 503 until one is elected\n` : `leader: node${leader}\n`);
  return EXIT_OK;
}

function startAll(nodes: readonly LocalNode[], output: ClusterOutput): { started: RunningNode<LocalNode>[]; all: RunningNode<LocalNode>[] } {
  const started: RunningNode<LocalNode>[] = [];
  const all: RunningNode<LocalNode>[] = [];
  for (const node of nodes) {
    const running = runningPid(node);
    if (running !== null) {
      output.out(`node${node.index} is already running (pid ${running})\n`);
      all.push({ node, pid: running });
      continue;
    }
    const pid = spawnNode([KVLAB_ENTRY, 'node', '--config', node.configPath], node.logPath, dirname(node.configPath));
    writePid(node, pid);
    started.push({ node, pid });
    all.push({ node, pid });
  }
  return { started, all };
}

async function waitLeader(nodes: readonly LocalNode[], timeoutMs: number): Promise<number | null> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const leader = leaderOf(nodes, await probeAll(nodes));
    if (leader !== null || performance.now() >= deadline) return leader;
    await new Promise((r) => setTimeout(r, UP_POLL_MS));
  }
}

/** Null once every node answers HTTP; else the first node that died or did not answer in time. */
async function waitAllListening(nodes: readonly RunningNode<LocalNode>[], timeoutMs: number): Promise<{ node: LocalNode; reason: string } | null> {
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
