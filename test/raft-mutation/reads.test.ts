// ReadIndex at its edges: reads that wait for a new leader's first commit in its term (bounded, and not
// answered early), and a local answer that never goes out as a message.
// Found untested by mutation testing (test/raft/reads.test.ts holds the main cases).
import { describe, expect, it } from 'vitest';
import { RaftNetwork, elect, text } from '../raft/network.ts';

const decoded = (net: RaftNetwork, id: number) => net.node(id).readStates.map((r) => `${new TextDecoder().decode(r.context)}@${r.index}`);

/** Node 1 leads but its no-op is not acknowledged yet: nothing of its term is committed. */
function leaderBeforeFirstCommit(readIndexQueueMax?: number): RaftNetwork {
  const net = new RaftNetwork([1, 2, 3], readIndexQueueMax === undefined ? {} : { config: { readIndexQueueMax } });
  net.dropIf = (m) => m.type === 'appResp';
  elect(net, 1);
  return net;
}

describe('reads before the leader commits in its term', () => {
  it('wait, unanswered, until the first commit, then are answered at that commit', () => {
    const net = leaderBeforeFirstCommit();
    expect(net.node(1).raw.readIndex(text('early'))).toBeNull();
    net.stabilize();
    net.tickAll();
    net.stabilize();
    expect(net.node(1).readStates).toEqual([]);
    net.dropIf = undefined;
    for (let i = 0; i < 3 && net.node(1).readStates.length === 0; i++) {
      net.tickAll();
      net.stabilize();
    }
    expect(decoded(net, 1)).toEqual([`early@${net.node(1).status().commit}`]);
  });

  it(`are bounded by readIndexQueueMax while they wait`, () => {
    const net = leaderBeforeFirstCommit(2);
    expect(net.node(1).raw.readIndex(text('a'))).toBeNull();
    expect(net.node(1).raw.readIndex(text('b'))).toBeNull();
    expect(net.node(1).raw.readIndex(text('c'))).toEqual({
      code: 'proposalDropped',
      reason: 'readIndexQueueMax 2 reads already wait for the first commit',
    });
  });
});

describe('local reads', () => {
  it("a leader's own read is answered in its ReadStates, never as a message to itself", () => {
    const net = new RaftNetwork([1]);
    elect(net, 1);
    net.node(1).raw.readIndex(text('solo'));
    const rd = net.node(1).raw.ready();
    expect(rd.messages.filter((m) => m.type === 'readIndexResp')).toEqual([]);
    expect(rd.readStates.map((r) => new TextDecoder().decode(r.context))).toEqual(['solo']);
  });
});

describe('lease-based reads before any acknowledged heartbeat', () => {
  it('a new leader has no lease until a quorum acknowledged a heartbeat of its term: it asks for a round', () => {
    const net = new RaftNetwork([1, 2, 3], { config: { checkQuorum: true, readOnlyOption: 'leaseBased', leaseDriftTicksMax: 2 } });
    net.run(12); // past the startup guard
    elect(net, 1);
    net.isolate(1);
    expect(net.node(1).raw.readIndex(text('r'))).toBeNull();
    net.processAll();
    expect(net.node(1).readStates).toEqual([]);
  });
});
