// A plain, JSON-serialisable snapshot of one Raft node: what the visualizer's inspector shows and what
// the invariant checker compares across nodes.
import type { GroupId, LogIndex, NodeId, Term } from '../types.ts';
import type { ProgressState } from './tracker/progress.ts';
import type { Raft } from './raft.ts';
import type { ConfState, Role } from './types.ts';

export interface PeerProgress {
  readonly id: NodeId;
  readonly match: number;
  readonly next: number;
  readonly state: ProgressState;
  readonly recentActive: boolean;
  readonly paused: boolean;
  readonly inflight: number;
  readonly isLearner: boolean;
  /** snapshot state: the index of the snapshot being sent. */
  readonly pendingSnapshot: number;
}

export interface RaftStatus {
  readonly id: NodeId;
  readonly group: GroupId;
  readonly term: Term;
  readonly vote: NodeId;
  readonly commit: LogIndex;
  readonly applied: LogIndex;
  readonly lead: NodeId;
  readonly role: Role;
  readonly firstIndex: LogIndex;
  readonly lastIndex: LogIndex;
  readonly confState: ConfState;
  readonly leadTransferee: NodeId;
  /** Leader only: each member's progress, ascending by id (the leader's own included). */
  readonly progress?: readonly PeerProgress[];
}

export function raftStatus(r: Raft): RaftStatus {
  const base = {
    id: r.id,
    group: r.group,
    term: r.term as Term,
    vote: r.vote,
    commit: r.log.committed as LogIndex,
    applied: r.log.applied as LogIndex,
    lead: r.lead,
    role: r.role,
    firstIndex: r.log.firstIndex() as LogIndex,
    lastIndex: r.log.lastIndex() as LogIndex,
    confState: r.trk.confState(),
    leadTransferee: r.leadTransferee,
  };
  if (r.role !== 'leader') return base;
  const progress: PeerProgress[] = r.trk.ids.map((id) => {
    const pr = r.trk.progress.get(id)!;
    return {
      id,
      match: pr.match,
      next: pr.next,
      state: pr.state,
      recentActive: pr.recentActive,
      paused: pr.isPaused(),
      inflight: pr.inflights.count,
      isLearner: pr.isLearner,
      pendingSnapshot: pr.pendingSnapshot,
    };
  });
  return { ...base, progress };
}
