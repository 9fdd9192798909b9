import { describe, expect, it } from 'vitest';
import { eventAtTime } from '../../viz/model/event-table.ts';
import { appendEntries, emptyLog, installSnapshot, logTail, termAt, truncateAfter } from '../../viz/model/raft-log.ts';
import { checkpointEvery } from '../../viz/model/state-timeline.ts';
import { readTimeline } from '../../viz/model/timeline-model.ts';
import { role, traceText, type EventSpec } from './trace-builder.ts';

describe('raft log reconstruction', () => {
  it('appends, replaces a conflicting suffix and truncates', () => {
    const log = emptyLog();
    appendEntries(log, 1, [1, 1, 1, 2, 2]);
    expect(logTail(log, 10).map((e) => e.term)).toEqual([1, 1, 1, 2, 2]);
    appendEntries(log, 4, [3]);
    expect(logTail(log, 10).map((e) => [e.index, e.term])).toEqual([[1, 1], [2, 1], [3, 1], [4, 3]]);
    truncateAfter(log, 2);
    expect(log.lastIndex).toBe(2);
    expect(termAt(log, 3)).toBe(-1);
    expect(logTail(log, 1)).toEqual([{ index: 2, term: 1 }]);
  });

  it('keeps the tail after a matching snapshot and replaces a conflicting log', () => {
    const log = emptyLog();
    appendEntries(log, 1, [1, 1, 2, 2, 3]);
    installSnapshot(log, 3, 2);
    expect(logTail(log, 10).map((e) => [e.index, e.term])).toEqual([[4, 2], [5, 3]]);
    expect(termAt(log, 3)).toBe(2);
    installSnapshot(log, 9, 4);
    expect(log.lastIndex).toBe(9);
    expect(logTail(log, 10)).toEqual([]);
  });
});

const events: EventSpec[] = [
  role(10, 1, 'follower', 'candidate', 1),
  [10, 1, 'raft.vote', { group: 1, term: 1, for: 1 }],
  [12, 2, 'raft.vote', { group: 1, term: 1, for: 1 }],
  role(15, 1, 'candidate', 'leader', 1, 1),
  [16, 1, 'raft.append', { group: 1, index: 1, terms: [1, 1] }],
  [17, 1, 'raft.progress', { group: 1, peer: 2, match: 0, next: 1, state: 'probe' }],
  [18, 2, 'raft.append', { group: 1, index: 1, terms: [1, 1] }],
  [19, 1, 'raft.progress', { group: 1, peer: 2, match: 2, next: 3, state: 'replicate' }],
  [20, 1, 'raft.commit', { group: 1, index: 2 }],
  [21, 1, 'raft.apply', { group: 1, index: 2 }],
  [21, 1, 'kv.size', { group: 1, keys: 5, bytes: 80 }],
  [30, 1, 'node.crash', { unsynced: { lost: 0, kept: 0, torn: 0 } }],
  [40, 1, 'node.restart'],
];

describe('state at a moment', () => {
  const model = readTimeline(traceText(events));
  const at = (t: number) => model.states.at(eventAtTime(model.events, t));

  it('shows every node as it was before anything happened', () => {
    const world = at(0);
    expect([...world.keys()].sort()).toEqual([1, 2, 3]);
    expect(world.get(3)!.groups.get(1)).toMatchObject({ role: 'follower', term: 0, commit: 0 });
  });

  it('rebuilds term, vote, role, log, commit, applied, progress and KV size', () => {
    const leader = at(25).get(1)!.groups.get(1)!;
    expect(leader).toMatchObject({ role: 'leader', term: 1, vote: 1, leader: 1, commit: 2, applied: 2, kvKeys: 5, kvBytes: 80 });
    expect(logTail(leader.log, 5).map((e) => e.term)).toEqual([1, 1]);
    expect(leader.progress.get(2)).toEqual({ match: 2, next: 3, state: 'replicate' });
    const middle = at(17).get(1)!.groups.get(1)!;
    expect(middle.progress.get(2)).toEqual({ match: 0, next: 1, state: 'probe' });
    expect(middle.commit).toBe(0);
  });

  it('takes events at the same time in order: state as of an event index', () => {
    const applyIndex = 9; // the raft.apply at t=21, before kv.size at t=21
    expect(model.states.at(applyIndex).get(1)!.groups.get(1)!.kvKeys).toBeNull();
    expect(model.states.at(applyIndex + 1).get(1)!.groups.get(1)!.kvKeys).toBe(5);
  });

  it('drops the role and the leader view on a crash and keeps the log', () => {
    const crashed = at(35).get(1)!;
    expect(crashed.lifecycle).toBe('crashed');
    expect(crashed.groups.get(1)).toMatchObject({ role: 'down', leader: 0 });
    expect(crashed.groups.get(1)!.progress.size).toBe(0);
    expect(crashed.groups.get(1)!.log.lastIndex).toBe(2);
    const restarted = at(45).get(1)!;
    expect(restarted.lifecycle).toBe('starting');
    expect(restarted.groups.get(1)!.role).toBe('follower');
  });

  it('answers from checkpoints the same as a full replay', () => {
    const long: EventSpec[] = [];
    for (let i = 1; i <= checkpointEvery * 2 + 10; i += 1) long.push([i, 1, 'raft.append', { group: 1, index: i, terms: [1 + Math.floor(i / 1000)] }]);
    const m = readTimeline(traceText(long));
    for (const index of [0, checkpointEvery - 1, checkpointEvery, checkpointEvery + 5, long.length - 1]) {
      const log = m.states.at(index).get(1)!.groups.get(1)!.log;
      expect(log.lastIndex, `event ${index}`).toBe(index + 1);
      expect(termAt(log, index + 1)).toBe(1 + Math.floor((index + 1) / 1000));
    }
  });
});

describe('a restarted node shows the log its disk kept (raft.recover)', () => {
  const model = readTimeline(
    traceText([
      [16, 1, 'raft.append', { group: 1, index: 1, terms: [1, 1, 1, 2] }],
      [20, 1, 'raft.commit', { group: 1, index: 3 }],
      [30, 1, 'node.crash', { unsynced: { lost: 1, kept: 0, torn: 0 } }],
      [40, 1, 'node.restart'],
      [40, 1, 'raft.recover', { group: 1, snapshotIndex: 1, snapshotTerm: 1, lastIndex: 2, terms: [1], commit: 2 }],
    ]),
  );
  it('drops the entries the crash lost and resets commit', () => {
    const group = model.states.at(eventAtTime(model.events, 45)).get(1)!.groups.get(1)!;
    expect(logTail(group.log, 10).map((e) => [e.index, e.term])).toEqual([[2, 1]]);
    expect(group.log.lastIndex).toBe(2);
    expect(group.commit).toBe(2);
  });
});
