// The Raft node around its roles: the hard state and applied index it restarts from (refusing
// impossible ones), the startup lease guard of a restarted node, answers to messages of an older term,
// vote requests while a leader is in lease, the heartbeat cadence, a leader that steps down on
// check-quorum, and the traces of a campaign. Found untested by mutation testing.
import { describe, expect, it } from 'vitest';
import type { Message } from '../../core/raft/types.ts';
import { NONE, logIndex, term as toTerm } from '../../core/types.ts';
import { GROUP, RaftNetwork, brief, elect, internals, stepAt } from '../raft/network.ts';


describe('restarting from storage', () => {
  it('keeps the term, vote and commit index of its hard state', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    net.propose(1, 'x');
    net.stabilize();
    const before = net.node(2).status();
    expect(before.term).toBeGreaterThan(0);
    net.restart(2);
    expect(net.node(2).status()).toMatchObject({ term: before.term, vote: before.vote, commit: before.commit });
  });

  it('keeps a term with no vote', () => {
    const net = new RaftNetwork([1, 2, 3]);
    const n = net.node(3);
    n.storage.setHardState({ term: toTerm(4), vote: NONE, commit: logIndex(1) });
    net.restart(3);
    expect(n.status()).toMatchObject({ term: 4, vote: 0, commit: 1 });
  });

  it('refuses a hard state whose commit index lies outside its log', () => {
    const net = new RaftNetwork([1, 2, 3]);
    const n = net.node(3);
    n.storage.setHardState({ term: toTerm(2), vote: NONE, commit: logIndex(5) });
    expect(() => net.restart(3)).toThrow('hard state commit 5 outside [1, 1]');
    n.storage.setHardState({ term: toTerm(2), vote: NONE, commit: logIndex(0) });
    expect(() => net.restart(3)).toThrow('hard state commit 0 outside [1, 1]');
  });

  it('refuses an applied index beyond the commit index', () => {
    const net = new RaftNetwork([1, 2, 3]);
    const n = net.node(3);
    n.lastApplied = 2;
    expect(() => net.restart(3)).toThrow('config.applied 2 beyond commit 1');
  });
});

describe('the startup lease guard (lease-based reads)', () => {
  const config = { checkQuorum: true, readOnlyOption: 'leaseBased' as const };

  it('a restarted node ignores vote requests of a higher term for one election timeout', () => {
    const net = new RaftNetwork([1, 2, 3], { config });
    net.restart(3);
    const t = net.node(3).status().term;
    expect(stepAt(net, 3, 2, 'vote', t + 1, { index: logIndex(5), logTerm: toTerm(t + 1) })).toEqual([]);
    expect(net.node(3).status().term).toBe(t);
    // An election timeout later the guard is gone: even right after campaigning (its election clock
    // restarted, no leader known) it answers a newer candidate.
    for (let i = 0; i < 10; i++) net.node(3).raw.tick();
    net.node(3).raw.campaign();
    const now = net.node(3).status().term;
    const answer = stepAt(net, 3, 2, 'vote', now + 1, { index: logIndex(5), logTerm: toTerm(now + 1) });
    expect(brief(answer)).toEqual([['voteResp', 2, now + 1, false]]);
  });

  it('with safe reads there is no guard: the vote is answered at once', () => {
    const net = new RaftNetwork([1, 2, 3], { config: { ...config, readOnlyOption: 'safe' } });
    net.restart(3);
    const t = net.node(3).status().term;
    expect(brief(stepAt(net, 3, 2, 'vote', t + 1, { index: logIndex(5), logTerm: toTerm(t + 1) }))).toEqual([['voteResp', 2, t + 1, false]]);
  });
});

describe('vote requests while a leader is in lease (check-quorum)', () => {
  it('are ignored by a follower that heard from its leader, and answered without check-quorum', () => {
    for (const checkQuorum of [true, false]) {
      const net = new RaftNetwork([1, 2, 3], { config: { checkQuorum } });
      elect(net, 1);
      net.stabilize();
      const t = net.node(2).status().term;
      const answer = stepAt(net, 2, 3, 'vote', t + 1, { index: logIndex(10), logTerm: toTerm(t) });
      expect(brief(answer), `checkQuorum ${checkQuorum}`).toEqual(checkQuorum ? [] : [['voteResp', 3, t + 1, false]]);
      expect(net.node(2).status().term).toBe(checkQuorum ? t : t + 1);
    }
  });
});

