// Log replication with flow control, batching, proposal limits and forwarding.
import { describe, expect, it } from 'vitest';
import type { Message } from '../../core/raft/types.ts';
import { NONE, nodeId } from '../../core/types.ts';
import { RaftNetwork, elect, internals, text } from './network.ts';

const appsTo = (msgs: readonly Message[], to: number) => msgs.filter((m) => m.type === 'app' && m.to === to && m.entries.length > 0);

/** A leader (node 1) with followers that are in replicate state. */
function replicating(config: ConstructorParameters<typeof RaftNetwork>[1] = {}): RaftNetwork {
  const net = new RaftNetwork([1, 2, 3], config);
  elect(net, 1);
  net.propose(1, 'warm-up');
  net.stabilize();
  return net;
}

describe('flow control', () => {
  it('bounds unacknowledged appends per follower by inflightMsgsMax', () => {
    const net = replicating({ config: { maxMsgBytes: 1, inflightMsgsMax: 3 } });
    for (let i = 0; i < 10; i++) net.propose(1, `e${i}`);
    net.processAll();
    expect(appsTo(net.inflight, 2)).toHaveLength(3);
    expect(net.node(1).status().progress!.find((p) => p.id === 2)).toMatchObject({ state: 'replicate', inflight: 3, paused: true });
    // One acknowledgement frees one slot... and the rest follow as acknowledgements arrive.
    net.stabilize();
    for (const id of [1, 2, 3]) expect(net.node(id).appliedData()).toHaveLength(11);
  });

  it('bounds unacknowledged bytes per follower by inflightBytesMax', () => {
    const net = replicating({ config: { maxMsgBytes: 1, inflightMsgsMax: 100, inflightBytesMax: 250 } });
    for (let i = 0; i < 10; i++) net.propose(1, 'x'.repeat(100));
    net.processAll();
    // Each message carries one 116-byte entry; the window closes once it reaches 250 bytes.
    expect(appsTo(net.inflight, 2)).toHaveLength(3);
    net.stabilize();
    expect(net.node(2).appliedData()).toHaveLength(11);
  });

  it('cuts appends at maxMsgBytes but always carries at least one entry', () => {
    const net = replicating({ config: { maxMsgBytes: 300 } });
    for (let i = 0; i < 6; i++) net.propose(1, 'y'.repeat(100));
    net.propose(1, 'z'.repeat(1000));
    net.processAll();
    const sizes = appsTo(net.inflight, 2).map((m) => m.entries.length);
    expect(sizes).toEqual([2, 2, 2, 1]);
  });

  it('batches the proposals made between two Readys into one append per follower', () => {
    const net = replicating();
    for (let i = 0; i < 50; i++) net.propose(1, `p${i}`);
    net.processAll();
    expect(appsTo(net.inflight, 2).map((m) => m.entries.length)).toEqual([50]);
    expect(appsTo(net.inflight, 3).map((m) => m.entries.length)).toEqual([50]);
  });

  it('proposeBatch appends all entries at consecutive indexes', () => {
    const net = replicating();
    expect(net.node(1).raw.proposeBatch([text('a'), text('b'), text('c')])).toBeNull();
    net.stabilize();
    expect(net.node(3).appliedData()).toEqual(['warm-up', 'a', 'b', 'c']);
  });

  it('after the transport reports a follower unreachable, probes one append at a time, then replicates', () => {
    const net = new RaftNetwork([1, 2, 3], { config: { maxMsgBytes: 1 } });
    elect(net, 1);
    net.isolate(3);
    for (let i = 0; i < 5; i++) net.propose(1, `e${i}`);
    net.stabilize();
    net.heal();
    net.node(1).raw.reportUnreachable(nodeId(3));
    net.tickAll(); // heartbeat: 3 answers, the leader probes
    for (let i = 0; i < 2; i++) {
      net.processAll();
      net.deliver();
    }
    net.processAll();
    const probes = appsTo(net.inflight, 3);
    expect(probes).toHaveLength(1); // probe state: one at a time
    net.stabilize();
    expect(net.node(1).status().progress!.find((p) => p.id === 3)).toMatchObject({ state: 'replicate', match: 7 });
    expect(net.node(3).appliedData()).toHaveLength(5);
  });

  it('recovers a replicating follower whose whole window of appends was lost', () => {
    const net = replicating({ config: { maxMsgBytes: 1, inflightMsgsMax: 2 } });
    net.dropIf = (m) => m.type === 'app' && m.to === 3;
    for (let i = 0; i < 5; i++) net.propose(1, `e${i}`);
    net.stabilize();
    expect(net.node(1).status().progress!.find((p) => p.id === 3)).toMatchObject({ state: 'replicate', paused: true });
    net.heal();
    net.run(3); // heartbeat answers free a slot; the gap is rejected; probing repairs the log
    expect(net.node(3).appliedData()).toHaveLength(6);
  });

  it('reportUnreachable moves a replicating follower back to probe', () => {
    const net = replicating();
    net.node(1).raw.reportUnreachable(nodeId(2));
    expect(net.node(1).status().progress!.find((p) => p.id === 2)!.state).toBe('probe');
  });

  it('traces progress changes', () => {
    const net = replicating();
    const states = net.eventsOf('raft.progress', 1).filter((e) => e.fields.peer === 2).map((e) => e.fields.state);
    expect(states).toContain('replicate');
  });
});

