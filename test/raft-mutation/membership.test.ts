// Membership changes at their edges: the exact refusals around joint configurations, a removed leader
// handing over to the most caught-up voter, a transfer aborted when its target is removed, commit
// moving as soon as the quorum shrinks, campaigns held back by a committed but unapplied change, the
// automatic leave of a joint configuration (once), and a change the host applies although it is invalid.
// Found untested by mutation testing (test/raft/membership.test.ts holds the main cases).
import { describe, expect, it } from 'vitest';
import type { ConfChange, Message, Ready } from '../../core/raft/types.ts';
import { makeMessage } from '../../core/raft/messages.ts';
import { decodeConfChange } from '../../core/codec/conf-change.ts';
import { nodeId } from '../../core/types.ts';
import { GROUP, RaftNetwork, addLearner, addVoter, change, elect, internals, removeNode as remove } from '../raft/network.ts';


/** Records every TIMEOUT_NOW message delivered from now on, as "from->to". */
function recordTimeoutNow(net: RaftNetwork): string[] {
  const seen: string[] = [];
  net.onDeliver = (m: Message) => {
    if (m.type === 'timeoutNow') seen.push(`${m.from}->${m.to}`);
  };
  return seen;
}

const isData = (m: Message, data: string): boolean => (m.entries ?? []).some((e) => new TextDecoder().decode(e.data) === data);

describe('joint configuration refusals', () => {
  it('in a joint configuration only leaving is allowed, and outside one there is nothing to leave', () => {
    const net = new RaftNetwork([1, 2, 3, 4], { joiners: [4] });
    elect(net, 1);
    expect(net.node(1).raw.proposeConfChange({ changes: [] })).toEqual({
      code: 'proposalDropped',
      reason: 'not in a joint configuration: there is nothing to leave',
    });
    change(net, 1, { changes: [addVoter(4)], transition: 'explicit' });
    expect(net.node(1).raw.proposeConfChange({ changes: [addLearner(2)] })).toEqual({
      code: 'proposalDropped',
      reason: 'in a joint configuration: the only allowed change is leaving it',
    });
  });
});

describe('a leader removed from the configuration', () => {
  it('steps down and hands over to the first fully caught-up voter', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    const timeoutNow = recordTimeoutNow(net);
    change(net, 1, { changes: [remove(1)] });
    expect(timeoutNow[0]).toBe('1->2');
    expect(net.eventsOf('raft.stepDown', 1).map((e) => e.fields)).toEqual([
      expect.objectContaining({ reason: 'removed from the configuration' }),
    ]);
    expect(net.node(1).status().role).toBe('follower');
  });

  it('skips a voter that lags behind and picks the one that has the whole log', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    net.dropIf = (m) => m.to === 2 && m.type === 'app';
    const timeoutNow = recordTimeoutNow(net);
    change(net, 1, { changes: [remove(1)] });
    expect(timeoutNow[0]).toBe('1->3');
  });

  it('hands over to nobody when no voter has its whole log', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    const timeoutNow = recordTimeoutNow(net);
    expect(net.node(1).raw.proposeConfChange({ changes: [remove(1)] })).toBeNull();
    net.process(1);
    // An entry after the removal that no follower gets: the removal commits, but nobody is caught up.
    net.propose(1, 'tail');
    net.dropIf = (m) => m.type === 'app' && isData(m, 'tail');
    net.stabilize();
    expect(net.node(1).status().role).toBe('follower');
    expect(net.eventsOf('raft.stepDown', 1)).toHaveLength(1);
    expect(timeoutNow).toEqual([]);
  });
});

describe('leadership transfer and membership', () => {
  /** A change proposed (proposals are refused during a transfer), then a transfer to the lagging node 4. */
  function transferDuring(cc: ConfChange): RaftNetwork {
    const net = new RaftNetwork([1, 2, 3, 4]);
    elect(net, 1);
    net.dropIf = (m) => m.to === 4 && m.type === 'app'; // node 4 lags: the transfer waits for it
    expect(net.node(1).raw.proposeConfChange(cc)).toBeNull();
    net.process(1);
    net.node(1).raw.transferLeader(nodeId(4));
    expect(net.node(1).status().leadTransferee).toBe(4);
    net.stabilize();
    return net;
  }

  it('aborts a transfer whose target is removed', () => {
    const net = transferDuring({ changes: [remove(4)] });
    expect(net.node(1).status().confState.voters).toEqual([1, 2, 3]);
    expect(net.node(1).status().leadTransferee).toBe(0);
    expect(net.eventsOf('raft.transfer', 1).map((e) => e.fields.event)).toContain('abort');
  });

  it('keeps a transfer whose target stays a voter', () => {
    const net = transferDuring({ changes: [remove(2)] });
    expect(net.node(1).status().confState.voters).toEqual([1, 3, 4]);
    expect(net.node(1).status().leadTransferee).toBe(4);
  });
});

describe('commit after the quorum shrinks', () => {
  it('an entry only the leader holds commits as soon as the other voter is removed', () => {
    const net = new RaftNetwork([1, 2]);
    elect(net, 1);
    expect(net.node(1).raw.proposeConfChange({ changes: [remove(2)] })).toBeNull();
    net.process(1);
    net.propose(1, 'x');
    net.dropIf = (m) => m.type === 'app' && isData(m, 'x');
    net.stabilize();
    expect(net.node(1).status().confState.voters).toEqual([1]);
    expect(net.node(1).appliedData()).toEqual(['x']);
  });
});

