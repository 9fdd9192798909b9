// Membership changes and configuration restore at their edges: an explicit 'auto' leave, numeric order of
// node ids, errors inside a joint change, unknown change types and the invariants checked on restore.
// Found untested by mutation testing (test/raft/confchange.test.ts holds the main table).
import { describe, expect, it } from 'vitest';
import { applyConfChange, isLeaveJoint } from '../../core/raft/confchange/changer.ts';
import { configFromConfState } from '../../core/raft/confchange/restore.ts';
import type { TrackerConfig } from '../../core/raft/tracker/progress-tracker.ts';
import type { ConfChangeSingle, ConfChangeType, ConfState } from '../../core/raft/types.ts';
import { AssertionFailure } from '../../core/types.ts';
import type { NodeId } from '../../core/types.ts';

const ids = (...n: number[]): NodeId[] => n as NodeId[];
const voter = (id: number): ConfChangeSingle => ({ type: 'addVoter', nodeId: id as NodeId });
const learner = (id: number): ConfChangeSingle => ({ type: 'addLearner', nodeId: id as NodeId });

function config(incoming: number[], outgoing: number[] = [], learners: number[] = [], autoLeave = false): TrackerConfig {
  return { voters: { incoming: ids(...incoming), outgoing: ids(...outgoing) }, learners: ids(...learners), learnersNext: [], autoLeave };
}

describe('leaving a joint configuration', () => {
  it("an empty change with transition 'auto' leaves, like one with no transition", () => {
    expect(isLeaveJoint({ changes: [], transition: 'auto' })).toBe(true);
    expect(isLeaveJoint({ changes: [] })).toBe(true);
    expect(isLeaveJoint({ changes: [], transition: 'explicit' })).toBe(false);
    expect(applyConfChange(config([1, 2, 4], [1, 2, 3], [], true), { changes: [], transition: 'auto' })).toEqual({ config: config([1, 2, 4]) });
  });
});

describe('configurations list node ids in numeric order', () => {
  it('after a simple change', () => {
    const result = applyConfChange(config([30, 20, 100]), { changes: [voter(9)] });
    expect(result).toEqual({ config: config([9, 20, 30, 100]) });
  });

  it('after entering a joint configuration, in every set', () => {
    const result = applyConfChange(config([30, 20, 100], [], [70, 8]), { changes: [voter(9), learner(100)] });
    expect(result).toEqual({ config: { voters: { incoming: ids(9, 20, 30), outgoing: ids(20, 30, 100) }, learners: ids(8, 70), learnersNext: ids(100), autoLeave: true } });
  });
});

describe('invalid changes are refused whole', () => {
  it('a joint change with an invalid node id is an error, not a configuration', () => {
    expect(applyConfChange(config([1, 2, 3]), { changes: [voter(4), voter(0)] })).toEqual({ error: 'invalid node id 0 in a addVoter change' });
  });

  it('an unknown change type is an error, also in a joint change', () => {
    const odd = { type: 'promote' as ConfChangeType, nodeId: 2 as NodeId };
    expect(applyConfChange(config([1, 2, 3]), { changes: [odd] })).toEqual({ error: 'unknown change type promote' });
    expect(applyConfChange(config([1, 2, 3]), { changes: [voter(4), odd] })).toEqual({ error: 'unknown change type promote' });
  });
});

describe('restoring a configuration checks its invariants', () => {
  const confState = (over: Partial<ConfState>): ConfState => ({ voters: ids(1, 2, 3), learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false, ...over });

  it('refuses a learnerNext that is not an outgoing voter', () => {
    expect(() => configFromConfState(confState({ votersOutgoing: ids(1, 2), learnersNext: ids(3) }))).toThrow(AssertionFailure);
    expect(() => configFromConfState(confState({ votersOutgoing: ids(1, 2), learnersNext: ids(3) }))).toThrow(/learnerNext 3 is not an outgoing voter/);
  });

  it('refuses a node that is both a learner and a learnerNext', () => {
    expect(() => configFromConfState(confState({ voters: ids(1, 2), votersOutgoing: ids(1, 2, 3), learners: ids(3), learnersNext: ids(3) }))).toThrow(AssertionFailure);
  });

  it('refuses autoLeave outside a joint configuration, and accepts it inside one', () => {
    expect(() => configFromConfState(confState({ autoLeave: true }))).toThrow(/autoLeave outside a joint configuration/);
    expect(configFromConfState(confState({ voters: ids(1, 2), votersOutgoing: ids(1, 2, 3), learnersNext: ids(3), autoLeave: true }))).toEqual({
      voters: { incoming: ids(1, 2), outgoing: ids(1, 2, 3) },
      learners: [],
      learnersNext: ids(3),
      autoLeave: true,
    });
  });
});