describe('proposals', () => {
  it('uncommittedBytesMax rejects proposals beyond the budget until entries are applied', () => {
    const net = replicating({ config: { uncommittedBytesMax: 100 } });
    net.isolate(1);
    expect(net.propose(1, 'x'.repeat(60))).toBeNull();
    expect(net.propose(1, 'x'.repeat(60))).toMatchObject({ code: 'proposalDropped', reason: expect.stringMatching(/uncommittedBytesMax/) });
    expect(net.propose(1, 'x'.repeat(101))).toMatchObject({ code: 'tooLarge' });
    net.heal();
    net.stabilize();
    expect(net.propose(1, 'x'.repeat(60))).toBeNull();
  });

  it('refuses empty proposals and batches above proposalEntriesMax', () => {
    const net = replicating({ config: { proposalEntriesMax: 3 } });
    expect(net.node(1).raw.proposeBatch([])).toMatchObject({ code: 'proposalDropped' });
    expect(net.node(1).raw.proposeBatch([text('a'), text('b'), text('c'), text('d')])).toMatchObject({ code: 'tooLarge' });
  });

  it('a follower forwards proposals to the leader', () => {
    const net = replicating();
    expect(net.propose(3, 'via-3')).toBeNull();
    net.processAll();
    expect(net.inflight.filter((m) => m.type === 'prop').map((m) => [m.from, m.to, m.term])).toEqual([[3, 1, 0]]);
    net.stabilize();
    expect(net.node(2).appliedData()).toEqual(['warm-up', 'via-3']);
  });

  it('without a known leader a proposal fails at once with notLeader', () => {
    const net = new RaftNetwork([1, 2, 3]);
    expect(net.propose(2, 'x')).toEqual({ code: 'notLeader', leader: NONE });
    net.node(1).raw.campaign();
    expect(net.propose(1, 'x')).toEqual({ code: 'notLeader', leader: NONE }); // a candidate
  });

  it('with forwarding disabled a follower names the leader instead', () => {
    const net = replicating({ config: { proposalForwarding: false } });
    expect(net.propose(2, 'x')).toEqual({ code: 'notLeader', leader: 1 });
  });

  it('the leader stamps its term and consecutive indexes on forwarded batches', () => {
    const net = replicating();
    net.propose(2, 'a');
    net.propose(3, 'b');
    net.stabilize();
    const term = net.node(1).status().term;
    const log = net.node(2).log().slice(-2);
    expect(log.map((e) => [e.index, e.term])).toEqual([
      [4, term],
      [5, term],
    ]);
    expect(internals(net.node(1).raw).uncommittedBytes).toBe(0);
  });
});
