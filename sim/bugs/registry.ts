// The bug zoo in one list: every deliberate bug the simulator can switch on by name (`--bug NAME`, a
// scenario's `bugs`), across layers, with the library scenario that is known to catch it. The
// descriptions and sources live beside each bug's hook (core/*/bugs.ts); only the node host's bug,
// which has no list of its own, is described here.
import { RAFT_BUGS } from '../../core/raft/bugs.ts';
import { STORAGE_BUGS } from '../../core/storage/bugs.ts';
import { KV_BUGS } from '../../core/kv/bugs.ts';
import { KvlabError } from '../../core/types.ts';

export type BugLayer = 'raft' | 'storage' | 'kv' | 'node';

export interface BugEntry {
  readonly name: string;
  /** One line: what the node does wrong and what it breaks. */
  readonly description: string;
  /** Where the mistake (or the rule it breaks) is described publicly. */
  readonly source: string;
  readonly layer: BugLayer;
  /** The library scenario that catches it (a path relative to the project root). */
  readonly scenario: string;
}

/**
 * The node host's bugs (core/node/group-replica.ts; sessionOrderIgnored: the simulated connection of a
 * pipelining client, sim/workload/pipelined-client.ts), described here because the host has no bugs.ts.
 */
const NODE_BUGS = [
  {
    name: 'ackBeforeFsync',
    description:
      "the leader's host treats its own new entries as persisted before their fsync completes, so it counts itself towards commit and answers clients for entries a power loss can still erase on the leader",
    source:
      'etcd-io/etcd issue #14370 (durability loss: entries acknowledged before they were fsynced); Raft paper Figure 2 (respond only after persisting)',
  },
  {
    name: 'sessionOrderIgnored',
    description:
      "the node serves a pipelining connection's requests as they come, without its ordered session, so a read sent after a write can be answered before the write takes effect (a pipelined SET then GET reads the old value)",
    source:
      'Redis docs, "Redis pipelining" (a connection\'s commands are executed in order); kvlab issue 14 §1 (SET + GET in one pipeline read nil on the leader)',
  },
] as const;

/** Scenario file for a bug: by convention `scenarios/bug-<kebab-name>.json`. */
export function bugScenarioPath(name: string): string {
  return `scenarios/bug-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.json`;
}

function entries(layer: BugLayer, list: readonly { name: string; description: string; source: string }[]): BugEntry[] {
  return list.map((b) => ({ name: b.name, description: b.description, source: b.source, layer, scenario: bugScenarioPath(b.name) }));
}

export const BUG_REGISTRY: readonly BugEntry[] = [
  ...entries('raft', RAFT_BUGS),
  ...entries('storage', STORAGE_BUGS),
  ...entries('kv', KV_BUGS),
  ...entries('node', NODE_BUGS),
];

const byName = new Map(BUG_REGISTRY.map((b) => [b.name, b]));

export function findBug(name: string): BugEntry | undefined {
  return byName.get(name);
}

export function bugNames(): string[] {
  return BUG_REGISTRY.map((b) => b.name);
}

/** Rejects names that are not in the zoo, listing the ones that are. `where` says who named them. */
export function validateBugNames(names: readonly string[], where = '--bug'): void {
  const unknown = names.filter((n) => !byName.has(n));
  if (unknown.length === 0) return;
  const what = unknown.length === 1 ? `unknown bug '${unknown[0]}'` : `unknown bugs ${unknown.map((n) => `'${n}'`).join(', ')}`;
  throw new KvlabError('unknown-bug', `${where}: ${what}; known bugs: ${bugNames().join(', ')}`);
}

/** The `kvlab bugs --json` shape (CONTRACTS.md), plus the additive `layer`. */
export function bugsJson(): Array<{ name: string; description: string; source: string; scenario: string; layer: BugLayer }> {
  return BUG_REGISTRY.map((b) => ({ name: b.name, description: b.description, source: b.source, scenario: b.scenario, layer: b.layer }));
}
