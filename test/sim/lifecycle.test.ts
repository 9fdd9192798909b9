import { describe, expect, it } from 'vitest';
import {
  advanceLifecycle,
  initialLifecycle,
  lifecycleMachine,
  type LifecycleEventType,
  type LifecycleSnapshot,
  type LifecycleState,
} from '../../sim/world/lifecycle-machine.ts';
import { AssertionFailure } from '../../core/types.ts';

const legal: Record<LifecycleState, Partial<Record<LifecycleEventType, LifecycleState>>> = {
  stopped: { start: 'starting' },
  starting: { ready: 'up', crash: 'crashed', stop: 'stopped' },
  up: { pause: 'paused', crash: 'crashed', stop: 'stopped' },
  paused: { resume: 'up', crash: 'crashed' },
  crashed: { restart: 'starting' },
};
const events: LifecycleEventType[] = ['start', 'ready', 'pause', 'resume', 'crash', 'restart', 'stop'];
// A path of legal events reaching each state from the initial one.
const pathTo: Record<LifecycleState, LifecycleEventType[]> = {
  stopped: [],
  starting: ['start'],
  up: ['start', 'ready'],
  paused: ['start', 'ready', 'pause'],
  crashed: ['start', 'crash'],
};

function reach(state: LifecycleState): LifecycleSnapshot {
  return pathTo[state].reduce((snapshot, event) => advanceLifecycle(snapshot, event).snapshot, initialLifecycle());
}

describe('node lifecycle machine', () => {
  it('starts stopped and declares exactly the five states', () => {
    expect(initialLifecycle().value).toBe('stopped');
    expect(Object.keys(lifecycleMachine.config.states ?? {}).sort()).toEqual(['crashed', 'paused', 'starting', 'stopped', 'up']);
  });

  for (const state of Object.keys(legal) as LifecycleState[]) {
    it(`from ${state}: legal events move as specified, every other event is an assertion failure`, () => {
      for (const event of events) {
        const target = legal[state][event];
        if (target === undefined) {
          expect(() => advanceLifecycle(reach(state), event), `${state} + ${event}`).toThrow(AssertionFailure);
        } else {
          const change = advanceLifecycle(reach(state), event);
          expect({ from: change.from, to: change.to, event: change.event }).toEqual({ from: state, to: target, event });
          expect(change.snapshot.value).toBe(target);
        }
      }
    });
  }
});
