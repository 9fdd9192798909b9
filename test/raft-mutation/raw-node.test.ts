// RawNode, the host's interface to Raft: its cheap accessors, why it refuses a stepped message, what a
// Ready holds (hard and soft state only when they changed, mustSync only when durability demands it),
// no second Ready while one is outstanding, the append trace, and the uncommitted-bytes budget that
// applying entries gives back. Found untested by mutation testing (test/raft/raw-node.test.ts holds the main cases).
import { describe, expect, it } from 'vitest';
import { makeMessage } from '../../core/raft/messages.ts';
import { groupId, logIndex, nodeId } from '../../core/types.ts';
import { GROUP, RaftNetwork, elect, text } from '../raft/network.ts';

describe('accessors', () => {
  it('id, leader, role and term follow the node', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    const raw = net.node(2).raw;
    expect([raw.id, raw.leader, raw.role, raw.term]).toEqual([2, 1, 'follower', net.node(1).status().term]);
    expect([net.node(1).raw.role, net.node(1).raw.leader]).toEqual(['leader', 1]);
  });
});

describe('messages refused by step', () => {
  it('names the group, the recipient, the local type or the term that is wrong', () => {
    const net = new RaftNetwork([1, 2, 3]);
    const raw = net.node(2).raw;
    expect(raw.step(makeMessage('heartbeat', groupId(9), nodeId(1), nodeId(2), 1))).toEqual({
      code: 'wrongGroup',
      message: `message for group 9 stepped into group ${GROUP}`,
    });
    expect(raw.step(makeMessage('heartbeat', GROUP, nodeId(1), nodeId(3), 1))).toEqual({ code: 'wrongRecipient', message: 'message for node 3 stepped into node 2' });
    expect(raw.step(makeMessage('hup', GROUP, nodeId(1), nodeId(2), 0))).toEqual({ code: 'localMessage', message: 'a hup message cannot come from the network' });
    expect(raw.step(makeMessage('heartbeat', GROUP, nodeId(1), nodeId(2), 0))).toEqual({
      code: 'malformed',
      message: 'a heartbeat message with term 0: only forwarded proposals, reads and transfers have term 0',
    });
  });

  it('refuses a read without a context', () => {
    const net = new RaftNetwork([1]);
    elect(net, 1);
    expect(net.node(1).raw.readIndex(new Uint8Array(0))).toEqual({ code: 'proposalDropped', reason: 'a read request needs a non-empty context' });
  });
});

describe('Ready', () => {
  it('holds the hard state only when it changed, and the soft state only when the role or leader did', () => {
    const net = new RaftNetwork([1, 2, 3]);
    const raw = net.node(1).raw;
    const t = raw.term;
    raw.campaign();
    const first = raw.ready();
    expect(first.hardState).toMatchObject({ term: t + 1, vote: 1 });
    expect(first.softState).toEqual({ leader: 0, role: 'candidate' });
    expect(first.mustSync).toBe(true); // a new term and vote must be durable before the requests go out
    net.inflight.push(...first.messages);
    raw.advance(first);
    expect(raw.hasReady()).toBe(false);
    net.deliver();
    for (const id of [2, 3]) net.process(id);
    net.deliver(); // the votes: node 1 leads and appends its empty entry
    const second = raw.ready();
    expect(second.softState).toEqual({ leader: 1, role: 'leader' });
    expect(second.hardState).toBeUndefined();
    expect(second.entries).toHaveLength(1);
    expect(second.mustSync).toBe(true);
    net.node(1).storage.append(second.entries); // the host persists before it advances
    raw.advance(second);
  });

  it('a commit-only change is reported but needs no sync', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    net.stabilize();
    net.propose(1, 'x');
    net.processAll();
    net.deliver();
    for (const id of [2, 3]) net.process(id);
    net.deliver(); // acknowledgements: node 1 commits
    const rd = net.node(1).raw.ready();
    expect(rd.entries).toEqual([]);
    expect(rd.hardState).toMatchObject({ commit: net.node(1).status().commit });
    expect(rd.committedEntries.map((e) => new TextDecoder().decode(e.data))).toEqual(['x']);
    expect(rd.mustSync).toBe(false);
  });

  it('a follower that only has answers to send has a Ready; none while one is outstanding', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    net.stabilize();
    const raw = net.node(2).raw;
    expect(raw.hasReady()).toBe(false);
    raw.step(makeMessage('heartbeat', GROUP, nodeId(1), nodeId(2), net.node(1).status().term, { commit: logIndex(net.node(2).status().commit) }));
    expect(raw.hasReady()).toBe(true);
    const rd = raw.ready();
    expect(rd.messages.map((m) => m.type)).toEqual(['heartbeatResp']);
    raw.step(makeMessage('heartbeat', GROUP, nodeId(1), nodeId(2), net.node(1).status().term, { commit: logIndex(net.node(2).status().commit) }));
    expect(raw.hasReady()).toBe(false);
    raw.advance(rd);
    expect(raw.hasReady()).toBe(true);
  });

  it('traces the entries made durable by advance', () => {
    const net = new RaftNetwork([1]);
    elect(net, 1);
    net.propose(1, 'a');
    net.propose(1, 'b');
    net.stabilize();
    const appends = net.eventsOf('raft.append', 1).map((e) => e.fields);
    const t = net.node(1).raw.term;
    expect(appends.at(-1)).toEqual({ group: GROUP, index: 3, terms: [t, t] });
  });
});

describe('uncommitted bytes', () => {
  it('applying committed entries gives their bytes back, and only theirs', () => {
    const net = new RaftNetwork([1, 2, 3], { config: { uncommittedBytesMax: 10 } });
    elect(net, 1);
    net.stabilize();
    expect(net.propose(1, 'aaaaaa')).toBeNull(); // 6 bytes
    net.process(1); // its append is on the way
    expect(net.propose(1, 'bbbb')).toBeNull(); // 4 more: 10
    net.dropIf = (m) => (m.entries ?? []).some((e) => new TextDecoder().decode(e.data) === 'bbbb');
    net.stabilize();
    expect(net.node(1).appliedData()).toEqual(['aaaaaa']);
    // 'bbbb' still counts: 4 + 7 > 10
    expect(net.node(1).raw.propose(text('ccccccc'))).toEqual({ code: 'proposalDropped', reason: 'uncommitted entries would exceed uncommittedBytesMax 10' });
    expect(net.node(1).raw.propose(text('cccccc'))).toBeNull();
  });
});
