import { describe, expect, it } from 'vitest';
import { forEachMessageIn, MessageStatus, messageFlagDuplicated } from '../../viz/model/message-table.ts';
import { leaderSpans } from '../../viz/model/role-spans.ts';
import { readTimeline } from '../../viz/model/timeline-model.ts';
import { deliver, drop, role, send, traceText, type EventSpec } from './trace-builder.ts';

const election: EventSpec[] = [
  role(100, 1, 'follower', 'candidate', 1),
  role(110, 1, 'candidate', 'leader', 1, 1),
  [110, 2, 'raft.term', { group: 1, term: 1 }],
  role(111, 2, 'follower', 'follower', 1, 1),
  [500, 2, 'raft.term', { group: 1, term: 2 }],
  role(500, 2, 'follower', 'candidate', 2),
  role(505, 1, 'leader', 'follower', 2, null),
  role(510, 2, 'candidate', 'leader', 2, 2),
];

describe('roles and leaders', () => {
  it('finds who led when', () => {
    const model = readTimeline(traceText(election));
    const leaders = leaderSpans(model.roleSpans, 1).map((s) => [s.node, s.term, s.start, s.end]);
    expect(leaders).toEqual([
      [1, 1, 110, 505],
      [2, 2, 510, 1000],
    ]);
  });

  it('cuts a role band at every term change and starts every declared node as a follower', () => {
    const model = readTimeline(traceText(election));
    const node2 = model.roleSpans.filter((s) => s.node === 2).map((s) => [s.role, s.term, s.start, s.end]);
    expect(node2).toEqual([
      ['follower', 0, 0, 110],
      ['follower', 1, 110, 111],
      ['follower', 1, 111, 500],
      ['candidate', 2, 500, 510],
      ['leader', 2, 510, 1000],
    ]);
    expect(model.roleSpans.filter((s) => s.node === 3).map((s) => [s.role, s.start, s.end])).toEqual([['follower', 0, 1000]]);
  });

  it('marks campaigns and wins as elections', () => {
    const model = readTimeline(traceText(election));
    expect(model.elections.map((e) => [e.node, e.kind, e.term])).toEqual([
      [1, 'campaign', 1],
      [1, 'won', 1],
      [2, 'campaign', 2],
      [2, 'won', 2],
    ]);
  });
});

describe('faults and lifecycle', () => {
  const events: EventSpec[] = [
    [100, null, 'fault.start', { fault: 'partition', id: 'p1', groups: [[1, 2], [3]] }],
    [200, 3, 'node.lifecycle', { from: 'up', to: 'paused', event: 'pause' }],
    [250, 3, 'node.lifecycle', { from: 'paused', to: 'up', event: 'resume' }],
    [300, null, 'fault.stop', { fault: 'partition', id: 'p1' }],
    [400, 2, 'node.crash', { unsynced: { lost: 1, kept: 0, torn: 0 } }],
    [450, 2, 'node.restart'],
    [600, null, 'fault.start', { fault: 'one-way', id: 7, from: 1, to: 3 }],
  ];

  it('pairs fault.start and fault.stop into spans naming the partition sides', () => {
    const model = readTimeline(traceText(events));
    expect(model.faults.map((f) => [f.id, f.fault, f.start, f.end, f.open, f.label])).toEqual([
      ['p1', 'partition', 100, 300, false, 'partition 1,2 | 3'],
      ['7', 'one-way', 600, 1000, true, 'one-way 1→3'],
    ]);
    expect(model.faults[0].groups).toEqual([[1, 2], [3]]);
  });

  it('turns pauses and crashes into lifecycle spans', () => {
    const model = readTimeline(traceText(events));
    const spans = model.lifecycleSpans.map((s) => [s.node, s.state, s.start, s.end]);
    expect(spans).toContainEqual([3, 'paused', 200, 250]);
    expect(spans).toContainEqual([2, 'crashed', 400, 450]);
    expect(spans).toContainEqual([2, 'starting', 450, 1000]);
  });

  it('gives a crashed node no role until it restarts as a follower', () => {
    const model = readTimeline(traceText([role(50, 2, 'follower', 'leader', 3, 2), ...events]));
    const node2 = model.roleSpans.filter((s) => s.node === 2).map((s) => [s.role, s.term, s.start, s.end]);
    expect(node2).toEqual([
      ['follower', 0, 0, 50],
      ['leader', 3, 50, 400],
      ['follower', 3, 450, 1000],
    ]);
  });
});

