// The INFO text: the Redis fields client libraries look at (ioredis's ready check reads `loading`),
// plus a kvlab section with this node's Raft view.
import type { CommandCall } from './command-spec.ts';

/** The Redis version whose commands and replies we follow; clients read it to pick features. */
export const REDIS_COMPAT_VERSION = '7.0.0';
export const KVLAB_VERSION = '0.1.0';

type Section = { name: string; lines: () => string[] | Promise<string[]> };

function sections(call: CommandCall): Section[] {
  const { server } = call;
  const uptimeSeconds = Math.max(0, Math.floor((server.wallClockMs() - server.startedAtWallMs) / 1000));
  return [
    { name: 'server', lines: () => [
      `redis_version:${REDIS_COMPAT_VERSION}`,
      `kvlab_version:${KVLAB_VERSION}`,
      'redis_mode:standalone',
      `process_id:${process.pid}`,
      `tcp_port:${server.port()}`,
      `uptime_in_seconds:${uptimeSeconds}`,
      `uptime_in_days:${Math.floor(uptimeSeconds / 86_400)}`,
    ] },
    { name: 'clients', lines: () => [
      `connected_clients:${server.connectionCount()}`,
      `maxclients:${server.limits.connectionsMax}`,
    ] },
    { name: 'persistence', lines: () => ['loading:0'] },
    // Any node accepts writes (it forwards them to the Raft leader), so to a client each is a master.
    { name: 'replication', lines: () => ['role:master', 'connected_slaves:0'] },
    { name: 'cluster', lines: () => ['cluster_enabled:0'] },
    { name: 'kvlab', lines: () => kvlabLines(call) },
    { name: 'keyspace', lines: () => keyspaceLines(call) },
  ];
}

function kvlabLines(call: CommandCall): string[] {
  const source = call.server.status;
  if (source === null) return [];
  const status = source.clusterStatus();
  const self = status.nodes.find((node) => node.id === source.nodeId);
  return [
    `kvlab_cluster_id:${status.clusterId}`,
    `kvlab_node_id:${source.nodeId}`,
    `kvlab_raft_role:${self?.role ?? 'unknown'}`,
    `kvlab_term:${status.term}`,
    `kvlab_leader:${status.leader ?? 'none'}`,
    `kvlab_commit_index:${self?.commitIndex ?? 0}`,
    `kvlab_applied_index:${self?.appliedIndex ?? 0}`,
    `kvlab_nodes:${status.nodes.length}`,
  ];
}

async function keyspaceLines(call: CommandCall): Promise<string[]> {
  // A stale read: INFO must answer even without a leader. Expiry counts are not tracked.
  const outcome = await call.connection.kv.read({ op: 'dbsize' }, { consistency: 'stale' });
  if (!outcome.ok || outcome.result.kind !== 'int' || outcome.result.value === 0n) return [];
  return [`db0:keys=${outcome.result.value},expires=0,avg_ttl=0`];
}

const ALL_SECTIONS = new Set(['all', 'everything', 'default']);

/** INFO [section ...]: every section by default; unknown names select nothing, as in Redis. */
export async function infoText(call: CommandCall): Promise<string> {
  const wanted = call.args.slice(1).map((name) => name.toLowerCase());
  const all = wanted.length === 0 || wanted.some((name) => ALL_SECTIONS.has(name));
  const chosen = sections(call).filter((section) => all || wanted.includes(section.name));
  const parts: string[] = [];
  for (const section of chosen) {
    const lines = await section.lines();
    // Redis prints an empty Keyspace header; our kvlab section is left out when there is no status.
    if (lines.length === 0 && section.name === 'kvlab') continue;
    const title = section.name[0].toUpperCase() + section.name.slice(1);
    parts.push(`# ${title}\r\n${lines.map((line) => `${line}\r\n`).join('')}`);
  }
  return parts.join('\r\n');
}
