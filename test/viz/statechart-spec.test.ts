import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { lifecycleMachine } from '../../sim/world/lifecycle-machine.ts';
import { specFromMachine, specFromObserved } from '../../viz/model/statechart-spec.ts';
import { readTimeline } from '../../viz/model/timeline-model.ts';
import { role, traceText } from './trace-builder.ts';

describe('statecharts from xstate definitions', () => {
  it('reads the node lifecycle machine: states, initial state and every transition', () => {
    const spec = specFromMachine(lifecycleMachine)!;
    expect(spec.source).toBe('definition');
    expect(spec.initial).toBe('stopped');
    expect(spec.states).toEqual(['stopped', 'starting', 'up', 'paused', 'crashed']);
    expect(spec.transitions).toContainEqual({ from: 'crashed', to: 'starting', event: 'restart' });
    expect(spec.transitions).toContainEqual({ from: 'up', to: 'paused', event: 'pause' });
    expect(spec.transitions.every((t) => spec.states.includes(t.from) && spec.states.includes(t.to))).toBe(true);
  });

  it('labels delayed, guarded, root-level and nested transitions', () => {
    const machine = createMachine({
      id: 'role',
      initial: 'follower',
      on: { crash: '.follower' },
      states: {
        follower: { on: { timeout: 'preCandidate' } },
        preCandidate: { on: { preVoteWon: { target: 'candidate', guard: 'quorum' } } },
        candidate: { initial: 'waiting', states: { waiting: { on: { won: '#role.leader' } } } },
        leader: { after: { 150: 'follower' } },
      },
    });
    const spec = specFromMachine(machine)!;
    expect(spec.transitions).toEqual(expect.arrayContaining([
      { from: '*', to: 'follower', event: 'crash' },
      { from: 'preCandidate', to: 'candidate', event: 'preVoteWon [quorum]' },
      { from: 'candidate', to: 'leader', event: 'won' },
      { from: 'leader', to: 'follower', event: 'after 150ms' },
    ]));
  });

  it('is null for anything that is not a machine', () => {
    expect(specFromMachine({ states: {} })).toBeNull();
    expect(specFromMachine(null)).toBeNull();
  });

  it('rebuilds a chart from the transitions a trace recorded', () => {
    const model = readTimeline(traceText([role(1, 1, 'follower', 'candidate', 1), role(2, 1, 'candidate', 'leader', 1, 1), role(3, 2, 'follower', 'follower', 1, 1)]));
    expect(model.observed.role).toEqual([
      { from: 'follower', to: 'candidate', event: '' },
      { from: 'candidate', to: 'leader', event: '' },
    ]);
    const spec = specFromObserved('role', ['follower', 'preCandidate', 'candidate', 'leader'], model.observed.role);
    expect(spec.source).toBe('trace');
    expect(spec.states).toHaveLength(4);
  });
});
