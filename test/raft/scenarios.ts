// Scripted runs that put a cluster in the situation where one bug-zoo deviation misbehaves. Each
// returns what it observed, so a test can assert the correct outcome with the bug off and the
// misbehaviour with it on.
import type { RaftBugName } from '../../core/raft/bugs.ts';
import { makeMessage } from '../../core/raft/messages.ts';
import type { Message } from '../../core/raft/types.ts';
import { logIndex, nodeId, term } from '../../core/types.ts';
import { GROUP, RaftNetwork, elect, text } from './network.ts';
import type { NetworkOptions } from './network.ts';
import { expect } from 'vitest';

function withBug(bug: RaftBugName | undefined, config: NetworkOptions['config'] = {}): NetworkOptions['config'] {
  return { ...config, bugs: new Set(bug ? [bug] : []) };
}

/**
 * Figure 8 with five nodes. Returns node 1's commit index after step (c) and the entry each node
 * applied at index 3 ("index@term") at the end.
 */
export function figure8(bug?: 'commitPreviousTermByCounting'): { commitAfterC: number; appliedAt3: string[] } {
  const net = new RaftNetwork([1, 2, 3, 4, 5], { config: withBug(bug, { maxMsgBytes: 1 }) });
  // (a) S1 leads term 2 and replicates index 3 only to S2.
  elect(net, 1);
  net.partition([1, 2], [3, 4, 5]);
  net.propose(1, 'x');
  net.stabilize();
  // (b) S1 crashes; S5 leads term 3 with votes of S3, S4 and appends index 3 locally only.
  net.crash(1);
  net.heal();
  net.partition([2], [3, 4, 5]);
  net.dropIf = (m) => m.from === 5 && m.type === 'app' && m.entries.length > 0;
  elect(net, 5);
  net.processAll();
  // (c) S5 crashes; S1 restarts and leads term 4; index 3 (term 2) reaches S3 and S4, index 4 nobody.
  net.crash(5);
  net.restart(1);
  net.heal();
  net.dropIf = (m) => m.type === 'app' && m.entries.some((e) => e.index === 4) && net.node(m.to).status().lastIndex >= 3;
  elect(net, 1);
  net.stabilize();
  const commitAfterC = net.node(1).status().commit;
  // (d) S1 crashes; S5 restarts and leads term 5 with votes of S2, S3, S4, overwriting index 3.
  net.crash(1);
  net.restart(5);
  net.heal();
  elect(net, 5);
  net.stabilize();
  const appliedAt3 = [1, 2, 3, 4, 5]
    .map((id) => net.node(id).applied.find((e) => e.index === 3))
    .filter((e) => e !== undefined)
    .map((e) => `${e.index}@${e.term}`);
  return { commitAfterC, appliedAt3 };
}

/** "index@term:data" of what node `id` applied at `index`, if anything. */
function appliedAt(net: RaftNetwork, id: number, index: number): string | undefined {
  const e = net.node(id).applied.find((x) => x.index === index);
  return e && `${e.index}@${e.term}:${new TextDecoder().decode(e.data)}`;
}

/**
 * 'x' is committed at index 3 on nodes 1 and 2 while node 3 is cut off; node 1 dies and node 3 (stale
 * log) campaigns. Returns whether node 3 won and what nodes 2 and 3 applied at index 3.
 */
export function staleCandidate(bug?: 'voteWithoutLogCheck'): { staleWon: boolean; appliedAt3: Record<number, string | undefined> } {
  const net = new RaftNetwork([1, 2, 3], { config: withBug(bug) });
  elect(net, 1);
  net.isolate(3);
  net.propose(1, 'x');
  net.stabilize();
  net.crash(1);
  net.heal();
  net.campaign(3);
  const staleWon = net.node(3).status().role === 'leader';
  net.run(30);
  return { staleWon, appliedAt3: { 2: appliedAt(net, 2, 3), 3: appliedAt(net, 3, 3) } };
}

