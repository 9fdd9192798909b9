// Chunked snapshot transfer at its edges, driven by hand-made messages: the follower's answers to
// chunks it already covers, of another snapshot, repeated, out of bounds or over snapshotBytesMax
// (exactly at it is fine), a snapshot of a prefix of its log; the leader ignoring answers that are not
// about its current transfer, and the state after a failed or stalled transfer.
// Found untested by mutation testing (test/raft/snapshot.test.ts holds the main cases).
import { describe, expect, it } from 'vitest';
import { makeMessage } from '../../core/raft/messages.ts';
import type { Message, SnapshotChunk, SnapshotMetadata } from '../../core/raft/types.ts';
import { logIndex, nodeId, term as toTerm } from '../../core/types.ts';
import { GROUP, RaftNetwork, elect, internals } from '../raft/network.ts';
import type { NetworkOptions } from '../raft/network.ts';

/** A follower (node 2) of leader 1, with its messages cleared. */
function follower(config: NetworkOptions['config'] = {}): RaftNetwork {
  const net = new RaftNetwork([1, 2, 3], { config });
  elect(net, 1);
  net.stabilize();
  return net;
}

function meta(net: RaftNetwork, index: number, t = net.node(2).status().term): SnapshotMetadata {
  return { index: logIndex(index), term: toTerm(t), confState: net.node(1).status().confState };
}

/** Steps one snap chunk into node 2 and returns what node 2 answered (its Ready's messages). */
function chunkInto(net: RaftNetwork, m: SnapshotMetadata, offset: number, data: number[], totalBytes: number): Message[] {
  const chunk: SnapshotChunk = { offset, data: Uint8Array.from(data), totalBytes, last: offset + data.length === totalBytes };
  const term = net.node(2).status().term;
  net.node(2).raw.step(makeMessage('snap', GROUP, nodeId(1), nodeId(2), term, { index: m.index, logTerm: m.term, snapshot: m, chunk }));
  return internals(net.node(2).raw).takeMessages();
}

const answer = (msgs: Message[]) => msgs.map((m) => [m.type, m.index, m.rejectHint, m.reject]);

describe('a follower receiving chunks', () => {
  it('answers a snapshot it already covers with its commit index, even one exactly at it', () => {
    const net = follower();
    const commit = net.node(2).status().commit;
    expect(answer(chunkInto(net, meta(net, commit), 0, [1, 2], 4))).toEqual([['appResp', commit, 0, false]]);
    expect(internals(net.node(2).raw).assembly).toBeUndefined();
  });

  it('refuses from byte 0 a chunk of another snapshot than the one it assembles', () => {
    const net = follower();
    const m = meta(net, 10);
    expect(answer(chunkInto(net, m, 0, [1, 2], 6))).toEqual([['snapResp', 10, 2, false]]);
    expect(answer(chunkInto(net, meta(net, 11), 2, [3, 4], 6))).toEqual([['snapResp', 11, 0, true]]);
    const otherTerm = { ...m, term: toTerm(m.term + 1) };
    expect(answer(chunkInto(net, otherTerm, 2, [3, 4], 6))).toEqual([['snapResp', 10, 0, true]]);
    expect(answer(chunkInto(net, m, 2, [3, 4], 7))).toEqual([['snapResp', 10, 0, true]]);
    // the assembly is intact: the right next chunk is taken
    expect(answer(chunkInto(net, m, 2, [3, 4], 6))).toEqual([['snapResp', 10, 4, false]]);
  });

  it('ignores a chunk beyond the announced size, and a repeated chunk does not move back what it has', () => {
    const net = follower();
    const m = meta(net, 10);
    chunkInto(net, m, 0, [1, 2, 3, 4], 8);
    expect(chunkInto(net, m, 4, [5, 6, 7, 8, 9], 8)).toEqual([]);
    expect(answer(chunkInto(net, m, 1, [2, 3], 8))).toEqual([['snapResp', 10, 4, false]]);
    expect(internals(net.node(2).raw).assembly!.received).toBe(4);
  });

  it('accepts a snapshot of exactly snapshotBytesMax and refuses (traced) one byte more', () => {
    const net = follower({ snapshotBytesMax: 4 });
    expect(answer(chunkInto(net, meta(net, 10), 0, [1, 2], 5))).toEqual([['snapResp', 10, 0, true]]);
    expect(net.eventsOf('raft.snapshotRefused', 2).map((e) => e.fields)).toEqual([{ group: GROUP, index: 10, bytes: 5, reason: 'snapshotBytesMax' }]);
    expect(answer(chunkInto(net, meta(net, 10), 0, [1, 2], 4))).toEqual([['snapResp', 10, 2, false]]);
    expect(answer(chunkInto(net, meta(net, 11), 0, [1], 1.5))).toEqual([['snapResp', 11, 0, true]]);
    expect(answer(chunkInto(net, meta(net, 12), 0, [], -1))).toEqual([['snapResp', 12, 0, true]]);
    expect(net.eventsOf('raft.snapshotRefused', 2)).toHaveLength(3);
  });

  it('a snapshot of a prefix of its log only commits it, keeps the later entries, and answers the commit', () => {
    const net = follower();
    net.dropIf = (m) => m.type === 'appResp'; // the leader never commits: node 2 holds uncommitted entries
    for (const s of ['a', 'b', 'c']) net.propose(1, s);
    net.stabilize();
    const n2 = net.node(2);
    const last = n2.status().lastIndex;
    expect(n2.status().commit).toBeLessThan(last - 1);
    const answered = chunkInto(net, meta(net, last - 1, n2.status().term), 0, [7], 1);
    expect(answer(answered)).toEqual([['appResp', last - 1, 0, false]]);
    expect(internals(n2.raw).log.lastIndex()).toBe(last);
    expect(internals(n2.raw).log.committed).toBe(last - 1);
  });
});

