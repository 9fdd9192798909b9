// Issue 17 §1: a two-voter group whose leader removed itself must not deadlock when the handed-over
// node campaigned in the old configuration and then lost its no-op in a crash. The refused pre-vote
// carries the refuser's commit point, and the candidate learns that its removal entry is committed.
import { describe, expect, it } from 'vitest';
import { makeMessage } from '../../core/raft/messages.ts';
import { nodeId } from '../../core/types.ts';
import { GROUP, RaftNetwork, elect, internals, stepAt } from './network.ts';
import { removedLeaderHandOff } from './scenarios.ts';

describe('two voters, the leader removes itself, the new leader loses its no-op', () => {
  it('node 1 refuses the pre-vote with its commit point, node 2 applies the removal and elects itself', () => {
    const r = removedLeaderHandOff();
    expect(r.firstRefusal).toBeDefined();
    expect(r.firstRefusal!.commit).toBe(r.removalIndex);
    expect(r.leaders).toEqual([2]);
    expect(r.voters2).toEqual([2]);
    expect(r.commit2).toBeGreaterThan(r.removalIndex); // its own term's entry committed alone
  });

  it('with the refusal ignored (the old behaviour) no leader ever emerges', () => {
    const r = removedLeaderHandOff('voteRefusalHidesCommit', 300);
    expect(r.leaders).toEqual([]);
    expect(r.voters2).toEqual([1, 2]);
  });
});

describe('learning the commit point from a refused vote', () => {
  function twoLogs(): RaftNetwork {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    for (const v of ['a', 'b']) net.propose(1, v);
    net.stabilize();
    return net;
  }

  it('a refusal carries the refuser\'s commit index and the term of that entry', () => {
    const net = twoLogs();
    const s3 = net.node(3).status();
    const answer = stepAt(net, 3, 2, 'vote', s3.term + 1, { index: 1, logTerm: 1 });
    expect(answer).toHaveLength(1);
    expect(answer[0].reject).toBe(true);
    expect(answer[0].commit).toBe(s3.commit);
    expect(answer[0].logTerm).toBe(internals(net.node(3).raw).log.term(s3.commit));
  });

  it('commits up to the point only when its own entry there has the same term', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    // Node 2 gets the entries but never hears that they committed.
    net.dropIf = (m) => m.to === 2 && (m.type === 'heartbeat' || (m.type === 'app' && m.entries.length === 0));
    for (const v of ['a', 'b']) net.propose(1, v);
    net.stabilize();
    const raft = internals(net.node(2).raw);
    const committed = raft.log.committed;
    const last = raft.log.lastIndex();
    expect(net.node(1).status().commit).toBe(last);
    expect(committed).toBeLessThan(last);
    const t = raft.log.term(last)!;
    const refusal = (atTerm: number, commit: number, logTerm: number) => makeMessage('preVoteResp', GROUP, nodeId(3), nodeId(2), atTerm, { reject: true, commit, logTerm });
    net.node(2).raw.step(refusal(raft.term, last, t + 1));
    expect(raft.log.committed).toBe(committed); // another term at that index: nothing learned
    net.node(2).raw.step(refusal(raft.term, last + 5, t));
    expect(raft.log.committed).toBe(committed); // beyond our log: nothing learned
    net.node(2).raw.step(refusal(raft.term - 1, last, t));
    expect(raft.log.committed).toBe(last); // matching entry, even from an older term
  });
});