/**
 * Node 2 acknowledges entries up to 5 (but has not learned they committed); then a stale, duplicated
 * append (covering index 3 only) arrives. Returns node 2's acknowledged and final last index.
 */
export function staleAppend(bug?: 'followerTruncatesWithoutConflict'): { acked: number; lastAfter: number; leaderCommit: number } {
  const net = new RaftNetwork([1, 2, 3], { config: withBug(bug, { maxMsgBytes: 1 }) });
  elect(net, 1);
  net.isolate(3);
  net.propose(1, 'a');
  net.stabilize();
  net.dropIf = (m) => m.to === 2 && m.commit >= 4;
  net.propose(1, 'b');
  net.propose(1, 'c');
  net.processAll();
  const stale = net.inflight.filter((m) => m.type === 'app' && m.to === 2 && m.entries[0]?.index === 4);
  net.stabilize();
  const acked = net.node(1).status().progress!.find((p) => p.id === 2)!.match;
  net.stepMessages(stale); // the network duplicated and delayed the first append
  net.processAll();
  return { acked, lastAfter: net.node(2).status().lastIndex, leaderCommit: net.node(1).status().commit };
}

/**
 * Node 3 ends up a candidate of a higher term (a leadership transfer to it failed halfway) while node
 * 1 keeps leading the old term. After the partition heals, returns whether node 3 found a leader.
 */
export function higherTermStuck(bug?: 'preVoteCheckQuorumStall'): { rejoined: boolean; term3: number; term1: number } {
  const net = new RaftNetwork([1, 2, 3], { config: withBug(bug, { preVote: true, checkQuorum: true }) });
  net.run(30); // a leader is elected by timeouts
  const leader = net.leader().id;
  const other = [1, 2, 3].find((id) => id !== leader && id !== 3)!;
  // Transfer to 3; its vote requests are lost, and the transfer is aborted.
  net.node(leader).raw.transferLeader(nodeId(3));
  net.processAll();
  net.deliver(); // timeoutNow reaches 3
  net.isolate(3);
  net.processAll();
  net.deliver();
  net.run(15); // 3 stays a candidate of a higher term; the leader aborts the transfer and goes on
  net.heal();
  net.run(60);
  const s3 = net.node(3).status();
  return { rejoined: s3.lead !== 0 && net.leaders().length === 1, term3: s3.term, term1: net.node(other).status().term };
}

/**
 * Node 1 commits 'x' at index 3 on nodes 1 and 2, but node 2 never learns that commit; node 1 dies,
 * node 2 becomes leader and is asked for a read before it commits anything. Returns the read
 * indexes node 2 answered while its no-op could not commit, and after.
 */
export function newLeaderRead(bug?: 'readIndexBeforeTermCommit'): { xIndex: number; readsBeforeNoop: number[]; readsAfter: number[] } {
  const net = new RaftNetwork([1, 2, 3], { config: withBug(bug) });
  elect(net, 1);
  net.isolate(3);
  net.dropIf = (m) => m.from === 1 && m.to === 2 && m.commit >= 3;
  net.propose(1, 'x');
  net.stabilize();
  const xIndex = net.node(1).applied.find((e) => new TextDecoder().decode(e.data) === 'x')!.index;
  net.crash(1);
  net.heal();
  net.dropIf = (m) => m.from === 2 && m.type === 'app'; // the new leader's no-op goes nowhere yet
  elect(net, 2);
  net.node(2).raw.readIndex(text('read-1'));
  net.stabilize();
  const readsBeforeNoop = net.node(2).readStates.map((r) => r.index as number);
  net.heal();
  net.run(2);
  return { xIndex, readsBeforeNoop, readsAfter: net.node(2).readStates.map((r) => r.index as number) };
}

