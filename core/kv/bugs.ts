// The KV bug zoo: deliberate deviations the simulator can switch on by name to prove its checkers catch
// them. Production configuration never sets them (prod engines do not even have the option).
//
// appliedIndexNotAtomic is an option of PersistentSimEngine: the applied index is kept in its own file
// ("applied-index") and made durable before the data it covers. A crash after the index fsync but before
// the data's leaves a replica that believes it applied entries whose effects it lost: on restart Raft
// resumes after them, so that replica silently misses writes (a stale or lost value once it serves
// reads or becomes leader). If instead the data is durable and the index is not, entries are applied
// twice (mostly masked by client sessions, except for writes without a session).
// It only shows with a persistent engine: MemoryEngine loses everything on a crash anyway.

export type KvBugName = 'appliedIndexNotAtomic';

export interface KvBugInfo {
  readonly name: KvBugName;
  /** One line: what the node does wrong and what it breaks. */
  readonly description: string;
  /** Where the mistake (or the rule it breaks) is described publicly. */
  readonly source: string;
}

export const KV_BUGS: readonly KvBugInfo[] = [
  {
    name: 'appliedIndexNotAtomic',
    description:
      'the state machine stores its applied index apart from (and durable before) the data, so a crash in between makes a replica skip committed entries after restart',
    source: 'etcd v3.5 data inconsistency postmortem (consistent index not saved atomically with the data), etcd-io/etcd issue #13766 and pull request #13854',
  },
];

const names = new Set<string>(KV_BUGS.map((b) => b.name));

export function isKvBugName(name: string): name is KvBugName {
  return names.has(name);
}
