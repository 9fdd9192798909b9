// Log compaction and chunked snapshot transfer (paper section 7).
import { describe, expect, it } from 'vitest';
import type { Message } from '../../core/raft/types.ts';
import { logIndex, nodeId } from '../../core/types.ts';
import { RaftNetwork, elect } from './network.ts';
import type { NetworkOptions } from './network.ts';

/** Node `id` snapshots its state machine at its applied index (data of `bytes` bytes) and compacts. */
function compact(net: RaftNetwork, id: number, bytes: number): number {
  const n = net.node(id);
  const index = n.lastApplied;
  n.storage.createSnapshot(logIndex(index), n.status().confState, new Uint8Array(bytes).map((_, i) => i % 251));
  n.storage.compact(logIndex(index));
  return index;
}

/** Node 3 misses entries 3..12 while isolated; the leader compacts them away. */
function laggingFollower(config: NetworkOptions['config'] = {}, snapshotBytes = 95): { net: RaftNetwork; snapIndex: number } {
  const net = new RaftNetwork([1, 2, 3], { config: { snapshotChunkBytes: 10, ...config } });
  elect(net, 1);
  net.isolate(3);
  for (let i = 0; i < 10; i++) net.propose(1, `e${i}`);
  net.stabilize();
  const snapIndex = compact(net, 1, snapshotBytes);
  net.heal();
  return { net, snapIndex };
}

const snaps = (msgs: readonly Message[]) => msgs.filter((m) => m.type === 'snap');

describe('snapshots', () => {
  it('a follower that needs compacted entries receives the snapshot in chunks, then the log', () => {
    const { net, snapIndex } = laggingFollower();
    net.run(3);
    const n3 = net.node(3);
    expect(n3.snapshotsApplied.map((s) => s.metadata.index)).toEqual([snapIndex]);
    expect(n3.snapshotsApplied[0].data).toEqual(net.node(1).storage.snapshot().data);
    expect(n3.status().commit).toBe(snapIndex);
    net.propose(1, 'after');
    net.stabilize();
    expect(n3.appliedData()).toEqual(['after']);
  });

  it('each chunk is at most snapshotChunkBytes and the window is bounded by inflightBytesMax', () => {
    const { net } = laggingFollower({ inflightBytesMax: 30 });
    net.tickAll();
    for (let round = 0; round < 10 && snaps(net.inflight).length === 0; round++) {
      net.processAll();
      if (snaps(net.inflight).length === 0) net.deliver();
    }
    // The first burst: 30 bytes of window, 10-byte chunks.
    expect(snaps(net.inflight).map((m) => [m.chunk!.offset, m.chunk!.data.length])).toEqual([
      [0, 10],
      [10, 10],
      [20, 10],
    ]);
    const seen: Message[] = [];
    net.dropIf = (m) => {
      if (m.type === 'snap') seen.push(m);
      return false;
    };
    net.stabilize();
    expect(seen.map((m) => m.chunk!.offset)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(seen.every((m) => m.chunk!.data.length <= 10 && m.chunk!.totalBytes === 95)).toBe(true);
    expect(seen.map((m) => m.chunk!.last)).toEqual([false, false, false, false, false, false, false, false, false, true]);
    expect(net.node(3).snapshotsApplied).toHaveLength(1);
  });

  it('installs nothing until the last chunk arrived', () => {
    const { net } = laggingFollower({ inflightBytesMax: 20 });
    net.dropIf = (m) => m.type === 'snap' && m.chunk!.offset >= 50;
    net.run(2);
    expect(net.node(3).snapshotsApplied).toEqual([]);
    expect(net.node(3).status().lastIndex).toBe(2);
    expect(net.node(1).status().progress!.find((p) => p.id === 3)!.state).toBe('snapshot');
  });

  it('a lost chunk makes the follower ask for a resend from its last byte', () => {
    const { net, snapIndex } = laggingFollower({ inflightBytesMax: 50 });
    let dropped = false;
    net.dropIf = (m) => {
      if (m.type === 'snap' && m.chunk!.offset === 20 && !dropped) return (dropped = true);
      return false;
    };
    net.run(3);
    expect(dropped).toBe(true);
    expect(net.node(3).snapshotsApplied.map((s) => s.metadata.index)).toEqual([snapIndex]);
    expect(net.node(3).snapshotsApplied[0].data).toEqual(net.node(1).storage.snapshot().data);
  });

  it('a stalled transfer restarts through probing after snapshotStallTicksMax', () => {
    const { net, snapIndex } = laggingFollower({ snapshotStallTicksMax: 5 });
    net.dropIf = (m) => m.type === 'snap' || m.type === 'snapResp';
    net.run(3);
    expect(net.node(1).status().progress!.find((p) => p.id === 3)!.state).toBe('snapshot');
    net.run(5);
    expect(net.eventsOf('raft.snapshotStall', 1)).toHaveLength(1);
    net.heal();
    net.run(4);
    expect(net.node(3).snapshotsApplied.map((s) => s.metadata.index)).toEqual([snapIndex]);
  });

  it('reportSnapshot(failed) makes the leader probe again and restart the transfer', () => {
    const { net, snapIndex } = laggingFollower();
    net.dropIf = (m) => m.type === 'snap';
    net.run(2);
    net.node(1).raw.reportSnapshot(nodeId(3), false);
    expect(net.node(1).status().progress!.find((p) => p.id === 3)!.state).toBe('probe');
    net.heal();
    net.run(4);
    expect(net.node(3).snapshotsApplied.map((s) => s.metadata.index)).toEqual([snapIndex]);
  });

  it('a follower refuses a snapshot larger than snapshotBytesMax', () => {
    const { net } = laggingFollower({ snapshotBytesMax: 50 });
    net.run(3);
    expect(net.node(3).snapshotsApplied).toEqual([]);
    expect(net.eventsOf('raft.snapshotRefused', 3).length).toBeGreaterThan(0);
  });

  it('an empty snapshot (bootstrap) is sent as one empty last chunk', () => {
    const net = new RaftNetwork([1, 2, 3, 4], { joiners: [4] });
    elect(net, 1);
    net.node(1).raw.proposeConfChange({ changes: [{ type: 'addLearner', nodeId: nodeId(4) }] });
    net.stabilize();
    net.run(3);
    const n4 = net.node(4);
    expect(n4.snapshotsApplied.map((s) => [s.metadata.index, s.data.length])).toEqual([[1, 0]]);
    expect(n4.status().confState.learners).toEqual([4]);
    expect(n4.status().lastIndex).toBe(net.node(1).status().lastIndex);
  });

  it('a restarted follower resumes from its snapshot and log', () => {
    const { net, snapIndex } = laggingFollower();
    net.run(3);
    net.crash(3);
    net.restart(3);
    expect(net.node(3).status()).toMatchObject({ firstIndex: snapIndex + 1, commit: snapIndex, applied: snapIndex });
    net.propose(1, 'later');
    net.stabilize();
    expect(net.node(3).appliedData()).toEqual(['later']);
  });
});
