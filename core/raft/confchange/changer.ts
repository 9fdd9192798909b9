// Membership changes as pure functions from one tracker configuration to the next (Raft thesis 4.1
// and 4.3, in the shape of etcd's ConfChangeV2): a simple change moves at most one voter; a joint
// change enters C_old,new (both halves must agree) and is later left, promoting learnersNext.
// Invalid requests return an error string; nothing is mutated.
import type { NodeId } from '../../types.ts';
import type { TrackerConfig } from '../tracker/progress-tracker.ts';
import type { ConfChange, ConfChangeSingle } from '../types.ts';

export type ChangeResult = { readonly config: TrackerConfig; readonly error?: undefined } | { readonly config?: undefined; readonly error: string };

interface ConfSets {
  incoming: Set<NodeId>;
  outgoing: Set<NodeId>;
  learners: Set<NodeId>;
  learnersNext: Set<NodeId>;
  autoLeave: boolean;
}

/** An empty change with the automatic transition asks to leave the joint configuration. */
export function isLeaveJoint(cc: ConfChange): boolean {
  return cc.changes.length === 0 && (cc.transition === undefined || cc.transition === 'auto');
}

/** Whether `cc` enters a joint configuration, and if so whether it leaves it automatically. */
export function jointRequest(cc: ConfChange): { autoLeave: boolean } | undefined {
  const transition = cc.transition ?? 'auto';
  if (transition === 'auto' && cc.changes.length <= 1) return undefined;
  return { autoLeave: transition !== 'explicit' };
}

export function applyConfChange(config: TrackerConfig, cc: ConfChange): ChangeResult {
  if (isLeaveJoint(cc)) return leaveJoint(config);
  const joint = jointRequest(cc);
  return joint ? enterJoint(config, joint.autoLeave, cc.changes) : simple(config, cc.changes);
}

function toSets(c: TrackerConfig): ConfSets {
  return {
    incoming: new Set(c.voters.incoming),
    outgoing: new Set(c.voters.outgoing),
    learners: new Set(c.learners),
    learnersNext: new Set(c.learnersNext),
    autoLeave: c.autoLeave,
  };
}

const sorted = (s: Set<NodeId>): NodeId[] => [...s].sort((a, b) => a - b);

function fromSets(s: ConfSets): TrackerConfig {
  return {
    voters: { incoming: sorted(s.incoming), outgoing: sorted(s.outgoing) },
    learners: sorted(s.learners),
    learnersNext: sorted(s.learnersNext),
    autoLeave: s.autoLeave,
  };
}

function enterJoint(config: TrackerConfig, autoLeave: boolean, changes: readonly ConfChangeSingle[]): ChangeResult {
  if (config.voters.outgoing.length > 0) return { error: 'already in a joint configuration: leave it first' };
  if (config.voters.incoming.length === 0) return { error: 'cannot enter a joint configuration from zero voters' };
  const s = toSets(config);
  s.outgoing = new Set(s.incoming);
  const error = applyChanges(s, changes);
  if (error) return { error };
  s.autoLeave = autoLeave;
  return { config: fromSets(s) };
}

function leaveJoint(config: TrackerConfig): ChangeResult {
  if (config.voters.outgoing.length === 0) return { error: 'not in a joint configuration: nothing to leave' };
  const s = toSets(config);
  for (const id of s.learnersNext) s.learners.add(id);
  s.learnersNext.clear();
  s.outgoing.clear();
  s.autoLeave = false;
  return { config: fromSets(s) };
}

function simple(config: TrackerConfig, changes: readonly ConfChangeSingle[]): ChangeResult {
  if (config.voters.outgoing.length > 0) return { error: 'a simple change is not allowed in a joint configuration' };
  const s = toSets(config);
  const error = applyChanges(s, changes);
  if (error) return { error };
  let moved = 0;
  for (const id of s.incoming) if (!config.voters.incoming.includes(id)) moved++;
  for (const id of config.voters.incoming) if (!s.incoming.has(id)) moved++;
  if (moved > 1) return { error: 'more than one voter changed: use a joint change' };
  return { config: fromSets(s) };
}

function applyChanges(s: ConfSets, changes: readonly ConfChangeSingle[]): string | undefined {
  for (const change of changes) {
    const id = change.nodeId;
    if (!Number.isInteger(id) || id <= 0) return `invalid node id ${id} in a ${change.type} change`;
    if (change.type === 'addVoter') makeVoter(s, id);
    else if (change.type === 'addLearner') makeLearner(s, id);
    else if (change.type === 'removeNode') remove(s, id);
    else return `unknown change type ${String(change.type)}`;
  }
  if (s.incoming.size === 0) return 'the change removes every voter';
  return undefined;
}

function makeVoter(s: ConfSets, id: NodeId): void {
  s.learners.delete(id);
  s.learnersNext.delete(id);
  s.incoming.add(id);
}

function makeLearner(s: ConfSets, id: NodeId): void {
  if (s.learners.has(id)) return;
  s.incoming.delete(id);
  s.learnersNext.delete(id);
  // Still a voter of the outgoing half: it can only become a learner once that half is gone.
  if (s.outgoing.has(id)) s.learnersNext.add(id);
  else s.learners.add(id);
}

function remove(s: ConfSets, id: NodeId): void {
  s.incoming.delete(id);
  s.learners.delete(id);
  s.learnersNext.delete(id);
}
