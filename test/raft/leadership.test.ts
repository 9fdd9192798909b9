// Check-quorum, pre-vote, leadership transfer and removing the leader.
import { describe, expect, it } from 'vitest';
import { NONE, nodeId } from '../../core/types.ts';
import { RaftNetwork, elect } from './network.ts';

describe('check-quorum', () => {
  it('a leader that hears from no quorum for an election timeout steps down', () => {
    const net = new RaftNetwork([1, 2, 3], { config: { checkQuorum: true } });
    net.run(25);
    const leader = net.leader().id;
    net.isolate(leader);
    net.tick(leader, 9);
    expect(net.node(leader).status().role).toBe('leader');
    net.tick(leader, 12);
    expect(net.node(leader).status().role).toBe('follower');
    expect(net.eventsOf('raft.stepDown', leader).at(-1)?.fields.reason).toBe('checkQuorum');
  });

  it('without check-quorum an isolated leader keeps believing it leads', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    net.isolate(1);
    net.tick(1, 50);
    expect(net.node(1).status().role).toBe('leader');
  });

  it('a follower in lease ignores a vote request from a disruptive node', () => {
    const net = new RaftNetwork([1, 2, 3], { config: { checkQuorum: true } });
    net.run(25);
    const leader = net.leader().id;
    const term = net.node(leader).status().term;
    const disruptor = [1, 2, 3].find((id) => id !== leader)!;
    net.node(disruptor).raw.campaign(); // forced, without pre-vote
    net.stabilize();
    expect(net.node(leader).status()).toMatchObject({ role: 'leader', term });
    expect(net.leaders()).toEqual([leader]);
  });
});

describe('pre-vote', () => {
  it('a partitioned node does not raise its term, so rejoining does not disturb the stable leader', () => {
    const net = new RaftNetwork([1, 2, 3], { config: { preVote: true } });
    elect(net, 1);
    const term = net.node(1).status().term;
    net.isolate(3);
    net.run(100);
    expect(net.node(3).status().term).toBe(term);
    expect(net.node(3).status().role).toBe('preCandidate');
    net.heal();
    net.run(10);
    expect(net.leader().id).toBe(1);
    expect(net.node(1).status().term).toBe(term);
    expect(net.node(3).status()).toMatchObject({ role: 'follower', lead: 1, term });
  });

  it('without pre-vote the same partition forces a new election when it heals', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    const term = net.node(1).status().term;
    net.isolate(3);
    net.run(100);
    expect(net.node(3).status().term).toBeGreaterThan(term);
    net.heal();
    net.run(40);
    expect(net.node(1).status().term).toBeGreaterThan(term);
  });

  it('a pre-candidate wins the pre-vote and then the real election', () => {
    const net = new RaftNetwork([1, 2, 3], { config: { preVote: true } });
    net.campaign(2);
    expect(net.leader().id).toBe(2);
    const roles = net.eventsOf('raft.role', 2).map((e) => `${e.fields.from}->${e.fields.to}:${e.fields.event}`);
    expect(roles).toEqual(['follower->preCandidate:TIMEOUT', 'preCandidate->candidate:PRE_VOTE_WON', 'candidate->leader:VOTE_WON']);
  });

  it('a pre-candidate with a stale log loses and goes back to follower without a term change', () => {
    const net = new RaftNetwork([1, 2, 3], { config: { preVote: true } });
    elect(net, 1);
    net.isolate(3);
    net.propose(1, 'x');
    net.stabilize();
    net.heal();
    const term = net.node(3).status().term;
    net.campaign(3);
    expect(net.node(3).status()).toMatchObject({ role: 'follower', term });
    expect(net.eventsOf('raft.role', 3).map((e) => e.fields.event).slice(-2)).toEqual(['TIMEOUT', 'ELECTION_LOST']);
    expect(net.leader().id).toBe(1);
  });
});

describe('leadership transfer', () => {
  it('transfers to a caught-up follower with timeoutNow', () => {
    const net = new RaftNetwork([1, 2, 3], { config: { preVote: true, checkQuorum: true } });
    net.run(25);
    const from = net.leader().id;
    const to = from === 3 ? 2 : 3;
    net.node(from).raw.transferLeader(nodeId(to));
    net.stabilize();
    expect(net.leader().id).toBe(to);
    expect(net.eventsOf('raft.transfer', from).map((e) => e.fields.event)).toEqual(['start', 'timeoutNow']);
  });

  it('a follower forwards the transfer request to the leader', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    net.node(3).raw.transferLeader(nodeId(3));
    net.stabilize();
    expect(net.leader().id).toBe(3);
  });

  it('catches a lagging target up first and drops proposals meanwhile', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    net.isolate(3);
    net.propose(1, 'a');
    net.stabilize();
    net.heal();
    net.node(1).raw.transferLeader(nodeId(3));
    expect(net.node(1).status().leadTransferee).toBe(3);
    expect(net.propose(1, 'during')).toEqual({ code: 'proposalDropped', reason: 'leadership transfer to 3 in progress' });
    net.stabilize();
    expect(net.leader().id).toBe(3);
    expect(net.node(3).appliedData()).toEqual(['a']);
  });

  it('is abandoned after an election timeout when the target does not answer', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    net.isolate(3);
    net.propose(1, 'a');
    net.stabilize();
    net.node(1).raw.transferLeader(nodeId(3));
    net.stabilize();
    net.tick(1, 10);
    net.stabilize();
    expect(net.node(1).status()).toMatchObject({ role: 'leader', leadTransferee: NONE });
    expect(net.propose(1, 'after')).toBeNull();
    expect(net.eventsOf('raft.transfer', 1).map((e) => e.fields.event)).toEqual(['start', 'abort']);
  });

  it('ignores a transfer to a learner or a non-member', () => {
    const net = new RaftNetwork([1, 2, 3, 4], { learners: [4] });
    elect(net, 1);
    net.node(1).raw.transferLeader(nodeId(4));
    net.node(1).raw.transferLeader(nodeId(9));
    net.stabilize();
    expect(net.node(1).status()).toMatchObject({ role: 'leader', leadTransferee: NONE });
  });
});

describe('removing the leader', () => {
  it('the removed leader steps down once the change applies, hands over, and never campaigns again', () => {
    const net = new RaftNetwork([1, 2, 3], { config: { preVote: true, checkQuorum: true } });
    net.run(25);
    const old = net.leader().id;
    expect(net.node(old).raw.proposeConfChange({ changes: [{ type: 'removeNode', nodeId: old }] })).toBeNull();
    net.stabilize();
    expect(net.node(old).status().role).toBe('follower');
    const leaders = net.leaders();
    expect(leaders).toHaveLength(1); // handed over with timeoutNow, no election timeout needed
    expect(leaders[0]).not.toBe(old);
    const term = net.node(leaders[0]).status().term;
    net.events.length = 0;
    net.isolate(old);
    net.run(100);
    expect(net.node(old).status().role).toBe('follower');
    expect(net.node(old).status().term).toBeLessThanOrEqual(term);
    expect(net.eventsOf('raft.campaign', old)).toEqual([]);
  });
});