/**
 * Lease reads with a follower clock that runs fast: nodes 2 and 3 tick 10 times while the old leader
 * (cut off) ticks 8. Returns the commit index of the new leader and the read indexes the old leader
 * answered from its lease meanwhile.
 */
export function driftingLease(bug?: 'leaseIgnoresClockDrift'): { newLeaderCommit: number; oldLeaderReads: number[]; newLeader: number } {
  const net = new RaftNetwork([1, 2, 3], {
    config: withBug(bug, { checkQuorum: true, readOnlyOption: 'leaseBased', leaseDriftTicksMax: 2, electionTicks: 10 }),
  });
  net.run(12); // let the startup lease guard pass
  elect(net, 1);
  net.tickAll(); // a heartbeat round acknowledged by both followers starts a fresh lease
  net.stabilize();
  net.isolate(1);
  for (let i = 0; i < 8; i++) {
    net.tick(1);
    net.tick(2, 1);
    net.tick(3, 1);
  }
  net.tick(2, 2);
  net.tick(3, 2); // followers ticked 10 times: they may elect a new leader now
  for (let i = 0; i < 20 && net.leaders().filter((id) => id !== 1).length === 0; i++) {
    net.tick(2);
    net.tick(3);
    net.stabilize();
  }
  const newLeader = net.leaders().find((id) => id !== 1) ?? 0;
  if (newLeader) {
    net.propose(newLeader, 'fresh');
    net.stabilize();
  }
  net.node(1).raw.readIndex(text('lease-read'));
  net.processAll();
  return {
    newLeader,
    newLeaderCommit: newLeader ? net.node(newLeader).status().commit : 0,
    oldLeaderReads: net.node(1).readStates.map((r) => r.index as number),
  };
}

/** The leader removes itself. Returns who leads afterwards and whether node 1 still takes proposals. */
export function leaderRemovesItself(bug?: 'removedLeaderKeepsLeading'): { leaders: number[]; proposalOn1: string | null; voters: number[] } {
  const net = new RaftNetwork([1, 2, 3], { config: withBug(bug) });
  elect(net, 1);
  net.node(1).raw.proposeConfChange({ changes: [{ type: 'removeNode', nodeId: nodeId(1) }] });
  net.stabilize();
  net.run(40);
  const error = net.propose(1, 'after-removal');
  return { leaders: net.leaders(), proposalOn1: error === null ? null : error.code, voters: [...net.node(2).status().confState.voters] };
}

/**
 * Two membership changes in flight (add 4, add 5); node 2 never learns they committed. Then the
 * network splits {2, 3} | {1, 4, 5} and nodes 2 and 4 campaign. Returns the second proposal's result
 * and the leaders per term.
 */
export function concurrentChanges(bug?: 'concurrentConfChanges'): { secondProposal: string | null; leadersByTerm: Record<number, number[]> } {
  const net = new RaftNetwork([1, 2, 3, 4, 5], { joiners: [4, 5], config: withBug(bug) });
  elect(net, 1);
  net.isolate(3);
  net.dropIf = (m) => m.to === 2 && m.commit >= 3;
  net.node(1).raw.proposeConfChange({ changes: [{ type: 'addVoter', nodeId: nodeId(4) }] });
  const second = net.node(1).raw.proposeConfChange({ changes: [{ type: 'addVoter', nodeId: nodeId(5) }] });
  net.stabilize();
  net.heal();
  net.partition([2, 3], [1, 4, 5]);
  net.campaign(2);
  net.campaign(4);
  const leadersByTerm: Record<number, number[]> = {};
  for (const id of net.leaders()) (leadersByTerm[net.node(id).status().term] ??= []).push(id);
  return { secondProposal: second === null ? null : second.code, leadersByTerm };
}

/**
 * Node 2 acknowledged entries up to 8 but knows only commit 2, when a delayed snapshot message of
 * index 5 arrives. Returns node 2's last index and commit afterwards.
 */
