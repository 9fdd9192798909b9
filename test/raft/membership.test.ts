// Membership changes: single-server changes one at a time, joint consensus, learners.
import { describe, expect, it } from 'vitest';
import { makeMessage } from '../../core/raft/messages.ts';
import { logIndex, nodeId, term } from '../../core/types.ts';
import { GROUP, RaftNetwork, addLearner, addVoter, change, elect, removeNode as remove, setLog, text } from './network.ts';


describe('single-server changes', () => {
  it('adds a voter that starts empty; the new majority counts it', () => {
    const net = new RaftNetwork([1, 2, 3, 4], { joiners: [4] });
    elect(net, 1);
    change(net, 1, { changes: [addVoter(4)] });
    net.run(3);
    for (const id of [1, 2, 3, 4]) expect(net.node(id).status().confState.voters).toEqual([1, 2, 3, 4]);
    // Four voters: two are no longer a majority.
    net.partition([1, 2], [3, 4]);
    net.propose(1, 'x');
    net.stabilize();
    expect(net.node(1).appliedData()).toEqual([]);
    net.heal();
    net.run(2);
    expect(net.node(4).appliedData()).toEqual(['x']);
  });

  it('refuses a second change while the first is not applied, and accepts it afterwards', () => {
    const net = new RaftNetwork([1, 2, 3, 4, 5], { joiners: [4, 5] });
    elect(net, 1);
    expect(net.node(1).raw.proposeConfChange({ changes: [addVoter(4)] })).toBeNull();
    expect(net.node(1).raw.proposeConfChange({ changes: [addVoter(5)] })).toMatchObject({
      code: 'proposalDropped',
      reason: expect.stringMatching(/not applied yet/),
    });
    net.stabilize();
    expect(net.node(1).raw.proposeConfChange({ changes: [addVoter(5)] })).toBeNull();
    net.stabilize();
    expect(net.node(1).status().confState.voters).toEqual([1, 2, 3, 4, 5]);
  });

  it('a new leader accepts no change before applying everything in its log at election', () => {
    const net = new RaftNetwork([1, 2, 3]);
    for (const id of [1, 2, 3]) setLog(net, id, [1, 1], 1); // entries 2 and 3, not known committed
    net.node(1).raw.campaign();
    net.processAll(); // votes out, nothing applied yet
    net.deliver();
    net.processAll();
    net.deliver(); // votes in: node 1 leads but has not applied its no-op
    expect(net.node(1).status().role).toBe('leader');
    expect(net.node(1).raw.proposeConfChange({ changes: [remove(3)] })).toMatchObject({ code: 'proposalDropped' });
    net.stabilize();
    expect(net.node(1).raw.proposeConfChange({ changes: [remove(3)] })).toBeNull();
  });

  it('refuses changes that would remove every voter', () => {
    const net = new RaftNetwork([1]);
    elect(net, 1);
    expect(net.node(1).raw.proposeConfChange({ changes: [remove(1)] })).toMatchObject({ reason: expect.stringMatching(/every voter/) });
  });

  it('a removed follower gets no more entries and cannot campaign', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    change(net, 1, { changes: [remove(3)] });
    net.propose(1, 'after');
    net.stabilize();
    expect(net.node(3).appliedData()).toEqual([]);
    net.tick(3, 50);
    net.processAll();
    expect(net.node(3).status().role).toBe('follower');
    expect(net.inflight.filter((m) => m.from === 3 && m.type === 'vote')).toEqual([]);
  });

  it('a forwarded batch keeps its normal entries when its membership change is invalid', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    const t = net.node(1).status().term;
    const bad = { term: term(0), index: logIndex(0), type: 'confChange' as const, data: new Uint8Array([0x40]) };
    const good = { term: term(0), index: logIndex(0), type: 'normal' as const, data: text('kept') };
    net.node(1).raw.step(makeMessage('prop', GROUP, nodeId(2), nodeId(1), 0, { entries: [bad, good] }));
    net.stabilize();
    const tail = net.node(3).log().slice(-2);
    expect(tail.map((e) => [e.type, e.data.length, e.term])).toEqual([
      ['normal', 0, t],
      ['normal', 4, t],
    ]);
  });
});