describe('messages of an older term', () => {
  /** Node 2 at a term above the leader's, as after a partition. */
  function ahead(config: { checkQuorum?: boolean; preVote?: boolean }): { net: RaftNetwork; t: number } {
    const net = new RaftNetwork([1, 2, 3], { config });
    elect(net, 1);
    net.stabilize();
    const t = net.node(1).status().term;
    net.node(2).storage.setHardState({ term: toTerm(t + 3), vote: NONE, commit: net.node(2).status().commit });
    net.restart(2);
    return { net, t };
  }

  it('with check-quorum, a stale append or heartbeat is answered with the newer term', () => {
    const { net, t } = ahead({ checkQuorum: true });
    expect(brief(stepAt(net, 2, 1, 'app', t))).toEqual([['appResp', 1, t + 3, false]]);
    expect(brief(stepAt(net, 2, 1, 'heartbeat', t))).toEqual([['appResp', 1, t + 3, false]]);
    expect(stepAt(net, 2, 1, 'heartbeatResp', t)).toEqual([]);
  });

  it('with pre-vote too; without either, a stale append is dropped silently', () => {
    const { net, t } = ahead({ preVote: true });
    expect(brief(stepAt(net, 2, 1, 'app', t))).toEqual([['appResp', 1, t + 3, false]]);
    const plain = ahead({});
    expect(stepAt(plain.net, 2, 1, 'app', plain.t)).toEqual([]);
  });

  it('a stale pre-vote is rejected with the newer term, other stale messages are dropped', () => {
    const { net, t } = ahead({});
    expect(brief(stepAt(net, 2, 3, 'preVote', t))).toEqual([['preVoteResp', 3, t + 3, true]]);
    expect(stepAt(net, 2, 3, 'vote', t)).toEqual([]);
  });
});

describe('leader ticks', () => {
  it('heartbeats every heartbeatTicks ticks', () => {
    const net = new RaftNetwork([1, 2, 3], { config: { heartbeatTicks: 3 } });
    elect(net, 1);
    net.stabilize();
    const raft = internals(net.node(1).raw);
    const beats: number[] = [];
    raft.takeMessages();
    for (let i = 0; i < 6; i++) {
      net.node(1).raw.tick();
      beats.push(raft.takeMessages().filter((m) => m.type === 'heartbeat').length);
    }
    expect(beats).toEqual([0, 0, 2, 0, 0, 2]);
  });

  it('a leader that steps down on check-quorum sends no heartbeat in that tick', () => {
    const net = new RaftNetwork([1, 2, 3], { config: { checkQuorum: true } });
    elect(net, 1);
    net.stabilize();
    net.isolate(1);
    const raft = internals(net.node(1).raw);
    let sent: Message[] = [];
    for (let i = 0; i < 30 && raft.role === 'leader'; i++) {
      raft.takeMessages();
      net.node(1).raw.tick();
      sent = raft.takeMessages();
    }
    expect(raft.role).toBe('follower');
    expect(sent.filter((m) => m.type === 'heartbeat')).toEqual([]);
  });
});

describe('campaign traces and quiet followers', () => {
  it('a candidate traces its vote for itself in its new term', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    const t = net.node(1).status().term;
    expect(net.eventsOf('raft.vote', 1).map((e) => e.fields).at(-1)).toEqual({ group: GROUP, term: t, for: 1 });
  });

  it('followers never campaign while their leader is healthy', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    for (let i = 0; i < 3; i++) {
      net.propose(1, `x${i}`);
      net.stabilize();
    }
    for (const id of [2, 3]) expect(net.eventsOf('raft.role', id).map((e) => e.fields.to)).not.toContain('candidate');
    expect(net.node(1).status().role).toBe('leader');
  });
});
