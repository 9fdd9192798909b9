// What every node looked like at one moment: lifecycle, and per Raft group its term, vote, role,
// commit and applied index, log, the leader's view of each follower, and the KV size when traced.
// `applyStateEvent` is the reducer; state-timeline.ts replays it to answer "as of event i".
import { appendEntries, cloneLog, emptyLog, installSnapshot, type RaftLog, truncateAfter } from './raft-log.ts';
import { initialLifecycle } from './lifecycle-spans.ts';
import { initialRole } from './role-spans.ts';
import type { TraceEvent } from './trace-types.ts';

export interface PeerProgress {
  readonly match: number;
  readonly next: number;
  readonly state: string;
}

export interface GroupState {
  term: number;
  /** Who this node voted for in `term` (0: nobody). */
  vote: number;
  role: string;
  leader: number;
  commit: number;
  applied: number;
  log: RaftLog;
  /** The leader's view of its followers (kept only while this node leads). */
  progress: Map<number, PeerProgress>;
  voters: number[];
  learners: number[];
  kvKeys: number | null;
  kvBytes: number | null;
}

export interface NodeState {
  lifecycle: string;
  groups: Map<number, GroupState>;
}

export type WorldState = Map<number, NodeState>;

/** Kinds the reducer reads; everything else leaves node state alone. */
export const stateKinds: ReadonlySet<string> = new Set([
  'node.lifecycle', 'node.crash', 'node.restart', 'raft.role', 'raft.term', 'raft.vote', 'raft.append', 'raft.truncate', 'raft.recover',
  'raft.commit', 'raft.apply', 'raft.progress', 'raft.snapshot', 'raft.conf', 'kv.size',
]);

export function newGroupState(): GroupState {
  return {
    term: 0, vote: 0, role: initialRole, leader: 0, commit: 0, applied: 0, log: emptyLog(), progress: new Map(),
    voters: [], learners: [], kvKeys: null, kvBytes: null,
  };
}

export function nodeOf(world: WorldState, node: number): NodeState {
  let state = world.get(node);
  if (state === undefined) {
    state = { lifecycle: initialLifecycle, groups: new Map() };
    world.set(node, state);
  }
  return state;
}

export function groupOf(world: WorldState, node: number, group: number): GroupState {
  const groups = nodeOf(world, node).groups;
  let state = groups.get(group);
  if (state === undefined) {
    state = newGroupState();
    groups.set(group, state);
  }
  return state;
}

export function applyStateEvent(world: WorldState, event: TraceEvent): void {
  const node = event.node as number;
  if (event.kind.startsWith('node.')) return applyLifecycle(nodeOf(world, node), event);
  const group = groupOf(world, node, event.group as number);
  switch (event.kind) {
    case 'raft.role':
      group.role = event.to as string;
      group.term = event.term as number;
      group.leader = (event.leader as number | null) ?? 0;
      if (group.role !== 'leader') group.progress.clear();
      return;
    case 'raft.term':
      if (event.term !== group.term) Object.assign(group, { term: event.term as number, vote: 0, leader: 0 });
      return;
    case 'raft.vote':
      group.term = event.term as number;
      group.vote = (event.for as number | null) ?? 0;
      return;
    case 'raft.append':
      return appendEntries(group.log, event.index as number, event.terms as number[]);
    case 'raft.truncate':
      return truncateAfter(group.log, event.index as number);
    case 'raft.recover':
      return recoverLog(group, event);
    case 'raft.commit':
      group.commit = event.index as number;
      return;
    case 'raft.apply':
      group.applied = event.index as number;
      return;
    case 'raft.progress':
      group.progress.set(event.peer as number, { match: event.match as number, next: event.next as number, state: event.state as string });
      return;
    case 'raft.snapshot':
      return installSnapshot(group.log, event.index as number, event.term as number);
    case 'raft.conf':
      group.voters = (event.voters as number[]).slice();
      group.learners = (event.learners as number[]).slice();
      return;
    case 'kv.size':
      group.kvKeys = event.keys as number;
      group.kvBytes = typeof event.bytes === 'number' ? event.bytes : null;
      return;
  }
}

function applyLifecycle(node: NodeState, event: TraceEvent): void {
  if (event.kind === 'node.lifecycle') node.lifecycle = event.to as string;
  else if (event.kind === 'node.crash') node.lifecycle = 'crashed';
  else if (event.kind === 'node.restart' && (node.lifecycle === 'crashed' || node.lifecycle === 'stopped')) node.lifecycle = 'starting';
  // A crash loses everything in memory: the role and the leader's view of its followers.
  if (node.lifecycle === 'crashed' || node.lifecycle === 'stopped') {
    for (const group of node.groups.values()) {
      group.role = 'down';
      group.leader = 0;
      group.progress.clear();
    }
  } else if (event.kind === 'node.restart' || event.from === 'crashed' || event.from === 'stopped') {
    for (const group of node.groups.values()) if (group.role === 'down') group.role = initialRole;
  }
}

export function cloneWorld(world: WorldState): WorldState {
  const copy: WorldState = new Map();
  for (const [id, node] of world) {
    const groups = new Map<number, GroupState>();
    for (const [g, s] of node.groups) groups.set(g, { ...s, log: cloneLog(s.log), progress: new Map(s.progress), voters: s.voters, learners: s.learners });
    copy.set(id, { lifecycle: node.lifecycle, groups });
  }
  return copy;
}

/** A (re)started node rebuilt its log from disk: exactly its snapshot plus the recovered entries. */
function recoverLog(group: { log: RaftLog; commit: number; applied: number }, event: Record<string, unknown>): void {
  const snapshotIndex = event.snapshotIndex as number;
  group.log = { runs: [], lastIndex: snapshotIndex, snapshotIndex, snapshotTerm: event.snapshotTerm as number };
  const terms = event.terms as number[] | undefined;
  if (terms) appendEntries(group.log, snapshotIndex + 1, terms);
  group.commit = event.commit as number;
  group.applied = snapshotIndex;
}
