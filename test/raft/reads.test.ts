// Linearizable reads: ReadIndex with a heartbeat round, follower reads, and lease-based reads.
import { describe, expect, it } from 'vitest';
import { resolveRaftConfig } from '../../core/raft/config.ts';
import { nodeId } from '../../core/types.ts';
import { makeMessage } from '../../core/raft/messages.ts';
import { GROUP, RaftNetwork, elect, testConfig, text } from './network.ts';

const ctx = (s: string) => text(s);
const decoded = (net: RaftNetwork, id: number) => net.node(id).readStates.map((r) => `${new TextDecoder().decode(r.context)}@${r.index}`);

function committedLeader(config: ConstructorParameters<typeof RaftNetwork>[1] = {}): RaftNetwork {
  const net = new RaftNetwork([1, 2, 3], config);
  elect(net, 1);
  net.propose(1, 'x');
  net.stabilize();
  return net;
}

describe('ReadIndex (safe)', () => {
  it('answers only after a quorum acknowledged a heartbeat round, with the commit index at the request', () => {
    const net = committedLeader();
    expect(net.node(1).raw.readIndex(ctx('r1'))).toBeNull();
    net.processAll();
    expect(net.node(1).readStates).toEqual([]);
    const beats = net.inflight.filter((m) => m.type === 'heartbeat');
    expect(beats.map((m) => new TextDecoder().decode(m.context!))).toEqual(['r1', 'r1']);
    net.stabilize();
    expect(decoded(net, 1)).toEqual(['r1@3']);
  });

  it('a leader cut off from the quorum cannot answer', () => {
    const net = committedLeader();
    net.isolate(1);
    net.node(1).raw.readIndex(ctx('r1'));
    net.run(5);
    expect(net.node(1).readStates).toEqual([]);
  });

  it('a round confirms every read queued before it', () => {
    const net = committedLeader();
    net.dropIf = (m) => m.type === 'heartbeatResp';
    net.node(1).raw.readIndex(ctx('a'));
    net.stabilize();
    net.propose(1, 'y');
    net.stabilize();
    net.heal();
    net.node(1).raw.readIndex(ctx('b'));
    net.stabilize();
    expect(decoded(net, 1)).toEqual(['a@3', 'b@4']);
  });

  it('a follower read is forwarded and answered with the leader read index', () => {
    const net = committedLeader();
    expect(net.node(3).raw.readIndex(ctx('f1'))).toBeNull();
    net.stabilize();
    expect(decoded(net, 3)).toEqual(['f1@3']);
    expect(net.node(1).readStates).toEqual([]);
  });

  it('a follower without a leader refuses at once', () => {
    const net = new RaftNetwork([1, 2, 3]);
    expect(net.node(2).raw.readIndex(ctx('f'))).toEqual({ code: 'notLeader', leader: 0 });
  });

  it('a single voter answers at once (after committing in its term)', () => {
    const net = new RaftNetwork([1]);
    elect(net, 1);
    net.node(1).raw.readIndex(ctx('solo'));
    net.processAll();
    expect(decoded(net, 1)).toEqual(['solo@2']);
  });

  it('refuses empty contexts and more than readIndexQueueMax waiting reads', () => {
    const net = committedLeader({ config: { readIndexQueueMax: 2 } });
    net.isolate(1);
    expect(net.node(1).raw.readIndex(new Uint8Array(0))).toMatchObject({ code: 'proposalDropped' });
    expect(net.node(1).raw.readIndex(ctx('a'))).toBeNull();
    expect(net.node(1).raw.readIndex(ctx('b'))).toBeNull();
    expect(net.node(1).raw.readIndex(ctx('c'))).toMatchObject({ code: 'proposalDropped', reason: expect.stringMatching(/readIndexQueueMax/) });
  });

  it('pending reads vanish when the leader steps down (the host times them out)', () => {
    const net = committedLeader();
    net.isolate(1);
    net.node(1).raw.readIndex(ctx('lost'));
    const higher = makeMessage('heartbeat', GROUP, nodeId(2), nodeId(1), net.node(1).status().term + 1);
    expect(net.node(1).raw.step(higher)).toBeNull();
    expect(net.node(1).status().role).toBe('follower');
    net.heal();
    net.run(3);
    expect(net.node(1).readStates).toEqual([]);
  });
});

describe('lease-based reads', () => {
  const lease = { checkQuorum: true, readOnlyOption: 'leaseBased' as const, leaseDriftTicksMax: 2 };

  function leaseLeader(): RaftNetwork {
    const net = new RaftNetwork([1, 2, 3], { config: lease });
    net.run(12); // past the startup guard
    elect(net, 1);
    net.tickAll(); // a heartbeat round acknowledged in this term starts the lease
    net.stabilize();
    return net;
  }

  it('are answered at once, without a heartbeat round, while the lease holds', () => {
    const net = leaseLeader();
    net.node(1).raw.readIndex(ctx('l1'));
    net.processAll();
    expect(decoded(net, 1)).toEqual(['l1@2']);
    expect(net.inflight.filter((m) => m.type === 'heartbeat')).toEqual([]);
  });

  it('fall back to a heartbeat round once the lease (minus drift) ran out', () => {
    const net = leaseLeader();
    net.isolate(1);
    net.tick(1, 7); // lease: electionTicks 10 - drift 2 = 8 ticks after the acknowledged round
    net.node(1).raw.readIndex(ctx('in'));
    net.tick(1, 1);
    net.node(1).raw.readIndex(ctx('out'));
    net.processAll();
    expect(decoded(net, 1)).toEqual(['in@2']);
    net.heal();
    net.stabilize();
    expect(decoded(net, 1)).toEqual(['in@2', 'out@2']);
  });

  it('stop for the rest of the term once the leader sent timeoutNow', () => {
    const net = leaseLeader();
    net.isolate(2);
    net.node(1).raw.transferLeader(nodeId(3));
    net.dropIf = (m) => m.type === 'timeoutNow' || m.type === 'heartbeatResp';
    net.stabilize();
    net.node(1).raw.readIndex(ctx('after-transfer'));
    net.processAll();
    expect(net.node(1).readStates).toEqual([]);
  });

  it('require check-quorum', () => {
    expect(() => resolveRaftConfig(testConfig(nodeId(1), { readOnlyOption: 'leaseBased', checkQuorum: false }))).toThrow(/require checkQuorum/);
  });
});
