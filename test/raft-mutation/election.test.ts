// Elections at their edges: campaigns that must not start (a leader, a learner), how campaigns are
// traced, which vote and pre-vote requests are granted (a follower that knows its leader, a pre-vote
// for the current term, a pre-vote never counts as a vote), and what a (pre-)candidate does with
// proposals, messages from a leader of its term, and a lost election.
// Found untested by mutation testing (test/raft/leadership.test.ts and paper.test.ts hold the main cases).
import { describe, expect, it } from 'vitest';
import { makeMessage } from '../../core/raft/messages.ts';
import type { Message, SnapshotMetadata } from '../../core/raft/types.ts';
import { NONE, logIndex, nodeId, term as toTerm } from '../../core/types.ts';
import { GROUP, RaftNetwork, brief, elect, internals, stepAt, text } from '../raft/network.ts';


describe('campaigns that do not start', () => {
  it('a leader asked to campaign stays leader in its term', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    const t = net.node(1).status().term;
    net.node(1).raw.campaign();
    expect(net.node(1).status()).toMatchObject({ role: 'leader', term: t });
    expect(internals(net.node(1).raw).takeMessages().filter((m) => m.type === 'vote')).toEqual([]);
  });

  it('a learner asked to campaign stays a follower in its term', () => {
    const net = new RaftNetwork([1, 2, 3], { learners: [3] });
    elect(net, 1);
    const t = net.node(3).status().term;
    net.node(3).raw.campaign();
    expect(net.node(3).status()).toMatchObject({ role: 'follower', term: t });
  });
});

describe('campaign traces', () => {
  it('an election is traced with its kind and term; a pre-election too', () => {
    const net = new RaftNetwork([1, 2, 3]);
    net.node(1).raw.campaign();
    expect(net.eventsOf('raft.campaign', 1).map((e) => e.fields)).toEqual([{ group: GROUP, term: 1, campaign: 'election' }]);
    const pre = new RaftNetwork([1, 2, 3], { config: { preVote: true } });
    pre.node(1).raw.campaign();
    expect(pre.eventsOf('raft.campaign', 1).map((e) => e.fields)).toEqual([{ group: GROUP, term: 1, campaign: 'preElection' }]);
    expect(internals(pre.node(1).raw).takeMessages().map((m) => [m.type, m.term])).toEqual([
      ['preVote', 2],
      ['preVote', 2],
    ]);
  });

  it('a campaign on TIMEOUT_NOW is not traced as an election, and its requests carry the transfer context', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    const t = net.node(2).status().term;
    const sent = stepAt(net, 2, 1, 'timeoutNow', t);
    expect(net.eventsOf('raft.campaign', 2)).toEqual([]);
    expect(net.node(2).status()).toMatchObject({ role: 'candidate', term: t + 1 });
    expect(sent.map((m) => [m.type, m.to, new TextDecoder().decode(m.context)])).toEqual([
      ['vote', 1, expect.any(String)],
      ['vote', 3, expect.any(String)],
    ]);
    expect(sent[0].context!.length).toBeGreaterThan(0);
  });
});

describe('granting votes', () => {
  /** Node 3 missed the election of node 1: it learns of the leader from a heartbeat, without voting. */
  function followerThatDidNotVote(): RaftNetwork {
    const net = new RaftNetwork([1, 2, 3]);
    net.isolate(3);
    elect(net, 1);
    net.heal();
    net.tickAll();
    net.stabilize();
    expect(net.node(3).status()).toMatchObject({ vote: NONE, lead: 1 });
    return net;
  }

  it('a follower that knows its leader refuses a vote in that term, though it voted for nobody', () => {
    const net = followerThatDidNotVote();
    const t = net.node(3).status().term;
    const last = net.node(3).status().lastIndex;
    expect(brief(stepAt(net, 3, 2, 'vote', t, { index: logIndex(last), logTerm: toTerm(t) }))).toEqual([['voteResp', 2, t, true]]);
  });

  it('grants a pre-vote for a future term but not for the current one, and a pre-vote is not a vote', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    const n2 = net.node(2);
    const t = n2.status().term;
    const last = n2.status().lastIndex;
    expect(n2.status().vote).toBe(1);
    expect(brief(stepAt(net, 2, 3, 'preVote', t + 1, { index: logIndex(last), logTerm: toTerm(t) }))).toEqual([['preVoteResp', 3, t + 1, false]]);
    expect(n2.status()).toMatchObject({ vote: 1, term: t });
    expect(net.eventsOf('raft.vote', 2).map((e) => e.fields.for)).toEqual([1]);
    expect(brief(stepAt(net, 2, 3, 'preVote', t, { index: logIndex(last), logTerm: toTerm(t) }))).toEqual([['preVoteResp', 3, t, true]]);
  });
});

describe('a candidate', () => {
  /** Node 2 campaigns alone (cut off), one term above leader 1. */
  function candidate(): { net: RaftNetwork; t: number } {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    net.isolate(2);
    net.node(2).raw.campaign();
    expect(net.node(2).status().role).toBe('candidate');
    return { net, t: net.node(2).status().term };
  }

  it('refuses proposals and reads, naming no leader', () => {
    const { net } = candidate();
    expect(net.node(2).raw.propose(text('x'))).toEqual({ code: 'notLeader', leader: NONE });
    expect(net.node(2).raw.readIndex(text('r'))).toEqual({ code: 'notLeader', leader: NONE });
  });

  it('follows a leader of its term that sends an append, a heartbeat or a snapshot chunk', () => {
    const snapshot: SnapshotMetadata = { index: logIndex(50), term: toTerm(1), confState: { voters: [nodeId(1), nodeId(2), nodeId(3)], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } };
    const messages: [Message['type'], Parameters<typeof makeMessage>[5]][] = [
      ['app', { index: logIndex(0), logTerm: toTerm(0) }],
      ['heartbeat', {}],
      ['snap', { index: snapshot.index, logTerm: snapshot.term, snapshot, chunk: { offset: 0, data: new Uint8Array(4), totalBytes: 8, last: false } }],
    ];
    for (const [type, fields] of messages) {
      const { net, t } = candidate();
      stepAt(net, 2, 3, type, t, fields);
      expect(net.node(2).status(), type).toMatchObject({ role: 'follower', term: t, lead: 3 });
      expect(net.eventsOf('raft.role', 2).at(-1)!.fields.event, type).toBe('LEADER_FOUND');
    }
  });

  it('that loses its election returns to follower in the same term, traced as ELECTION_LOST', () => {
    const { net, t } = candidate();
    stepAt(net, 2, 1, 'voteResp', t, { reject: true });
    expect(net.node(2).status().role).toBe('candidate');
    stepAt(net, 2, 3, 'voteResp', t, { reject: true });
    expect(net.node(2).status()).toMatchObject({ role: 'follower', term: t });
    expect(net.eventsOf('raft.role', 2).at(-1)!.fields).toMatchObject({ from: 'candidate', to: 'follower', event: 'ELECTION_LOST' });
  });

  it('ignores answers of the other kind (a pre-vote answer while a candidate)', () => {
    const { net, t } = candidate();
    stepAt(net, 2, 1, 'preVoteResp', t, {});
    stepAt(net, 2, 3, 'preVoteResp', t, {});
    expect(net.node(2).status().role).toBe('candidate');
  });
});
