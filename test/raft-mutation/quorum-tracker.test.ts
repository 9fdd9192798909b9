// Quorum math, inflight windows, follower progress and the progress tracker: the edges that mutation
// testing showed the table tests of test/raft/quorum.test.ts and test/raft/tracker.test.ts left open.
import { describe, expect, it } from 'vitest';
import { majorityCommitted } from '../../core/raft/quorum/majority.ts';
import { Inflights } from '../../core/raft/tracker/inflights.ts';
import { Progress } from '../../core/raft/tracker/progress.ts';
import { EMPTY_TRACKER_CONFIG, ProgressTracker } from '../../core/raft/tracker/progress-tracker.ts';
import type { TrackerConfig } from '../../core/raft/tracker/progress-tracker.ts';
import type { Snapshot } from '../../core/raft/types.ts';
import { AssertionFailure, logIndex, term } from '../../core/types.ts';
import type { NodeId } from '../../core/types.ts';

const ids = (...n: number[]): NodeId[] => n as NodeId[];
const snapshotAt = (index: number): Snapshot => ({
  metadata: { index: logIndex(index), term: term(2), confState: { voters: ids(1), learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } },
  data: new Uint8Array(),
});
const config = (incoming: number[], outgoing: number[] = [], learners: number[] = [], learnersNext: number[] = []): TrackerConfig => ({
  voters: { incoming: ids(...incoming), outgoing: ids(...outgoing) },
  learners: ids(...learners),
  learnersNext: ids(...learnersNext),
  autoLeave: false,
});

describe('majority quorum, beyond the tables', () => {
  it('asks for the acknowledged index of each voter exactly once, and of nobody else', () => {
    const asked: NodeId[] = [];
    // A function that answers high for anything but a voter would pull the result up if it were consulted.
    const acked = (id: NodeId): number => {
      asked.push(id);
      return [1, 2, 3].includes(id) ? id * 10 : 1_000;
    };
    expect(majorityCommitted(ids(1, 2, 3), acked)).toBe(20);
    expect(asked).toEqual(ids(1, 2, 3));
  });

  it('gives the same answer for every order of the same acknowledgements', () => {
    const acks = [7, 3, 9, 3, 5];
    const orders = [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 0, 4, 1, 3], [1, 3, 0, 2, 4]];
    for (const order of orders) {
      const voters = ids(...order.map((i) => i + 1));
      expect(majorityCommitted(voters, (id) => acks[id - 1]), `order ${order}`).toBe(5);
    }
  });
});

describe('inflights, beyond the tables', () => {
  it('refuses a window of no messages', () => {
    expect(() => new Inflights(0, 0)).toThrow(AssertionFailure);
    expect(new Inflights(1, 0).full()).toBe(false);
  });

  it('reuses freed slots of the ring after wrapping, keeping order and bytes exact', () => {
    const w = new Inflights(3, 0);
    for (let round = 0; round < 4; round++) {
      const base = round * 3;
      w.add(base + 1, 1);
      w.add(base + 2, 2);
      w.add(base + 3, 4);
      expect(w.full(), `round ${round}`).toBe(true);
      w.freeLE(base + 1);
      expect([w.count, w.bytes], `round ${round} after freeing ${base + 1}`).toEqual([2, 6]);
      w.freeFirstOne();
      expect([w.count, w.bytes], `round ${round} after freeFirstOne`).toEqual([1, 4]);
      w.freeLE(base + 3);
      expect([w.count, w.bytes], `round ${round} empty`).toEqual([0, 0]);
    }
  });

  it('frees in order after the start moved past the end of the backing arrays', () => {
    const w = new Inflights(4, 0);
    w.add(10, 1);
    w.add(20, 1);
    w.freeLE(10); // start is now 1
    w.add(30, 1);
    w.add(40, 1);
    w.add(50, 1); // wraps to slot 0
    expect(w.full()).toBe(true);
    w.freeLE(40);
    expect(w.count).toBe(1);
    w.freeFirstOne();
    expect(w.count).toBe(0);
    w.add(60, 7);
    expect([w.count, w.bytes]).toEqual([1, 7]);
  });

  it('freeFirstOne and freeLE on an empty window change nothing', () => {
    const w = new Inflights(2, 0);
    w.freeFirstOne();
    w.freeLE(100);
    expect([w.count, w.bytes]).toEqual([0, 0]);
    w.add(5, 3);
    w.add(6, 3);
    expect(w.full()).toBe(true);
  });

  it('reset empties the window', () => {
    const w = new Inflights(2, 10);
    w.add(1, 6);
    w.add(2, 6);
    expect(w.full()).toBe(true);
    w.reset();
    expect([w.count, w.bytes, w.full()]).toEqual([0, 0, false]);
    w.add(3, 1);
    w.freeLE(2); // below the new window: nothing freed
    expect(w.count).toBe(1);
  });
});

