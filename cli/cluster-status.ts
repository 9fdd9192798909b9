// `kvlab cluster status`, and what every cluster action learns from asking the nodes: who leads, and
// which nodes the cluster has removed (marked in DIR so that `up` skips them from then on).
import type { NodeId } from '../core/types.ts';
import { formatHostPort } from '../prod/config/address.ts';
import type { ClusterNodeStatus, ClusterStatus } from '../prod/http/node-services.ts';
import { type ClusterDir, type InvalidNode, type LocalNode, markRemoved, removedMark, runningPid } from '../prod/node/local/cluster-dir.ts';
import { type Probe, probeNode } from '../prod/node/local/probe.ts';
import type { ClusterOutput } from './cluster-output.ts';
import { EXIT_FAILED, EXIT_INVALID, EXIT_OK } from './exit-codes.ts';

export const PROBE_TIMEOUT_MS = 1_000;

export function probeAll(nodes: readonly LocalNode[]): Promise<Probe[]> {
  return Promise.all(nodes.map((node) => probeNode(formatHostPort(node.config.listen.http), PROBE_TIMEOUT_MS)));
}

/** The node that says, in its own row, that it leads; null if none answers so. */
export function leaderOf(nodes: readonly LocalNode[], probes: readonly Probe[]): NodeId | null {
  for (const [i, probe] of probes.entries()) {
    const id = nodes[i].config.nodeId;
    if (probe.kind === 'status' && probe.status.nodes.some((n) => n.id === id && n.role === 'leader')) return id;
  }
  return null;
}

/**
 * The nodes the cluster no longer counts as members: a node that answers as role "removed", or a
 * founding node (join: false) of the leader's cluster that the leader's view does not list.
 */
export function removedNodes(nodes: readonly LocalNode[], probes: readonly Probe[]): Array<{ node: LocalNode; why: string }> {
  const leader = leaderOf(nodes, probes);
  const leaderProbe = leader === null ? undefined : probes[nodes.findIndex((n) => n.config.nodeId === leader)];
  const leaderView = leaderProbe?.kind === 'status' ? leaderProbe.status : undefined;
  return nodes.flatMap((node, i) => {
    const probe = probes[i];
    const id = node.config.nodeId;
    if (probe.kind === 'status' && probe.status.nodes.some((n) => n.id === id && n.role === 'removed')) return [{ node, why: 'it answers as role "removed"' }];
    if (leaderView && !node.config.join && leaderView.clusterId === node.config.clusterId && !leaderView.nodes.some((n) => n.id === id)) {
      return [{ node, why: `the leader (node id ${leader}) no longer lists node id ${id} as a member` }];
    }
    return [];
  });
}

/** Marks every newly removed node in DIR (node<i>.removed) and says so; returns the removed nodes. */
export function recordRemovals(nodes: readonly LocalNode[], probes: readonly Probe[], say: (text: string) => void): Set<LocalNode> {
  const removed = removedNodes(nodes, probes);
  for (const { node, why } of removed) {
    if (removedMark(node) !== null) continue;
    markRemoved(node, `node${node.index} (node id ${node.config.nodeId}) was removed from cluster ${node.config.clusterId}: ${why} (seen ${new Date().toISOString()})`);
    say(`node${node.index} was removed from the cluster (${why}): marked in ${node.removedPath}; cluster up skips it from now on\n`);
  }
  return new Set(removed.map((r) => r.node));
}

/** One line per problem of each invalid node<i>.json, and whether its process runs. */
export function reportInvalid(action: string, invalid: readonly InvalidNode[], output: ClusterOutput): void {
  for (const node of invalid) {
    const pid = runningPid(node);
    const state = pid === null ? 'not running' : `running as pid ${pid}`;
    output.err(`${node.error.split('\n').map((line) => `kvlab cluster ${action}: ${line}`).join('\n')}\n`);
    output.err(`kvlab cluster ${action}: node${node.index} (${state}) has an invalid config; fix ${node.configPath}\n`);
  }
}

/** Prints the merged status; 2 if a config is invalid, 1 if no node answered, else 0. */
export async function clusterStatus(dir: ClusterDir, output: ClusterOutput): Promise<number> {
  const { nodes, invalid } = dir;
  const probes = await probeAll(nodes);
  recordRemovals(nodes, probes, output.err);
  const status: ClusterStatus & { invalidConfigs?: unknown[] } = mergeStatus(nodes, probes);
  if (invalid.length > 0) status.invalidConfigs = invalid.map((node) => ({ file: node.configPath, error: node.error, pid: runningPid(node) }));
  output.out(`${JSON.stringify(status, null, 2)}\n`);
  reportInvalid('status', invalid, output);
  if (invalid.length > 0) return EXIT_INVALID;
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
  return { clusterId: base?.clusterId ?? nodes[0]?.config.clusterId ?? '', leader: base?.leader ?? null, term: base?.term ?? 0, nodes: sorted };
}

function downRow(node: LocalNode): ClusterNodeStatus {
  const listen = node.config.listen;
  const role = removedMark(node) === null ? 'unknown' : 'removed';
  return { id: node.config.nodeId, role, term: 0, commitIndex: 0, appliedIndex: 0, up: false, respAddr: formatHostPort(listen.resp), httpAddr: formatHostPort(listen.http), raftAddr: formatHostPort(listen.raft) };
}
