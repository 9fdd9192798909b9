// The bug zoo: each deviation, switched on, misbehaves observably at the Raft level; switched off, the
// same script shows the correct behaviour.
import { describe, expect, it } from 'vitest';
import { RAFT_BUGS, isRaftBugName } from '../../core/raft/bugs.ts';
import type { RaftBugName } from '../../core/raft/bugs.ts';
import * as scenario from './scenarios.ts';

describe('bug zoo catalogue', () => {
  it('describes every bug with a public source', () => {
    const names: RaftBugName[] = [
      'voteWithoutLogCheck',
      'commitPreviousTermByCounting',
      'followerTruncatesWithoutConflict',
      'preVoteCheckQuorumStall',
      'readIndexBeforeTermCommit',
      'leaseIgnoresClockDrift',
      'removedLeaderKeepsLeading',
      'concurrentConfChanges',
      'snapshotDropsLaterEntries',
      'voteRefusalHidesCommit',
    ];
    expect(RAFT_BUGS.map((b) => b.name).sort()).toEqual([...names].sort());
    for (const b of RAFT_BUGS) {
      expect(b.description.length).toBeGreaterThan(20);
      expect(b.source.length).toBeGreaterThan(10);
    }
    expect(isRaftBugName('voteWithoutLogCheck')).toBe(true);
    expect(isRaftBugName('nope')).toBe(false);
  });
});

describe('bug zoo: each deviation is reachable and misbehaves', () => {
  it('voteWithoutLogCheck: a stale candidate wins and commits over an applied entry', () => {
    expect(scenario.staleCandidate()).toEqual({ staleWon: false, appliedAt3: { 2: '3@2:x', 3: '3@2:x' } });
    const buggy = scenario.staleCandidate('voteWithoutLogCheck');
    expect(buggy.staleWon).toBe(true);
    expect(buggy.appliedAt3[2]).toBe('3@2:x');
    expect(buggy.appliedAt3[3]).toBe('3@3:'); // another entry applied at the same index
  });

  it('commitPreviousTermByCounting: Figure 8, two different entries applied at one index', () => {
    expect(scenario.figure8()).toEqual({ commitAfterC: 2, appliedAt3: ['3@3', '3@3', '3@3', '3@3'] });
    const buggy = scenario.figure8('commitPreviousTermByCounting');
    expect(buggy.commitAfterC).toBe(3);
    expect(new Set(buggy.appliedAt3)).toEqual(new Set(['3@2', '3@3']));
  });

  it('followerTruncatesWithoutConflict: a stale append erases an acknowledged, committed entry', () => {
    expect(scenario.staleAppend()).toEqual({ acked: 5, lastAfter: 5, leaderCommit: 5 });
    expect(scenario.staleAppend('followerTruncatesWithoutConflict')).toEqual({ acked: 5, lastAfter: 4, leaderCommit: 5 });
  });

  it('preVoteCheckQuorumStall: a node whose term ran ahead never rejoins', () => {
    const ok = scenario.higherTermStuck();
    expect(ok.rejoined).toBe(true);
    expect(ok.term1).toBe(ok.term3);
    const buggy = scenario.higherTermStuck('preVoteCheckQuorumStall');
    expect(buggy.rejoined).toBe(false);
    expect(buggy.term3).toBeGreaterThan(buggy.term1);
  });

  it('readIndexBeforeTermCommit: a new leader answers a read below a committed write', () => {
    const ok = scenario.newLeaderRead();
    expect(ok.readsBeforeNoop).toEqual([]);
    expect(ok.readsAfter[0]).toBeGreaterThanOrEqual(ok.xIndex);
    const buggy = scenario.newLeaderRead('readIndexBeforeTermCommit');
    expect(buggy.readsBeforeNoop.length).toBe(1);
    expect(buggy.readsBeforeNoop[0]).toBeLessThan(buggy.xIndex); // the read would miss x
  });

  it('leaseIgnoresClockDrift: the old leader serves a lease read after a new leader committed', () => {
    const ok = scenario.driftingLease();
    expect(ok.newLeader).not.toBe(0);
    expect(ok.oldLeaderReads).toEqual([]);
    const buggy = scenario.driftingLease('leaseIgnoresClockDrift');
    expect(buggy.newLeader).not.toBe(0);
    expect(buggy.oldLeaderReads).toHaveLength(1);
    expect(buggy.oldLeaderReads[0]).toBeLessThan(buggy.newLeaderCommit);
  });

  it('removedLeaderKeepsLeading: a node outside the configuration keeps leading', () => {
    const ok = scenario.leaderRemovesItself();
    expect(ok.voters).toEqual([2, 3]);
    expect(ok.leaders).toHaveLength(1);
    expect(ok.leaders[0]).not.toBe(1);
    expect(ok.proposalOn1).toBe('notLeader');
    const buggy = scenario.leaderRemovesItself('removedLeaderKeepsLeading');
    expect(buggy.voters).toEqual([2, 3]);
    expect(buggy.leaders).toEqual([1]);
    expect(buggy.proposalOn1).toBeNull();
  });

  it('concurrentConfChanges: two changes in flight let two leaders win the same term', () => {
    const ok = scenario.concurrentChanges();
    expect(ok.secondProposal).toBe('proposalDropped');
    for (const leaders of Object.values(ok.leadersByTerm)) expect(leaders).toHaveLength(1);
    const buggy = scenario.concurrentChanges('concurrentConfChanges');
    expect(buggy.secondProposal).toBeNull();
    expect(Object.values(buggy.leadersByTerm).some((leaders) => leaders.length === 2)).toBe(true);
  });

  it('snapshotDropsLaterEntries: a delayed snapshot erases acknowledged entries after it', () => {
    expect(scenario.delayedSnapshot()).toEqual({ acked: 8, lastAfter: 8, commitAfter: 5 });
    expect(scenario.delayedSnapshot('snapshotDropsLaterEntries')).toEqual({ acked: 8, lastAfter: 5, commitAfter: 5 });
  });

  it('voteRefusalHidesCommit: a two-voter group whose leader removed itself never elects again', () => {
    const ok = scenario.removedLeaderHandOff();
    expect(ok.leaders).toEqual([2]);
    const buggy = scenario.removedLeaderHandOff('voteRefusalHidesCommit');
    expect(buggy.leaders).toEqual([]);
    expect(buggy.voters2).toEqual([1, 2]);
    expect(buggy.commit2).toBeLessThan(buggy.removalIndex);
  });
});
