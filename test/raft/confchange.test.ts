import { describe, expect, it } from 'vitest';
import { applyConfChange, isLeaveJoint, jointRequest } from '../../core/raft/confchange/changer.ts';
import { configFromConfState } from '../../core/raft/confchange/restore.ts';
import type { TrackerConfig } from '../../core/raft/tracker/progress-tracker.ts';
import type { ConfChange, ConfChangeSingle } from '../../core/raft/types.ts';
import { AssertionFailure } from '../../core/types.ts';
import type { NodeId } from '../../core/types.ts';

const ids = (...n: number[]) => n as NodeId[];
const v = (id: number): ConfChangeSingle => ({ type: 'addVoter', nodeId: id as NodeId });
const l = (id: number): ConfChangeSingle => ({ type: 'addLearner', nodeId: id as NodeId });
const r = (id: number): ConfChangeSingle => ({ type: 'removeNode', nodeId: id as NodeId });

function config(incoming: number[], learners: number[] = [], outgoing: number[] = [], learnersNext: number[] = [], autoLeave = false): TrackerConfig {
  return { voters: { incoming: ids(...incoming), outgoing: ids(...outgoing) }, learners: ids(...learners), learnersNext: ids(...learnersNext), autoLeave };
}

function apply(c: TrackerConfig, cc: ConfChange): TrackerConfig {
  const result = applyConfChange(c, cc);
  if (result.error !== undefined) throw new Error(result.error);
  return result.config;
}

describe('conf change classification', () => {
  it('distinguishes simple, joint and leave-joint requests', () => {
    expect(jointRequest({ changes: [v(4)] })).toBeUndefined();
    expect(jointRequest({ changes: [v(4), r(1)] })).toEqual({ autoLeave: true });
    expect(jointRequest({ changes: [v(4)], transition: 'explicit' })).toEqual({ autoLeave: false });
    expect(jointRequest({ changes: [v(4)], transition: 'implicit' })).toEqual({ autoLeave: true });
    expect(isLeaveJoint({ changes: [] })).toBe(true);
    expect(isLeaveJoint({ changes: [], transition: 'explicit' })).toBe(false);
  });
});

describe('simple changes (one voter at a time)', () => {
  it.each([
    { name: 'add a voter', from: config([1, 2, 3]), cc: [v(4)], want: config([1, 2, 3, 4]) },
    { name: 'remove a voter', from: config([1, 2, 3]), cc: [r(3)], want: config([1, 2]) },
    { name: 'add a learner', from: config([1, 2, 3]), cc: [l(4)], want: config([1, 2, 3], [4]) },
    { name: 'promote a learner', from: config([1, 2, 3], [4]), cc: [v(4)], want: config([1, 2, 3, 4]) },
    { name: 'demote a voter', from: config([1, 2, 3]), cc: [l(3)], want: config([1, 2], [3]) },
    { name: 'removing an unknown node is a no-op', from: config([1, 2]), cc: [r(9)], want: config([1, 2]) },
  ])('$name', ({ from, cc, want }) => {
    expect(apply(from, { changes: cc, transition: 'auto' })).toEqual(want);
  });

  it('refuses changing two voters, removing every voter, and changes while joint', () => {
    expect(applyConfChange(config([1, 2, 3]), { changes: [v(4), v(5)], transition: 'auto' }).error).toBeUndefined(); // joint (auto)
    const twoVoters = applyConfChange(config([1, 2, 3]), { changes: [v(4)] });
    expect(twoVoters.error).toBeUndefined();
    expect(applyConfChange(config([1]), { changes: [r(1)] }).error).toMatch(/removes every voter/);
    expect(applyConfChange(config([1, 2], [], [1, 3]), { changes: [v(4)] }).error).toMatch(/joint/);
    expect(applyConfChange(config([1, 2]), { changes: [{ type: 'addVoter', nodeId: 0 as NodeId }] }).error).toMatch(/invalid node id/);
  });
});

describe('joint consensus', () => {
  it('enters C_old,new and leaves it to C_new, turning demoted voters into learners', () => {
    const joint = apply(config([1, 2, 3]), { changes: [v(4), r(1), l(3)] });
    expect(joint).toEqual(config([2, 4], [], [1, 2, 3], [3], true));
    const left = apply(joint, { changes: [] });
    expect(left).toEqual(config([2, 4], [3]));
  });

  it('keeps autoLeave off for explicit transitions', () => {
    expect(apply(config([1, 2, 3]), { changes: [v(4)], transition: 'explicit' }).autoLeave).toBe(false);
  });

  it('treats several changes with the automatic transition as joint, even for learners only', () => {
    expect(apply(config([1]), { changes: [l(2), l(3)] })).toEqual(config([1], [2, 3], [1], [], true));
  });

  it('refuses entering twice, leaving when not joint, and joint from zero voters', () => {
    const joint = apply(config([1, 2, 3]), { changes: [v(4), v(5)] });
    expect(applyConfChange(joint, { changes: [v(6), v(7)] }).error).toMatch(/already in a joint/);
    expect(applyConfChange(config([1, 2]), { changes: [] }).error).toMatch(/not in a joint/);
    expect(applyConfChange(config([]), { changes: [v(1), v(2)] }).error).toMatch(/zero voters/);
  });

  it('re-adding a learnerNext as voter clears it', () => {
    const joint = apply(config([1, 2, 3]), { changes: [l(3), v(4)] });
    expect(joint.learnersNext).toEqual([3]);
    const rejoint = applyConfChange(joint, { changes: [v(3)] });
    expect(rejoint.error).toMatch(/joint/); // a joint config only accepts leaving
  });
});

describe('restoring a configuration from a ConfState', () => {
  it('rebuilds joint configurations and checks their invariants', () => {
    const c = configFromConfState({ voters: ids(3, 2), learners: ids(5), votersOutgoing: ids(1, 2), learnersNext: ids(1), autoLeave: true });
    expect(c).toEqual(config([2, 3], [5], [1, 2], [1], true));
    expect(() => configFromConfState({ voters: ids(1), learners: ids(1), votersOutgoing: [], learnersNext: [], autoLeave: false })).toThrow(AssertionFailure);
    expect(() => configFromConfState({ voters: ids(1), learners: [], votersOutgoing: [], learnersNext: ids(2), autoLeave: false })).toThrow(AssertionFailure);
  });
});