describe('campaigns while a committed membership change is not applied', () => {
  /** Node 2 has a committed entry (a change or data) in a Ready it has not advanced past. */
  function followerWithUnapplied(proposal: (net: RaftNetwork) => void): RaftNetwork & { pending?: Ready } {
    const net = new RaftNetwork([1, 2, 3, 4], { joiners: [4] });
    elect(net, 1);
    net.stabilize();
    proposal(net);
    // Everything but node 2's Ready: node 2 gets the entry and then the commit index.
    for (let round = 0; round < 20; round++) {
      for (const id of [1, 3, 4]) while (net.process(id));
      if (net.deliver() === 0 && !net.node(2).raw.hasReady()) break;
      if (net.node(2).raw.hasReady()) {
        const rd = net.node(2).raw.ready();
        net.node(2).storage.append(rd.entries);
        if (rd.hardState) net.node(2).storage.setHardState(rd.hardState);
        net.inflight.push(...rd.messages);
        // Persisted, but its committed entries are neither applied nor advanced past.
        if (rd.committedEntries.length > 0) return Object.assign(net, { pending: rd });
        net.node(2).raw.advance(rd);
      }
    }
    throw new Error('node 2 never saw its entry committed');
  }

  it('are skipped (and traced) until the change is applied', () => {
    const net = followerWithUnapplied((n) => expect(n.node(1).raw.proposeConfChange({ changes: [addLearner(4)] })).toBeNull());
    const raft = internals(net.node(2).raw);
    expect(raft.log.committed).toBeGreaterThan(raft.log.applied);
    net.node(2).raw.campaign();
    expect(net.node(2).status().role).toBe('follower');
    expect(net.eventsOf('raft.campaignSkipped', 2).map((e) => e.fields.reason)).toEqual(['unapplied membership change']);
  });

  it('go ahead when only data entries are committed and unapplied', () => {
    const net = followerWithUnapplied((n) => expect(n.propose(1, 'data')).toBeNull());
    const raft = internals(net.node(2).raw);
    expect(raft.log.committed - raft.log.applied).toBeGreaterThan(0);
    net.node(2).raw.campaign();
    expect(net.eventsOf('raft.campaignSkipped', 2)).toEqual([]);
    expect(net.node(2).status().role).toBe('candidate');
  });
  /** Node 2 applies what it held back and advances past its Ready. */
  function applyPending(net: RaftNetwork & { pending?: Ready }): void {
    const rd = net.pending!;
    for (const e of rd.committedEntries) if (e.type === 'confChange') net.node(2).raw.applyConfChange(decodeConfChange(e.data));
    net.node(2).raw.advance(rd);
  }

  it('a skipped election is not retried once the change is applied', () => {
    const net = followerWithUnapplied((n) => expect(n.node(1).raw.proposeConfChange({ changes: [addLearner(4)] })).toBeNull());
    net.node(2).raw.campaign();
    applyPending(net);
    expect(net.node(2).status().role).toBe('follower');
  });

  it('a TIMEOUT_NOW that arrived meanwhile starts the campaign once the change is applied', () => {
    const net = followerWithUnapplied((n) => expect(n.node(1).raw.proposeConfChange({ changes: [addLearner(4)] })).toBeNull());
    const t = net.node(2).status().term;
    net.node(2).raw.step(makeMessage('timeoutNow', GROUP, nodeId(1), nodeId(2), t));
    expect(net.node(2).status().role).toBe('follower');
    applyPending(net);
    expect(net.node(2).status()).toMatchObject({ role: 'candidate', term: t + 1 });
  });
});

describe('automatic leave of a joint configuration', () => {
  it('is proposed once, by the leader, after the joint configuration is applied', () => {
    const net = new RaftNetwork([1, 2, 3, 4], { joiners: [4] });
    elect(net, 1);
    change(net, 1, { changes: [addVoter(4)] }); // a simple change: no joint configuration, nothing to leave
    net.run(3);
    expect(net.eventsOf('raft.autoLeave')).toEqual([]);
    change(net, 1, { changes: [addLearner(3), remove(4)] });
    net.run(5);
    const leaves = net.eventsOf('raft.autoLeave');
    expect(leaves.map((e) => [e.node, e.fields.error])).toEqual([[1, null]]);
    const leaveEntry = net.node(1).log().filter((e) => e.type === 'confChange').at(-1)!;
    expect(leaves[0].fields.index).toBe(leaveEntry.index);
    expect(net.node(2).status().confState).toMatchObject({ voters: [1, 2], learners: [3], votersOutgoing: [] });
  });
});

describe('a change the host applies although it is invalid', () => {
  it('leaves the configuration as it is and traces the refusal', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    const before = net.node(2).status().confState;
    const after = net.node(2).raw.applyConfChange({ changes: [remove(1), remove(2), remove(3)] });
    expect(after).toEqual(before);
    expect(net.eventsOf('raft.confRejected', 2).map((e) => e.fields.reason)).toEqual([expect.stringMatching(/every voter|voter/)]);
  });
});
