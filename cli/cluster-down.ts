// `kvlab cluster down`: stops every node of DIR that runs — also the process of a node whose config
// no longer validates (it is found through its pid file), since a bad edit must never leave a
// cluster running that the tool cannot stop.
import { type ClusterDir, type LocalNode, type NodeFiles, readPid, removePid, runningPid } from '../prod/node/local/cluster-dir.ts';
import { signal, waitExit } from '../prod/node/local/processes.ts';
import type { ClusterOutput } from './cluster-output.ts';
import { leaderOf, probeAll, recordRemovals, reportInvalid } from './cluster-status.ts';
import { EXIT_FAILED, EXIT_INVALID, EXIT_OK } from './exit-codes.ts';

export interface RunningNode<N extends NodeFiles = NodeFiles> {
  readonly node: N;
  readonly pid: number;
}

/** How long a process gets after SIGKILL before it counts as one that would not stop. */
const KILL_WAIT_MS = 5_000;

/** 1 if a process would not stop, else 2 if a config is invalid (every node was still stopped), else 0. */
export async function downCluster(dir: ClusterDir, timeoutMs: number, output: ClusterOutput): Promise<number> {
  reportInvalid('down', dir.invalid, output);
  const running = [...runningOf(dir.nodes, output), ...runningOf(dir.invalid, output)];
  const valid = running.flatMap((r) => ('config' in r.node ? [r.node as LocalNode] : []));
  const probes = await probeAll(valid);
  recordRemovals(valid, probes, output.out);
  // The leader last: stopped first, it would hand leadership to a follower that is stopping too.
  const leader = leaderOf(valid, probes);
  const isLeader = (r: RunningNode) => 'config' in r.node && (r.node as LocalNode).config.nodeId === leader;
  const othersGone = await stopNodes(running.filter((r) => !isLeader(r)), timeoutMs, output, false);
  const leaderGone = await stopNodes(running.filter(isLeader), timeoutMs, output, false);
  if (!othersGone || !leaderGone) return EXIT_FAILED;
  return dir.invalid.length > 0 ? EXIT_INVALID : EXIT_OK;
}

function runningOf(nodes: readonly NodeFiles[], output: ClusterOutput): RunningNode[] {
  return nodes.flatMap((node) => {
    const pid = runningPid(node);
    if (pid !== null) return [{ node, pid }];
    if (readPid(node) !== null) removePid(node);
    output.out(`node${node.index} is not running\n`);
    return [];
  });
}

/** SIGTERM each, wait, SIGKILL stragglers; removes pid files. True when every process is gone. */
export async function stopNodes(nodes: readonly RunningNode[], timeoutMs: number, output: ClusterOutput, quiet: boolean): Promise<boolean> {
  for (const { pid } of nodes) signal(pid, 'SIGTERM');
  const results = await Promise.all(
    nodes.map(async ({ node, pid }) => {
      let how = 'stopped';
      if (!(await waitExit(pid, timeoutMs))) {
        signal(pid, 'SIGKILL');
        how = 'killed (did not stop within the timeout)';
        if (!(await waitExit(pid, KILL_WAIT_MS))) return { node, pid, gone: false, how: 'still running after SIGKILL' };
      }
      removePid(node);
      return { node, pid, gone: true, how };
    }),
  );
  if (!quiet) for (const r of results) output.out(`node${r.node.index} ${r.how} (pid ${r.pid})\n`);
  return results.every((r) => r.gone);
}