describe('message pairing', () => {
  const events: EventSpec[] = [
    send(10, 1, 1, 2),
    send(10, 2, 1, 3, 'heartbeat'),
    [10, null, 'net.duplicate', { id: 1, copy: 100, from: 1, to: 2 }],
    deliver(12, 1, 1, 2),
    drop(13, 2, 1, 3, 'partition'),
    deliver(15, 100, 1, 2),
    send(20, 3, 2, 1, 'appResp', { reject: true }),
  ];

  it('pairs sends with delivers and drops, and copies with their original', () => {
    const m = readTimeline(traceText(events)).messages;
    expect(m.count).toBe(4);
    const row = (i: number) => [m.sendT[i], m.endT[i], m.from[i], m.to[i], m.types[m.typeCode[i]], m.status[i], m.copyOf[i]];
    expect(row(0)).toEqual([10, 12, 1, 2, 'app', MessageStatus.Delivered, -1]);
    expect(row(1)).toEqual([10, 13, 1, 3, 'heartbeat', MessageStatus.Dropped, -1]);
    expect(m.dropReasons[m.dropReasonCode[1]]).toBe('partition');
    expect(row(2)).toEqual([10, 15, 1, 2, 'app', MessageStatus.Delivered, 0]);
    expect(m.flags[0] & messageFlagDuplicated).toBeTruthy();
    expect(row(3).slice(0, 2)).toEqual([20, Number.NaN]);
    expect(m.status[3]).toBe(MessageStatus.InFlight);
  });

  it('shows a frame delivered twice without net.duplicate as an unannounced copy', () => {
    const model = readTimeline(traceText([send(1, 9, 1, 2), deliver(2, 9, 1, 2), deliver(3, 9, 1, 2)]));
    expect(model.messages.count).toBe(2);
    expect(model.messages.copyOf[1]).toBe(0);
    expect(model.messages.endT[1]).toBe(3);
  });

  it('warns about a deliver of a frame that was never sent', () => {
    const model = readTimeline(traceText([deliver(2, 42, 1, 2)]));
    expect(model.problems.map((p) => [p.fatal, p.message])).toEqual([[false, 'event 1: net.deliver of frame 42, which was never sent']]);
  });

  it('finds the frames in flight during a time window, long flights included', () => {
    const many: EventSpec[] = [];
    for (let i = 0; i < 2000; i += 1) many.push(send(i, i, 1, 2), deliver(i + 0.5, i, 1, 2));
    many.push(send(2000, 5000, 1, 3));
    const model = readTimeline(traceText(many, { kind: 'meta', scenario: 'x', seed: 1, version: 1 }));
    const seen: number[] = [];
    forEachMessageIn(model.messages, 100.2, 103, model.endT, (i) => void seen.push(model.messages.sendT[i]));
    expect(seen).toEqual([100, 101, 102, 103]);
    const late: number[] = [];
    forEachMessageIn(model.messages, 1999.9, 2000, model.endT, (i) => void late.push(i));
    expect(late).toEqual([2000]);
  });
});

describe('lifecycle from the machine', () => {
  it('takes the state before a node first starts from its first transition', () => {
    const model = readTimeline(traceText([
      [0, 1, 'node.lifecycle', { from: 'stopped', to: 'starting', event: 'start' }],
      [300, 2, 'node.lifecycle', { from: 'stopped', to: 'starting', event: 'start' }],
      [310, 2, 'node.lifecycle', { from: 'starting', to: 'up', event: 'ready' }],
      [320, null, 'fault.start', { fault: 'oneWay', id: 3, from: [1, 2], to: [3] }],
    ]));
    const node2 = model.lifecycleSpans.filter((s) => s.node === 2).map((s) => [s.state, s.start, s.end]);
    expect(node2).toEqual([['stopped', 0, 300], ['starting', 300, 310], ['up', 310, 1000]]);
    expect(model.faults[0].label).toBe('oneWay 1,2→3');
  });
});
