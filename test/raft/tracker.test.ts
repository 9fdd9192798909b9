import { describe, expect, it } from 'vitest';
import { Inflights } from '../../core/raft/tracker/inflights.ts';
import { Progress } from '../../core/raft/tracker/progress.ts';
import { ProgressTracker } from '../../core/raft/tracker/progress-tracker.ts';
import { AssertionFailure } from '../../core/types.ts';
import type { NodeId } from '../../core/types.ts';

describe('inflights', () => {
  it('is full at the count limit and frees up to an acknowledged index, wrapping around', () => {
    const w = new Inflights(3, 0);
    w.add(1, 10);
    w.add(2, 10);
    w.add(3, 10);
    expect(w.full()).toBe(true);
    expect(() => w.add(4, 1)).toThrow(AssertionFailure);
    w.freeLE(2);
    expect(w.count).toBe(1);
    expect(w.bytes).toBe(10);
    w.add(4, 5);
    w.add(5, 5);
    expect(w.full()).toBe(true);
    w.freeLE(4);
    expect(w.count).toBe(1);
    w.freeLE(100);
    expect(w.count).toBe(0);
    expect(w.bytes).toBe(0);
  });

  it('is full at the byte limit even below the count limit', () => {
    const w = new Inflights(100, 1000);
    w.add(1, 600);
    expect(w.full()).toBe(false);
    w.add(2, 400);
    expect(w.full()).toBe(true);
    w.freeLE(1);
    expect(w.full()).toBe(false);
  });

  it('freeFirstOne frees the oldest message', () => {
    const w = new Inflights(2, 0);
    w.add(3, 1);
    w.add(5, 1);
    w.freeFirstOne();
    expect(w.count).toBe(1);
    expect(w.full()).toBe(false);
    w.freeLE(4);
    expect(w.count).toBe(1); // 5 is still out
  });

  it('ignores acknowledgements below the window', () => {
    const w = new Inflights(4, 0);
    w.add(5, 1);
    w.freeLE(4);
    expect(w.count).toBe(1);
  });
});

describe('progress', () => {
  const make = () => new Progress(11, false, 2, 0);

  it('probe: one append at a time, unpaused by an answer', () => {
    const pr = make();
    expect(pr.isPaused()).toBe(false);
    pr.sentEntries(3, 30);
    expect(pr.isPaused()).toBe(true);
    expect(pr.next).toBe(11); // probe does not advance next optimistically
    expect(pr.maybeUpdate(13)).toBe(true);
    expect(pr.isPaused()).toBe(false);
    expect(pr.next).toBe(14);
  });

  it('replicate: advances next optimistically within the window', () => {
    const pr = make();
    pr.match = 10;
    pr.becomeReplicate();
    pr.sentEntries(2, 20);
    pr.sentEntries(3, 30);
    expect(pr.next).toBe(16);
    expect(pr.isPaused()).toBe(true);
    pr.inflights.freeLE(12);
    expect(pr.isPaused()).toBe(false);
  });

  it('maybeDecrTo ignores stale rejections and backs off to the hint', () => {
    const pr = make();
    pr.match = 5;
    pr.next = 11;
    expect(pr.maybeDecrTo(7, 3)).toBe(false); // not a rejection of next-1 = 10
    expect(pr.maybeDecrTo(10, 3)).toBe(true);
    expect(pr.next).toBe(6); // never below match + 1
    pr.becomeReplicate();
    expect(pr.maybeDecrTo(4, 4)).toBe(false); // below match: stale
    expect(pr.maybeDecrTo(9, 0)).toBe(true);
    expect(pr.next).toBe(6);
  });

  it('snapshot state pauses, and probing resumes after the snapshot', () => {
    const pr = make();
    pr.becomeSnapshot({ metadata: { index: 50 as never, term: 2 as never, confState: { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } }, data: new Uint8Array() });
    expect(pr.isPaused()).toBe(true);
    pr.becomeProbe();
    expect(pr.next).toBe(51);
  });
});

describe('progress tracker', () => {
  const ids = (...n: number[]) => n as NodeId[];

  it('creates and removes progress with the configuration, in id order', () => {
    const t = new ProgressTracker(4, 0);
    t.setConfig({ voters: { incoming: ids(3, 1, 2), outgoing: [] }, learners: ids(7), learnersNext: [], autoLeave: false }, 20);
    expect(t.ids).toEqual([1, 2, 3, 7]);
    expect(t.progress.get(7 as NodeId)!.isLearner).toBe(true);
    expect(t.progress.get(1 as NodeId)!.next).toBe(20);
    t.progress.get(1 as NodeId)!.match = 9;
    t.setConfig({ voters: { incoming: ids(1, 2), outgoing: [] }, learners: [], learnersNext: [], autoLeave: false }, 30);
    expect(t.ids).toEqual([1, 2]);
    expect(t.progress.get(1 as NodeId)!.match).toBe(9); // kept
  });

  it('counts only voters towards commit and quorum activity', () => {
    const t = new ProgressTracker(4, 0);
    t.setConfig({ voters: { incoming: ids(1, 2, 3), outgoing: [] }, learners: ids(4), learnersNext: [], autoLeave: false }, 1);
    for (const [id, m] of [[1, 9], [2, 1], [3, 1], [4, 9]]) t.progress.get(id as NodeId)!.match = m;
    expect(t.committed()).toBe(1);
    for (const pr of t.progress.values()) pr.recentActive = false;
    t.progress.get(4 as NodeId)!.recentActive = true;
    expect(t.quorumActive(1 as NodeId)).toBe(false);
    t.progress.get(2 as NodeId)!.recentActive = true;
    expect(t.quorumActive(1 as NodeId)).toBe(true);
  });

  it('records only the first vote of each voter', () => {
    const t = new ProgressTracker(4, 0);
    t.setConfig({ voters: { incoming: ids(1, 2, 3), outgoing: [] }, learners: [], learnersNext: [], autoLeave: false }, 1);
    t.recordVote(1 as NodeId, true);
    t.recordVote(2 as NodeId, false);
    t.recordVote(2 as NodeId, true);
    expect(t.voteResult()).toBe('pending');
    t.recordVote(3 as NodeId, true);
    expect(t.voteResult()).toBe('won');
  });
});