describe('progress, beyond the tables', () => {
  const make = (): Progress => new Progress(11, false, 4, 0);

  it('starts probing, not active, with no lease acknowledgement', () => {
    const pr = make();
    expect(pr.state).toBe('probe');
    expect(pr.recentActive).toBe(false);
    expect(pr.leaseAckTick).toBe(-1);
    expect(pr.match).toBe(0);
    expect(pr.next).toBe(11);
  });

  it('an acknowledgement never moves next backwards nor match down', () => {
    const pr = make();
    pr.match = 10;
    pr.becomeReplicate();
    pr.sentEntries(5, 50); // next 16
    expect(pr.maybeUpdate(12)).toBe(true);
    expect(pr.next).toBe(16);
    expect(pr.match).toBe(12);
    expect(pr.maybeUpdate(12)).toBe(false); // the same acknowledgement again
    expect(pr.maybeUpdate(11)).toBe(false); // a stale one
    expect(pr.match).toBe(12);
    expect(pr.next).toBe(16);
  });

  it('an acknowledgement beyond next moves next just past it', () => {
    const pr = make();
    expect(pr.maybeUpdate(20)).toBe(true);
    expect(pr.next).toBe(21);
  });

  it('a probe rejection backs off to just after the hint, but not below match', () => {
    const pr = make();
    pr.match = 2;
    expect(pr.maybeDecrTo(10, 6)).toBe(true);
    expect(pr.next).toBe(7);
    expect(pr.maybeDecrTo(6, 9)).toBe(true); // a hint past the rejection: back off to the rejected index
    expect(pr.next).toBe(6);
  });

  it('a probe rejection unpauses the probe', () => {
    const pr = make();
    pr.sentEntries(1, 10);
    expect(pr.isPaused()).toBe(true);
    expect(pr.maybeDecrTo(10, 4)).toBe(true);
    expect(pr.isPaused()).toBe(false);
  });

  it('an empty append neither pauses a probe nor fills the replicate window', () => {
    const pr = make();
    pr.sentEntries(0, 0);
    expect(pr.isPaused()).toBe(false);
    pr.match = 10;
    pr.becomeReplicate();
    for (let i = 0; i < 10; i++) pr.sentEntries(0, 0);
    expect(pr.isPaused()).toBe(false);
    expect(pr.inflights.count).toBe(0);
    expect(pr.next).toBe(11);
  });

  it('sending while a snapshot is in flight changes nothing', () => {
    const pr = make();
    pr.becomeSnapshot(snapshotAt(40));
    pr.sentEntries(3, 30);
    expect(pr.next).toBe(11);
    expect(pr.msgAppFlowPaused).toBe(false);
    expect(pr.inflights.count).toBe(0);
  });

  it('starts a snapshot transfer from scratch with nothing rewound', () => {
    const pr = make();
    pr.becomeSnapshot(snapshotAt(40));
    expect(pr.transfer).toMatchObject({ sentBytes: 0, ackedBytes: 0, stallTicks: 0, started: false, rewoundTo: -1 });
    expect(pr.pendingSnapshot).toBe(40);
  });

  it('probes from match + 1 when it leaves replicate, empties the window and forgets the snapshot index', () => {
    const pr = make();
    pr.match = 10;
    pr.becomeReplicate();
    pr.sentEntries(3, 30);
    pr.pendingSnapshot = 99; // left over: only the snapshot state may use it
    pr.becomeProbe();
    expect(pr.next).toBe(11);
    expect(pr.inflights.count).toBe(0);
    expect(pr.pendingSnapshot).toBe(0);
  });

  it('replicate after a full window starts with an empty one', () => {
    const pr = new Progress(1, false, 2, 0);
    pr.becomeReplicate();
    pr.sentEntries(1, 1);
    pr.sentEntries(1, 1);
    expect(pr.isPaused()).toBe(true);
    pr.becomeProbe();
    pr.becomeReplicate();
    expect(pr.isPaused()).toBe(false);
    expect(pr.inflights.count).toBe(0);
  });
});

