// Rebuilds the tracker configuration from a ConfState (storage's initial state or a snapshot's),
// checking the invariants a valid configuration satisfies.
import { assert } from '../../types.ts';
import type { NodeId } from '../../types.ts';
import type { TrackerConfig } from '../tracker/progress-tracker.ts';
import type { ConfState } from '../types.ts';

const sorted = (ids: readonly NodeId[]): NodeId[] => [...new Set(ids)].sort((a, b) => a - b);

export function configFromConfState(cs: ConfState): TrackerConfig {
  const config: TrackerConfig = {
    voters: { incoming: sorted(cs.voters), outgoing: sorted(cs.votersOutgoing) },
    learners: sorted(cs.learners),
    learnersNext: sorted(cs.learnersNext),
    autoLeave: cs.autoLeave,
  };
  checkConfig(config);
  return config;
}

export function checkConfig(c: TrackerConfig): void {
  const voters = new Set([...c.voters.incoming, ...c.voters.outgoing]);
  for (const id of c.learners) assert(!voters.has(id), () => `node ${id} is both a learner and a voter`);
  for (const id of c.learnersNext) {
    assert(c.voters.outgoing.includes(id), () => `learnerNext ${id} is not an outgoing voter`);
    assert(!c.learners.includes(id), () => `node ${id} is both a learner and a learnerNext`);
  }
  if (c.voters.outgoing.length === 0) {
    assert(c.learnersNext.length === 0, 'learnersNext outside a joint configuration');
    assert(!c.autoLeave, 'autoLeave outside a joint configuration');
  }
}
