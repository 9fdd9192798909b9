// The leader at its edges: proposal limits (entry count, uncommitted bytes) at their exact bounds, batches
// with several membership changes, the pending-change index, answers that move a follower between probe
// and replicate, heartbeat answers (lease ticks, a full window), and leadership transfers that are
// ignored, repeated or aimed at the leader itself.
// Found untested by mutation testing (test/raft/leadership.test.ts and replication.test.ts hold the main cases).
import { describe, expect, it } from 'vitest';
import { encodeConfChange } from '../../core/codec/conf-change.ts';
import { makeMessage } from '../../core/raft/messages.ts';
import type { ConfChangeSingle, Entry, Message, Snapshot } from '../../core/raft/types.ts';
import { logIndex, nodeId, term } from '../../core/types.ts';
import { GROUP, RaftNetwork, elect, internals, text } from '../raft/network.ts';

const addLearner = (id: number): ConfChangeSingle => ({ type: 'addLearner', nodeId: nodeId(id) });
const ccEntry = (...changes: ConfChangeSingle[]): Entry => ({ term: term(0), index: logIndex(0), type: 'confChange', data: encodeConfChange({ changes }) });
const dataEntry = (s: string): Entry => ({ term: term(0), index: logIndex(0), type: 'normal', data: text(s) });

/** Steps a message from `from` into the leader, at the leader's term. */
function stepInto(net: RaftNetwork, leader: number, from: number, type: Message['type'], fields: Parameters<typeof makeMessage>[5] = {}): void {
  net.node(leader).raw.step(makeMessage(type, GROUP, nodeId(from), nodeId(leader), net.node(leader).status().term, fields));
}

const progressOf = (net: RaftNetwork, leader: number, id: number) => internals(net.node(leader).raw).trk.progress.get(nodeId(id))!;

describe('proposal limits', () => {
  it('refuses an empty proposal', () => {
    const net = new RaftNetwork([1]);
    elect(net, 1);
    expect(net.node(1).raw.proposeBatch([])).toEqual({ code: 'proposalDropped', reason: 'empty proposal' });
  });

  it('accepts exactly proposalEntriesMax entries and refuses one more', () => {
    const net = new RaftNetwork([1], { config: { proposalEntriesMax: 2 } });
    elect(net, 1);
    expect(net.node(1).raw.proposeBatch([text('a'), text('b')])).toBeNull();
    expect(net.node(1).raw.proposeBatch([text('a'), text('b'), text('c')])).toEqual({
      code: 'tooLarge',
      reason: '3 entries in one proposal (proposalEntriesMax 2)',
    });
  });

  it('accepts proposals up to exactly uncommittedBytesMax, in one or in several', () => {
    const net = new RaftNetwork([1, 2, 3], { config: { uncommittedBytesMax: 10 } });
    elect(net, 1);
    net.isolate(1); // nothing commits: proposals add up
    expect(net.propose(1, '12345678901')).toEqual({ code: 'tooLarge', reason: 'proposal of 11 bytes exceeds uncommittedBytesMax 10' });
    expect(net.propose(1, '1234')).toBeNull();
    expect(net.propose(1, '123456')).toBeNull();
    expect(net.propose(1, '1')).toEqual({ code: 'proposalDropped', reason: 'uncommitted entries would exceed uncommittedBytesMax 10' });
  });

  it('accepts a single proposal of exactly uncommittedBytesMax', () => {
    const net = new RaftNetwork([1, 2, 3], { config: { uncommittedBytesMax: 10 } });
    elect(net, 1);
    net.isolate(1);
    expect(net.propose(1, '1234567890')).toBeNull();
  });
});

describe('membership changes in a proposal', () => {
  it('a batch keeps only its first valid change; later ones and invalid ones become empty entries', () => {
    const net = new RaftNetwork([1, 2, 3, 4, 5], { joiners: [4, 5] });
    elect(net, 1);
    const invalid: Entry = { ...ccEntry(), data: new Uint8Array([0x40]) };
    const entries = [invalid, ccEntry(addLearner(4)), dataEntry('kept'), ccEntry(addLearner(5)), invalid];
    const copy = [...entries];
    // a batch forwarded by a follower (proposals carry no term)
    expect(net.node(1).raw.step(makeMessage('prop', GROUP, nodeId(2), nodeId(1), 0, { entries }))).toBeNull();
    net.process(1);
    expect(entries).toEqual(copy); // the sender's batch is not rewritten in place
    const tail = net.node(1).log().slice(-5);
    expect(tail.map((e) => [e.type, e.data.length])).toEqual([
      ['normal', 0],
      ['confChange', copy[1].data.length],
      ['normal', 4],
      ['normal', 0],
      ['normal', 0],
    ]);
    expect(internals(net.node(1).raw).pendingConfIndex).toBe(tail[1].index);
  });

  it('normal proposals leave the pending-change index alone, so a change can follow them at once', () => {
    const net = new RaftNetwork([1, 2, 3, 4], { joiners: [4] });
    elect(net, 1);
    const pendingBefore = internals(net.node(1).raw).pendingConfIndex;
    expect(net.propose(1, 'a')).toBeNull();
    expect(net.propose(1, 'b')).toBeNull();
    expect(internals(net.node(1).raw).pendingConfIndex).toBe(pendingBefore);
    expect(net.node(1).raw.proposeConfChange({ changes: [addLearner(4)] })).toBeNull();
  });
});

