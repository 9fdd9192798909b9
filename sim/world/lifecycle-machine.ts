// The node lifecycle as an xstate v5 machine definition. Hosts advance it only with xstate's pure
// `transition()` (no actor, no timers), through advanceLifecycle, which fails loudly on an event the
// current state does not accept. The visualizer draws the same definition.
//
//   stopped --start--> starting --ready--> up --pause--> paused --resume--> up
//   starting | up | paused --crash--> crashed --restart--> starting
//   starting | up --stop--> stopped      (a paused process cannot stop gracefully; crash it)
import { createMachine, initialTransition, transition, type SnapshotFrom } from 'xstate';
import { assert } from '../../core/types.ts';

export type LifecycleState = 'starting' | 'up' | 'paused' | 'crashed' | 'stopped';
export type LifecycleEventType = 'start' | 'ready' | 'pause' | 'resume' | 'crash' | 'restart' | 'stop';
export interface LifecycleEvent {
  readonly type: LifecycleEventType;
}

export const lifecycleMachine = createMachine({
  id: 'nodeLifecycle',
  types: {} as { events: LifecycleEvent },
  initial: 'stopped',
  states: {
    stopped: { on: { start: 'starting' } },
    starting: { on: { ready: 'up', crash: 'crashed', stop: 'stopped' } },
    up: { on: { pause: 'paused', crash: 'crashed', stop: 'stopped' } },
    paused: { on: { resume: 'up', crash: 'crashed' } },
    crashed: { on: { restart: 'starting' } },
  },
});

export type LifecycleSnapshot = SnapshotFrom<typeof lifecycleMachine>;

export interface LifecycleTransition {
  readonly snapshot: LifecycleSnapshot;
  readonly from: LifecycleState;
  readonly to: LifecycleState;
  readonly event: LifecycleEventType;
}

/** The snapshot a new node starts from (`stopped`). */
export function initialLifecycle(): LifecycleSnapshot {
  const [snapshot] = initialTransition(lifecycleMachine);
  return snapshot;
}

export function lifecycleState(snapshot: LifecycleSnapshot): LifecycleState {
  return snapshot.value as LifecycleState;
}

/** Applies `event`; an event the current state does not accept is an assertion failure. */
export function advanceLifecycle(snapshot: LifecycleSnapshot, event: LifecycleEventType): LifecycleTransition {
  const from = lifecycleState(snapshot);
  assert(snapshot.can({ type: event }), () => `illegal node lifecycle transition: '${event}' in state '${from}'`);
  const [next] = transition(lifecycleMachine, snapshot, { type: event });
  return { snapshot: next, from, to: lifecycleState(next), event };
}
