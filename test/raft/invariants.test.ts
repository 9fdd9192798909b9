// Issue 17 §3: every step, tick and advance ends with invariants() (core/raft/invariants.ts), so a
// state that must never occur stops the node at the input that produced it.
import { describe, expect, it } from 'vitest';
import { AssertionFailure, NONE, nodeId } from '../../core/types.ts';
import { RaftNetwork, elect, internals } from './network.ts';

function leaderNet(): RaftNetwork {
  const net = new RaftNetwork([1, 2, 3]);
  elect(net, 1);
  net.propose(1, 'x');
  net.stabilize();
  return net;
}

describe('Raft invariants after every input', () => {
  it('hold through elections, replication and ticks of a healthy cluster', () => {
    const net = leaderNet();
    expect(() => net.run(50)).not.toThrow();
  });

  it('a commit index that went back is caught at the next tick', () => {
    const net = leaderNet();
    const raft = internals(net.node(2).raw);
    expect(raft.log.committed).toBeGreaterThan(1);
    raft.log.committed = 1;
    raft.log.applying = 1;
    raft.log.applied = 1;
    expect(() => net.node(2).raw.tick()).toThrow(/commit regressed/);
  });

  it('a commit beyond the last index is caught at the next step', () => {
    const net = leaderNet();
    const raft = internals(net.node(3).raw);
    raft.log.committed = raft.log.lastIndex() + 1;
    expect(() => net.node(3).raw.campaign()).toThrow(AssertionFailure);
  });

  it('a follower that names itself leader is caught', () => {
    const net = leaderNet();
    const raft = internals(net.node(2).raw);
    raft.lead = nodeId(2);
    raft.termLeader = nodeId(2);
    expect(() => net.node(2).raw.tick()).toThrow(/names itself leader/);
  });

  it("a leader's progress with match beyond its log is caught at the next input", () => {
    const net = leaderNet();
    const raft = internals(net.node(1).raw);
    raft.trk.progress.get(nodeId(2))!.match = raft.log.lastIndex() + 3;
    raft.trk.progress.get(nodeId(2))!.next = raft.log.lastIndex() + 4;
    expect(() => net.propose(1, 'y')).toThrow(/progress of 2 has match/);
  });

  it('a term that went back is caught', () => {
    const net = leaderNet();
    const raft = internals(net.node(3).raw);
    raft.term -= 1;
    raft.vote = NONE;
    expect(() => net.node(3).raw.tick()).toThrow(/term regressed/);
  });
});