export function delayedSnapshot(bug?: 'snapshotDropsLaterEntries'): { acked: number; lastAfter: number; commitAfter: number } {
  const net = new RaftNetwork([1, 2, 3], { config: withBug(bug) });
  elect(net, 1);
  net.dropIf = (m) => m.to === 2 && m.commit > 2;
  for (const x of ['a', 'b', 'c', 'd', 'e', 'f']) net.propose(1, x);
  net.stabilize();
  const acked = net.node(1).status().progress!.find((p) => p.id === 2)!.match;
  const leaderTerm = net.node(1).status().term;
  const snap: Message = makeMessage('snap', GROUP, nodeId(1), nodeId(2), leaderTerm, {
    index: 5,
    logTerm: leaderTerm,
    snapshot: { index: logIndex(5), term: term(leaderTerm), confState: net.node(1).status().confState },
    chunk: { offset: 0, data: text('state at 5'), totalBytes: 10, last: true },
  });
  net.heal();
  net.node(2).raw.step(snap);
  net.processAll();
  const s = net.node(2).status();
  return { acked, lastAfter: s.lastIndex, commitAfter: s.commit };
}

/**
 * Issue 17: voters [1, 2]; leader 1 removes itself and hands over with timeoutNow, which overtakes the
 * append carrying the commit of the removal, so node 2 campaigns in the old configuration [1, 2] and
 * wins with node 1's vote; node 1 stores node 2's no-op, and node 2 crashes before persisting it. Node
 * 2 restarts with a shorter log than node 1 and without knowing the removal is committed. Returns the
 * leaders after `ticks` more ticks, node 2's commit and configuration then, and what node 1 first
 * answered to node 2's pre-vote.
 */
export function removedLeaderHandOff(bug?: 'voteRefusalHidesCommit', ticks = 100): { leaders: number[]; commit2: number; voters2: number[]; removalIndex: number; firstRefusal: Message | undefined } {
  const net = new RaftNetwork([1, 2], { config: withBug(bug, { preVote: true, checkQuorum: true }) });
  elect(net, 1);
  expect(net.node(1).raw.proposeConfChange({ changes: [{ type: 'removeNode', nodeId: nodeId(1) }] })).toBeNull();
  const removalIndex = net.node(1).status().lastIndex;
  // Every append or heartbeat that would tell node 2 the removal is committed is lost.
  net.dropIf = (m) => m.from === 1 && m.to === 2 && (m.type === 'app' || m.type === 'heartbeat') && m.commit >= removalIndex;
  // Run until node 2 wins, and stop before it processes its first Ready as leader.
  for (let round = 0; round < 100 && net.node(2).status().role !== 'leader'; round++) {
    net.processAll();
    net.deliver();
  }
  expect(net.node(1).status().role).toBe('follower'); // stepped down and sent timeoutNow
  expect(net.node(2).status().commit).toBeLessThan(removalIndex);
  expect(net.leaders()).toEqual([nodeId(2)]); // won in [1, 2] with node 1's vote; its no-op is unstable
  // Node 2's first Ready as leader: its append (with the no-op) leaves before its disk write, then it crashes.
  net.dropIf = undefined;
  const rd = net.node(2).raw.ready();
  expect(rd.entries.map((e) => e.index)).toEqual([removalIndex + 1]);
  net.stepMessages(rd.messages);
  net.crash(2);
  net.processAll();
  net.inflight = [];
  expect(net.node(1).status().lastIndex).toBe(removalIndex + 1);
  net.restart(2);
  let firstRefusal: Message | undefined;
  net.onDeliver = (m) => {
    if (firstRefusal === undefined && m.from === 1 && m.type === 'preVoteResp' && m.reject) firstRefusal = m;
  };
  net.run(ticks);
  const s2 = net.node(2).status();
  return { leaders: net.leaders().map(Number), commit2: s2.commit, voters2: s2.confState.voters.map(Number), removalIndex, firstRefusal };
}
