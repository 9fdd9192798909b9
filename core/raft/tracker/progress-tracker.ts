// The leader's (and a candidate's) bookkeeping over the configuration: each member's Progress, the
// votes of the current election, and the quorum questions Raft asks (what is committed, did we win,
// is a quorum still active). Members are visited in ascending id order so message order is
// deterministic.
import type { NodeId } from '../../types.ts';
import { jointCommitted, jointVoteResult } from '../quorum/joint.ts';
import type { JointVoters } from '../quorum/joint.ts';
import type { VoteResult } from '../quorum/majority.ts';
import type { ConfState } from '../types.ts';
import { Progress } from './progress.ts';

export interface TrackerConfig {
  readonly voters: JointVoters;
  /** Non-voting members; disjoint from both voter sets. */
  readonly learners: readonly NodeId[];
  /** Outgoing voters that become learners when the joint configuration is left. */
  readonly learnersNext: readonly NodeId[];
  /** Leave the joint configuration automatically once it is applied. */
  readonly autoLeave: boolean;
}

export const EMPTY_TRACKER_CONFIG: TrackerConfig = {
  voters: { incoming: [], outgoing: [] },
  learners: [],
  learnersNext: [],
  autoLeave: false,
};

export class ProgressTracker {
  config: TrackerConfig = EMPTY_TRACKER_CONFIG;
  progress = new Map<NodeId, Progress>();
  /** Every member with a Progress, ascending. */
  ids: NodeId[] = [];
  readonly votes = new Map<NodeId, boolean>();
  private readonly matchOf = (id: NodeId): number => this.progress.get(id)?.match ?? 0;

  constructor(readonly inflightMsgsMax: number, readonly inflightBytesMax: number) {}

  /** Installs a configuration; members that are new get a Progress probing from `lastIndex`. */
  setConfig(config: TrackerConfig, lastIndex: number): void {
    const learners = new Set(config.learners);
    const members = new Set<NodeId>([...config.voters.incoming, ...config.voters.outgoing, ...config.learners, ...config.learnersNext]);
    for (const id of [...this.progress.keys()]) if (!members.has(id)) this.progress.delete(id);
    for (const id of members) {
      let pr = this.progress.get(id);
      if (!pr) {
        pr = new Progress(Math.max(lastIndex, 1), learners.has(id), this.inflightMsgsMax, this.inflightBytesMax);
        // A new member counts as active so check-quorum does not step down before it could answer.
        pr.recentActive = true;
        this.progress.set(id, pr);
      }
      pr.isLearner = learners.has(id);
    }
    this.config = config;
    this.ids = [...members].sort((a, b) => a - b);
  }

  isJoint(): boolean {
    return this.config.voters.outgoing.length > 0;
  }

  isVoter(id: NodeId): boolean {
    return this.config.voters.incoming.includes(id) || this.config.voters.outgoing.includes(id);
  }

  /** Only one voter, no joint change. */
  isSingleton(): boolean {
    return this.config.voters.incoming.length === 1 && this.config.voters.outgoing.length === 0;
  }

  /** The highest index acknowledged by a (joint) quorum of voters. */
  committed(): number {
    return jointCommitted(this.config.voters, this.matchOf);
  }

  /** A quorum of (joint) voters was heard from since the last reset; `self` always counts. */
  quorumActive(self: NodeId): boolean {
    const active = new Map<NodeId, boolean>();
    for (const [id, pr] of this.progress) if (!pr.isLearner) active.set(id, id === self || pr.recentActive);
    return jointVoteResult(this.config.voters, active) === 'won';
  }

  /** Lease: the latest tick t such that a (joint) quorum acknowledged a heartbeat sent at or after t. */
  quorumLeaseTick(self: NodeId, now: number): number {
    return jointCommitted(this.config.voters, (id) => (id === self ? now : (this.progress.get(id)?.leaseAckTick ?? -1)));
  }

  resetVotes(): void {
    this.votes.clear();
  }

  /** Records the first answer of `id` in this election; later ones (duplicates) are ignored. */
  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  voteResult(): VoteResult {
    return jointVoteResult(this.config.voters, this.votes);
  }

  /** Voters of either half, ascending and without duplicates. */
  voterIds(): NodeId[] {
    const { incoming, outgoing } = this.config.voters;
    return [...new Set([...incoming, ...outgoing])].sort((a, b) => a - b);
  }

  confState(): ConfState {
    const c = this.config;
    return {
      voters: [...c.voters.incoming],
      learners: [...c.learners],
      votersOutgoing: [...c.voters.outgoing],
      learnersNext: [...c.learnersNext],
      autoLeave: c.autoLeave,
    };
  }
}
