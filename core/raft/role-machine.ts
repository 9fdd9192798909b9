// Raft's roles as an xstate v5 machine definition. RawNode advances it with xstate's pure
// `transition()`; an event the current role does not accept is a bug (an assertion failure). The
// visualizer draws this same definition, so state and event names are meant to be read by people.
import { initialTransition, setup, transition } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import { assert } from '../types.ts';
import type { Role } from './types.ts';

export type RoleEvent =
  /** The election timer fired (or the host asked to campaign); `preVote` picks the first phase. */
  | { readonly type: 'TIMEOUT'; readonly preVote: boolean }
  /** The leader asked this node to take over: campaign at once, without a pre-vote. */
  | { readonly type: 'TIMEOUT_NOW' }
  /** A quorum would vote for us: run the real election. */
  | { readonly type: 'PRE_VOTE_WON' }
  /** A quorum voted for us. */
  | { readonly type: 'VOTE_WON' }
  /** A quorum (pre-)voted against us. */
  | { readonly type: 'ELECTION_LOST' }
  /** A leader of our term spoke to us while we were campaigning. */
  | { readonly type: 'LEADER_FOUND' }
  /** A message with a higher term arrived. */
  | { readonly type: 'HIGHER_TERM' }
  /** The leader gives up: check-quorum failed, or it was removed from the configuration. */
  | { readonly type: 'STEP_DOWN' };

export type RoleEventType = RoleEvent['type'];

export const roleMachine = setup({
  types: { events: {} as RoleEvent },
  guards: {
    preVoteEnabled: ({ event }) => event.type === 'TIMEOUT' && event.preVote,
  },
}).createMachine({
  id: 'raftRole',
  initial: 'follower',
  states: {
    follower: {
      on: {
        TIMEOUT: [{ guard: 'preVoteEnabled', target: 'preCandidate' }, { target: 'candidate' }],
        TIMEOUT_NOW: { target: 'candidate' },
        HIGHER_TERM: { target: 'follower', reenter: true },
      },
    },
    preCandidate: {
      on: {
        TIMEOUT: [{ guard: 'preVoteEnabled', target: 'preCandidate', reenter: true }, { target: 'candidate' }],
        PRE_VOTE_WON: { target: 'candidate' },
        ELECTION_LOST: { target: 'follower' },
        LEADER_FOUND: { target: 'follower' },
        HIGHER_TERM: { target: 'follower' },
      },
    },
    candidate: {
      on: {
        TIMEOUT: [{ guard: 'preVoteEnabled', target: 'preCandidate' }, { target: 'candidate', reenter: true }],
        TIMEOUT_NOW: { target: 'candidate', reenter: true },
        VOTE_WON: { target: 'leader' },
        ELECTION_LOST: { target: 'follower' },
        LEADER_FOUND: { target: 'follower' },
        HIGHER_TERM: { target: 'follower' },
      },
    },
    leader: {
      on: {
        HIGHER_TERM: { target: 'follower' },
        STEP_DOWN: { target: 'follower' },
      },
    },
  },
});

export type RoleSnapshot = SnapshotFrom<typeof roleMachine>;

export function initialRole(): RoleSnapshot {
  return initialTransition(roleMachine)[0];
}

export function roleOf(snapshot: RoleSnapshot): Role {
  return snapshot.value as Role;
}

/** Applies `event`; asserts the current role accepts it (an illegal transition is a Raft bug). */
export function nextRole(snapshot: RoleSnapshot, event: RoleEvent): RoleSnapshot {
  assert(snapshot.can(event), () => `illegal role transition: ${String(snapshot.value)} does not accept ${event.type}`);
  return transition(roleMachine, snapshot, event)[0];
}