/** Node 3 misses entries while isolated; the leader compacts them away, so node 3 needs a snapshot. */
function laggingFollower(config: NetworkOptions['config'] = {}): RaftNetwork {
  const net = new RaftNetwork([1, 2, 3], { config: { snapshotChunkBytes: 10, ...config } });
  elect(net, 1);
  net.isolate(3);
  for (let i = 0; i < 10; i++) net.propose(1, `e${i}`);
  net.stabilize();
  const n = net.node(1);
  n.storage.createSnapshot(logIndex(n.lastApplied), n.status().confState, new Uint8Array(95));
  n.storage.compact(logIndex(n.lastApplied));
  net.heal();
  return net;
}

const progress3 = (net: RaftNetwork) => internals(net.node(1).raw).trk.progress.get(nodeId(3))!;

/** The leader is sending node 3 a snapshot, every chunk and answer dropped. */
function transferring(config: NetworkOptions['config'] = {}): RaftNetwork {
  const net = laggingFollower(config);
  net.dropIf = (m) => m.type === 'snap' || m.type === 'snapResp';
  net.run(3);
  expect(progress3(net).state).toBe('snapshot');
  return net;
}

describe('the leader during a transfer', () => {
  it('ignores snapshot answers for another snapshot, and answers from a follower it is not sending one', () => {
    const net = transferring();
    const pr = progress3(net);
    const sent = pr.transfer!.sentBytes;
    const t = net.node(1).status().term;
    net.node(1).raw.step(makeMessage('snapResp', GROUP, nodeId(3), nodeId(1), t, { index: logIndex(pr.pendingSnapshot + 1), rejectHint: logIndex(95) }));
    expect(pr.transfer!.ackedBytes).toBe(0);
    expect(pr.transfer!.sentBytes).toBe(sent);
    // node 2 replicates normally: a snapshot answer from it changes nothing
    const pr2 = internals(net.node(1).raw).trk.progress.get(nodeId(2))!;
    expect(() => net.node(1).raw.step(makeMessage('snapResp', GROUP, nodeId(2), nodeId(1), t, { index: logIndex(pr.pendingSnapshot), rejectHint: logIndex(10) }))).not.toThrow();
    expect(pr2.state).toBe('replicate');
  });

  it('counts acknowledged bytes forward only, and a rewind is cleared once bytes past it arrive', () => {
    const net = transferring({ inflightBytesMax: 30 });
    const pr = progress3(net);
    const t = net.node(1).status().term;
    const resp = (hint: number, reject = false) =>
      net.node(1).raw.step(makeMessage('snapResp', GROUP, nodeId(3), nodeId(1), t, { index: logIndex(pr.pendingSnapshot), rejectHint: logIndex(hint), reject }));
    resp(20);
    expect([pr.transfer!.ackedBytes, pr.transfer!.sentBytes]).toEqual([20, 50]);
    resp(10); // older: nothing moves
    expect([pr.transfer!.ackedBytes, pr.transfer!.sentBytes]).toEqual([20, 50]);
    resp(20, true); // a gap at 20: resend from there
    expect([pr.transfer!.rewoundTo, pr.transfer!.ackedBytes, pr.transfer!.sentBytes]).toEqual([20, 20, 50]);
    resp(20, true); // the same gap again: rewind only once
    expect(pr.transfer!.sentBytes).toBe(50);
    internals(net.node(1).raw).takeMessages();
    resp(30);
    expect([pr.transfer!.rewoundTo, pr.transfer!.ackedBytes]).toEqual([-1, 30]);
    // what was resent after the rewind is not sent a third time: only the window's new chunk goes out
    const offsets = internals(net.node(1).raw).takeMessages().filter((m) => m.type === 'snap').map((m) => m.chunk!.offset);
    expect(offsets).toEqual([50]);
  });

  it('a failed transfer reported by the host restarts from the match index, waiting for a heartbeat answer', () => {
    const net = transferring();
    const pr = progress3(net);
    net.node(1).raw.reportSnapshot(nodeId(3), false);
    expect(pr.state).toBe('probe');
    expect(pr.next).toBe(pr.match + 1);
    expect(pr.msgAppFlowPaused).toBe(true);
    // a report about a follower that is not being sent a snapshot changes nothing
    const pr2 = internals(net.node(1).raw).trk.progress.get(nodeId(2))!;
    net.node(1).raw.reportSnapshot(nodeId(2), false);
    expect(pr2.state).toBe('replicate');
  });

  it('a successful transfer reported by the host probes right after the snapshot', () => {
    const net = transferring();
    const pr = progress3(net);
    const snapIndex = pr.pendingSnapshot;
    net.node(1).raw.reportSnapshot(nodeId(3), true);
    expect(pr.state).toBe('probe');
    expect(pr.next).toBe(snapIndex + 1);
    expect(pr.msgAppFlowPaused).toBe(true);
  });

  it('a stalled transfer is traced with its peer and index, and probing waits for a heartbeat answer', () => {
    const net = transferring({ snapshotStallTicksMax: 4 });
    const pr = progress3(net);
    const snapIndex = pr.pendingSnapshot;
    for (let i = 0; i < 4 && pr.state === 'snapshot'; i++) net.tick(1);
    expect(net.eventsOf('raft.snapshotStall', 1).map((e) => e.fields)).toEqual([{ group: GROUP, peer: 3, index: snapIndex }]);
    expect(pr.state).toBe('probe');
    expect(pr.msgAppFlowPaused).toBe(true);
  });
});
