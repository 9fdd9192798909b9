// The Raft bug zoo: deliberate, minimal deviations from correct Raft that the simulator can switch on
// by name (RaftConfig.bugs) to prove that its checkers catch them. Production configuration never
// sets them. Each entry names what it breaks and the public source that describes the mistake.

export type RaftBugName =
  | 'voteWithoutLogCheck'
  | 'commitPreviousTermByCounting'
  | 'followerTruncatesWithoutConflict'
  | 'preVoteCheckQuorumStall'
  | 'readIndexBeforeTermCommit'
  | 'leaseIgnoresClockDrift'
  | 'removedLeaderKeepsLeading'
  | 'concurrentConfChanges'
  | 'snapshotDropsLaterEntries'
  | 'voteRefusalHidesCommit';

export interface RaftBugInfo {
  readonly name: RaftBugName;
  /** One line: what the node does wrong and what it breaks. */
  readonly description: string;
  /** Where the mistake (or the rule it breaks) is described publicly. */
  readonly source: string;
}

export const RAFT_BUGS: readonly RaftBugInfo[] = [
  {
    name: 'voteWithoutLogCheck',
    description: 'voters grant votes without the up-to-date log check, so a stale candidate can win and overwrite committed entries',
    source: 'Raft paper (Ongaro & Ousterhout, 2014), section 5.4.1 "Election restriction"',
  },
  {
    name: 'commitPreviousTermByCounting',
    description: 'the leader commits an entry from an earlier term once it is on a majority, which a later leader may overwrite',
    source: 'Raft paper (Ongaro & Ousterhout, 2014), section 5.4.2 and Figure 8',
  },
  {
    name: 'followerTruncatesWithoutConflict',
    description: 'a follower deletes every entry after prevLogIndex on each append, so a stale, reordered append erases entries it already acknowledged',
    source: 'Raft paper Figure 2, AppendEntries receiver rule 3; "Students\' Guide to Raft" (Gjengset, 2016)',
  },
  {
    name: 'preVoteCheckQuorumStall',
    description: 'with checkQuorum/preVote a node silently drops lower-term appends, heartbeats and pre-votes, so a node whose term ran ahead can never rejoin',
    source: 'etcd-io/etcd pull request #5468 (stuck peer with checkQuorum) and issue #8501 (PreVote migration deadlock)',
  },
  {
    name: 'readIndexBeforeTermCommit',
    description: 'a new leader answers ReadIndex before committing an entry of its term, with a commit index that may be stale',
    source: 'Raft thesis (Ongaro, 2014), section 6.4, step 1 of read-only queries',
  },
  {
    name: 'leaseIgnoresClockDrift',
    description: 'lease reads assume clocks run at the same rate, so the old leader serves stale reads after a new leader was elected',
    source: 'Raft thesis (Ongaro, 2014), section 6.4.1 (leases must account for bounded clock drift)',
  },
  {
    name: 'removedLeaderKeepsLeading',
    description: 'a leader that removed itself from the configuration keeps leading a group it is no longer a member of',
    source: 'Raft thesis (Ongaro, 2014), section 4.2.2 "Removing the current leader"',
  },
  {
    name: 'concurrentConfChanges',
    description: 'the leader accepts a membership change while another is uncommitted, so two disjoint majorities can elect two leaders in one term',
    source: 'Raft thesis (Ongaro, 2014), section 4.1 (one single-server change at a time)',
  },
  {
    name: 'snapshotDropsLaterEntries',
    description: 'a follower installing a snapshot of a prefix of its log also discards the later entries it already acknowledged',
    source: 'Raft paper (Ongaro & Ousterhout, 2014), section 7 "Log compaction"',
  },
  {
    name: 'voteRefusalHidesCommit',
    description:
      'a candidate ignores the commit point a refused vote carries, so a voter that missed the commit of the change removing the leader campaigns in the old configuration forever, needing the vote of the removed node, which never campaigns and refuses it',
    source:
      'Raft thesis (Ongaro, 2014), section 4.1 (servers use the latest configuration in their log; etcd-io/raft applies it at commit instead, and only the leader spreads the commit index)',
  },
];

const names = new Set<string>(RAFT_BUGS.map((b) => b.name));

export function isRaftBugName(name: string): name is RaftBugName {
  return names.has(name);
}