describe('joint consensus', () => {
  it('replaces a voter through C_old,new and leaves it automatically', () => {
    const net = new RaftNetwork([1, 2, 3, 4], { joiners: [4] });
    elect(net, 1);
    change(net, 1, { changes: [addVoter(4), remove(3)] });
    net.run(3);
    const confs = net.node(1).confHistory.map((c) => [c.voters, c.votersOutgoing]);
    expect(confs).toEqual([
      [
        [1, 2, 4],
        [1, 2, 3],
      ],
      [[1, 2, 4], []],
    ]);
    for (const id of [1, 2, 4]) expect(net.node(id).status().confState).toMatchObject({ voters: [1, 2, 4], votersOutgoing: [], autoLeave: false });
  });

  it('with the explicit transition stays joint until asked to leave, and refuses other changes meanwhile', () => {
    const net = new RaftNetwork([1, 2, 3, 4], { joiners: [4] });
    elect(net, 1);
    change(net, 1, { changes: [addVoter(4)], transition: 'explicit' });
    net.run(3);
    expect(net.node(2).status().confState).toMatchObject({ voters: [1, 2, 3, 4], votersOutgoing: [1, 2, 3], autoLeave: false });
    expect(net.node(1).raw.proposeConfChange({ changes: [remove(2)] })).toMatchObject({ reason: expect.stringMatching(/joint/) });
    change(net, 1, { changes: [] });
    expect(net.node(2).status().confState).toMatchObject({ voters: [1, 2, 3, 4], votersOutgoing: [] });
    expect(net.node(1).raw.proposeConfChange({ changes: [] })).toMatchObject({ reason: expect.stringMatching(/nothing to leave/) });
  });

  it('commits only with a majority of both the old and the new voters', () => {
    const net = new RaftNetwork([1, 2, 3, 4, 5], { joiners: [4, 5] });
    elect(net, 1);
    change(net, 1, { changes: [addVoter(4), addVoter(5), remove(2), remove(3)], transition: 'explicit' });
    net.run(3);
    expect(net.node(1).status().confState).toMatchObject({ voters: [1, 4, 5], votersOutgoing: [1, 2, 3] });
    net.partition([1, 4, 5], [2, 3]); // a majority of the new voters only
    net.propose(1, 'x');
    net.stabilize();
    expect(net.node(1).appliedData()).toEqual([]);
    net.heal();
    net.partition([1, 2, 4], [3, 5]); // majorities of both: {1, 2} of the old, {1, 4} of the new
    net.stabilize();
    net.tickAll();
    net.stabilize();
    expect(net.node(1).appliedData()).toEqual(['x']);
  });

  it('a leader that is only in the outgoing voters keeps leading until the joint config is left, then hands over', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    change(net, 1, { changes: [remove(1), addLearner(1)], transition: 'implicit' });
    net.run(5);
    const leaders = net.leaders();
    expect(leaders).toHaveLength(1);
    expect(leaders[0]).not.toBe(1);
    expect(net.node(2).status().confState).toMatchObject({ voters: [2, 3], learners: [1], votersOutgoing: [] });
  });
});

describe('learners', () => {
  it('a learner catches up, is not counted for commit or votes, and can be promoted', () => {
    const net = new RaftNetwork([1, 2, 3, 4], { joiners: [4] });
    elect(net, 1);
    change(net, 1, { changes: [addLearner(4)] });
    net.propose(1, 'a');
    net.run(3);
    const n4 = net.node(4);
    expect(n4.appliedData()).toEqual(['a']);
    const pr4 = net.node(1).status().progress!.find((p) => p.id === 4)!;
    expect(pr4).toMatchObject({ isLearner: true, match: net.node(1).status().lastIndex });
    // Not counted: with voters 2 and 3 cut off nothing commits, although the learner has it.
    net.partition([1, 4], [2, 3]);
    net.propose(1, 'b');
    net.stabilize();
    expect(net.node(1).appliedData()).toEqual(['a']);
    // A learner never campaigns.
    net.tick(4, 50);
    net.processAll();
    expect(n4.status().role).toBe('follower');
    expect(net.inflight.filter((m) => m.from === 4 && (m.type === 'vote' || m.type === 'preVote'))).toEqual([]);
    net.heal();
    net.stabilize();
    change(net, 1, { changes: [addVoter(4)] });
    net.run(2);
    expect(n4.status().confState).toMatchObject({ voters: [1, 2, 3, 4], learners: [] });
    expect(net.node(1).status().progress!.find((p) => p.id === 4)!.isLearner).toBe(false);
  });

  it('demotes a voter to learner', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    change(net, 1, { changes: [addLearner(3)] });
    expect(net.node(2).status().confState).toMatchObject({ voters: [1, 2], learners: [3] });
    net.propose(1, 'still-replicated');
    net.stabilize();
    expect(net.node(3).appliedData()).toEqual(['still-replicated']);
  });
});