describe('progress tracker, beyond the tables', () => {
  it('starts with the empty configuration', () => {
    const t = new ProgressTracker(4, 0);
    expect(t.ids).toEqual([]);
    expect(t.isJoint()).toBe(false);
    expect(t.isSingleton()).toBe(false);
    expect(t.voterIds()).toEqual([]);
    expect(t.confState()).toEqual({ voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false });
    expect(EMPTY_TRACKER_CONFIG).toEqual({ voters: { incoming: [], outgoing: [] }, learners: [], learnersNext: [], autoLeave: false });
  });

  it('a member added to an empty log probes from index 1, and counts as recently active', () => {
    const t = new ProgressTracker(4, 0);
    t.setConfig(config([1, 2]), 0);
    for (const id of ids(1, 2)) {
      expect(t.progress.get(id)!.next).toBe(1);
      expect(t.progress.get(id)!.recentActive).toBe(true);
    }
    for (const pr of t.progress.values()) pr.recentActive = false;
    t.setConfig(config([1, 2, 3]), 7);
    expect(t.progress.get(ids(1)[0])!.recentActive).toBe(false); // existing members keep their state
    expect(t.progress.get(ids(3)[0])!.recentActive).toBe(true);
    expect(t.progress.get(ids(3)[0])!.next).toBe(7);
    expect(t.quorumActive(ids(1)[0])).toBe(true); // self and the new member
  });

  it('drops the progress of every member that left, and keeps learnersNext members', () => {
    const t = new ProgressTracker(4, 0);
    t.setConfig(config([1, 2, 3], [], [4]), 5);
    t.setConfig(config([1, 2], [1, 2, 3], [], [3]), 5);
    expect(t.ids).toEqual([1, 2, 3]);
    expect([...t.progress.keys()].sort()).toEqual([1, 2, 3]);
    expect(t.isJoint()).toBe(true);
    expect(t.confState()).toEqual({ voters: [1, 2], learners: [], votersOutgoing: [1, 2, 3], learnersNext: [3], autoLeave: false });
    t.setConfig(config([2]), 5);
    expect([...t.progress.keys()]).toEqual([2]);
  });

  it('knows its voters in both halves, sorted and without duplicates', () => {
    const t = new ProgressTracker(4, 0);
    t.setConfig(config([5, 1, 3], [3, 2, 5], [9]), 1);
    expect(t.voterIds()).toEqual([1, 2, 3, 5]);
    expect(t.isVoter(ids(2)[0])).toBe(true);
    expect(t.isVoter(ids(1)[0])).toBe(true);
    expect(t.isVoter(ids(9)[0])).toBe(false);
    expect(t.isSingleton()).toBe(false);
  });

  it('is a singleton only with one incoming voter and no outgoing ones', () => {
    const t = new ProgressTracker(4, 0);
    t.setConfig(config([1]), 1);
    expect(t.isSingleton()).toBe(true);
    t.setConfig(config([1], [1, 2]), 1);
    expect(t.isSingleton()).toBe(false);
    t.setConfig(config([1, 2]), 1);
    expect(t.isSingleton()).toBe(false);
  });

  it('counts a voter without progress as having acknowledged nothing', () => {
    const t = new ProgressTracker(4, 0);
    t.setConfig(config([1, 2, 3]), 1);
    t.progress.get(ids(1)[0])!.match = 8;
    t.progress.get(ids(2)[0])!.match = 8;
    t.progress.delete(ids(2)[0]);
    expect(t.committed()).toBe(0);
    expect(t.quorumLeaseTick(ids(1)[0], 50)).toBe(-1);
  });

  it('dates the lease from the heartbeat a quorum acknowledged, counting itself as now', () => {
    const t = new ProgressTracker(4, 0);
    t.setConfig(config([1, 2, 3, 4, 5]), 1);
    const ticks: Array<[number, number]> = [[2, 30], [3, 10], [4, -1], [5, -1]];
    for (const [id, tick] of ticks) t.progress.get(id as NodeId)!.leaseAckTick = tick;
    expect(t.quorumLeaseTick(ids(1)[0], 40)).toBe(10);
    t.progress.get(ids(4)[0])!.leaseAckTick = 35;
    expect(t.quorumLeaseTick(ids(1)[0], 40)).toBe(30);
  });

  it('counts only voters as active, and itself always', () => {
    const t = new ProgressTracker(4, 0);
    t.setConfig(config([1, 2, 3], [], [4, 5]), 1);
    for (const pr of t.progress.values()) pr.recentActive = false;
    t.progress.get(ids(4)[0])!.recentActive = true;
    t.progress.get(ids(5)[0])!.recentActive = true;
    expect(t.quorumActive(ids(1)[0])).toBe(false);
    t.progress.get(ids(3)[0])!.recentActive = true;
    expect(t.quorumActive(ids(1)[0])).toBe(true);
  });

  it('forgets the votes of the last election', () => {
    const t = new ProgressTracker(4, 0);
    t.setConfig(config([1, 2, 3]), 1);
    t.recordVote(ids(1)[0], true);
    t.recordVote(ids(2)[0], true);
    expect(t.voteResult()).toBe('won');
    t.resetVotes();
    expect(t.voteResult()).toBe('pending');
  });
});