describe('append answers and the follower state', () => {
  /** A leader of [1, 2, 3] with everything replicated (node 2 in replicate). */
  function steady(): RaftNetwork {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    net.propose(1, 'x');
    net.stabilize();
    expect(progressOf(net, 1, 2).state).toBe('replicate');
    return net;
  }

  it('a rejection moves a replicating follower back to probing from its hint', () => {
    const net = steady();
    const last = net.node(1).status().lastIndex;
    const pr = progressOf(net, 1, 2);
    // Pretend node 2 lost its last entry: it rejects the append at `last` and hints `last - 1`.
    pr.match = logIndex(last - 2);
    pr.next = logIndex(last + 1);
    stepInto(net, 1, 2, 'appResp', { reject: true, index: logIndex(last), rejectHint: logIndex(last - 1) });
    expect(pr.state).toBe('probe');
    expect(pr.next).toBe(last - 1); // probing resumes right after what it acknowledged
  });

  it('in probe, an answer at the match index moves to replicate; a stale one does not', () => {
    const net = steady();
    const pr = progressOf(net, 1, 2);
    net.node(1).raw.reportUnreachable(nodeId(2));
    expect(pr.state).toBe('probe');
    stepInto(net, 1, 2, 'appResp', { index: logIndex(pr.match - 1) });
    expect(pr.state).toBe('probe');
    stepInto(net, 1, 2, 'appResp', { index: pr.match });
    expect(pr.state).toBe('replicate');
  });

  it('unreachable leaves a follower that is being sent a snapshot alone', () => {
    const net = steady();
    const pr = progressOf(net, 1, 2);
    pr.becomeSnapshot({ metadata: { index: pr.match } } as Snapshot);
    net.node(1).raw.reportUnreachable(nodeId(2));
    expect(pr.state).toBe('snapshot');
  });
});

describe('heartbeat answers', () => {
  it('keep the highest lease tick acknowledged, ignoring older and absent ones', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    const pr = progressOf(net, 1, 2);
    stepInto(net, 1, 2, 'heartbeatResp', { leaderTick: 5 });
    expect(pr.leaseAckTick).toBe(5);
    stepInto(net, 1, 2, 'heartbeatResp', { leaderTick: 3 });
    expect(pr.leaseAckTick).toBe(5);
    stepInto(net, 1, 2, 'heartbeatResp', {});
    expect(pr.leaseAckTick).toBe(5);
  });

  it('free one slot of a full window, and none of a window with room', () => {
    const net = new RaftNetwork([1, 2, 3], { config: { inflightMsgsMax: 2 } });
    elect(net, 1);
    net.dropIf = (m) => m.to === 2 && m.type === 'app';
    const pr = progressOf(net, 1, 2);
    net.propose(1, 'a');
    net.stabilize();
    expect(pr.state).toBe('replicate');
    expect(pr.inflights.count).toBe(1);
    stepInto(net, 1, 2, 'heartbeatResp');
    expect(pr.inflights.count).toBe(1);
    net.propose(1, 'b');
    net.stabilize();
    expect(pr.inflights.full()).toBe(true);
    stepInto(net, 1, 2, 'heartbeatResp');
    expect(pr.inflights.count).toBe(1);
  });
});

describe('leadership transfer requests', () => {
  it('are ignored (and traced) for a learner', () => {
    const net = new RaftNetwork([1, 2, 3], { learners: [3] });
    elect(net, 1);
    net.node(1).raw.transferLeader(nodeId(3));
    expect(net.node(1).status().leadTransferee).toBe(0);
    expect(net.eventsOf('raft.transfer', 1).map((e) => e.fields)).toEqual([{ group: GROUP, to: 3, event: 'ignored', reason: 'not a voter' }]);
  });

  it('a repeated request keeps the transfer in progress without restarting it', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    net.dropIf = (m) => m.to === 3 && m.type === 'app';
    net.propose(1, 'x');
    net.stabilize();
    net.node(1).raw.transferLeader(nodeId(3));
    net.node(1).raw.transferLeader(nodeId(3));
    expect(net.eventsOf('raft.transfer', 1).map((e) => e.fields.event)).toEqual(['start']);
    expect(net.node(1).status().leadTransferee).toBe(3);
  });

  it('to the leader itself does nothing: proposals still go through', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    net.node(1).raw.transferLeader(nodeId(1));
    expect(net.node(1).status().leadTransferee).toBe(0);
    expect(net.propose(1, 'x')).toBeNull();
  });

  it('sends TIMEOUT_NOW once, when the target has the whole log, not on each partial answer', () => {
    const net = new RaftNetwork([1, 2, 3], { config: { maxMsgBytes: 1 } });
    elect(net, 1);
    net.dropIf = (m) => m.to === 3 && m.type === 'app';
    for (const s of ['a', 'b', 'c', 'd']) net.propose(1, s);
    net.stabilize();
    const timeoutNow: number[] = [];
    net.onDeliver = (m) => {
      if (m.type === 'timeoutNow') timeoutNow.push(net.node(3).storage.lastIndex());
    };
    const last = net.node(1).storage.lastIndex();
    net.node(1).raw.transferLeader(nodeId(3));
    net.dropIf = undefined;
    net.stabilize();
    expect(timeoutNow).toEqual([last]);
    expect(net.node(3).status().role).toBe('leader');
  });
});
