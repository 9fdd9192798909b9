import { describe, expect, it } from 'vitest';
import { jointCommitted, jointVoteResult } from '../../core/raft/quorum/joint.ts';
import { majorityCommitted, majorityVoteResult } from '../../core/raft/quorum/majority.ts';
import type { NodeId } from '../../core/types.ts';

const ids = (...n: number[]): NodeId[] => n as NodeId[];
const acked = (m: Record<number, number | undefined>) => (id: NodeId) => m[id] ?? 0;
const votes = (m: Record<number, boolean | undefined>) => new Map(Object.entries(m).map(([k, v]) => [Number(k) as NodeId, v === true]));

describe('majority quorum', () => {
  it.each([
    { voters: [], acks: {}, want: Infinity },
    { voters: [1], acks: { 1: 5 }, want: 5 },
    { voters: [1, 2], acks: { 1: 5, 2: 3 }, want: 3 },
    { voters: [1, 2, 3], acks: { 1: 5, 2: 3, 3: 9 }, want: 5 },
    { voters: [1, 2, 3], acks: { 1: 5 }, want: 0 },
    { voters: [1, 2, 3, 4], acks: { 1: 5, 2: 3, 3: 9, 4: 7 }, want: 5 },
    { voters: [1, 2, 3, 4, 5], acks: { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5 }, want: 3 },
  ])('committed index of $voters with $acks is $want', ({ voters, acks, want }) => {
    expect(majorityCommitted(ids(...voters), acked(acks))).toBe(want);
  });

  it.each([
    { voters: [], v: {}, want: 'won' },
    { voters: [1, 2, 3], v: { 1: true }, want: 'pending' },
    { voters: [1, 2, 3], v: { 1: true, 2: true }, want: 'won' },
    { voters: [1, 2, 3], v: { 1: true, 2: false }, want: 'pending' },
    { voters: [1, 2, 3], v: { 1: true, 2: false, 3: false }, want: 'lost' },
    { voters: [1, 2, 3, 4], v: { 1: true, 2: true }, want: 'pending' },
    { voters: [1, 2, 3, 4], v: { 1: true, 2: false, 3: false }, want: 'lost' },
    { voters: [1, 2, 3], v: { 4: true, 5: true }, want: 'pending' },
  ])('vote of $voters with $v is $want', ({ voters, v, want }) => {
    expect(majorityVoteResult(ids(...voters), votes(v))).toBe(want);
  });
});

describe('joint quorum', () => {
  it('commits the minimum of both halves, and only the incoming half when outgoing is empty', () => {
    const a = acked({ 1: 10, 2: 10, 3: 2, 4: 1, 5: 1 });
    expect(jointCommitted({ incoming: ids(1, 2, 3), outgoing: [] }, a)).toBe(10);
    expect(jointCommitted({ incoming: ids(1, 2, 3), outgoing: ids(3, 4, 5) }, a)).toBe(1);
    expect(jointCommitted({ incoming: ids(1, 2, 3), outgoing: ids(1, 2, 4) }, a)).toBe(10);
  });

  it('needs both halves to win and loses if either loses', () => {
    const voters = { incoming: ids(1, 2, 3), outgoing: ids(3, 4, 5) };
    expect(jointVoteResult(voters, votes({ 1: true, 2: true }))).toBe('pending');
    expect(jointVoteResult(voters, votes({ 1: true, 2: true, 4: true, 5: true }))).toBe('won');
    expect(jointVoteResult(voters, votes({ 1: true, 2: true, 4: false, 5: false }))).toBe('lost');
    expect(jointVoteResult(voters, votes({ 1: false, 2: false, 4: true, 5: true }))).toBe('lost');
  });
});
