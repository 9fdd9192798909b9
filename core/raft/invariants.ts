// What must hold between any two inputs of a Raft node (TigerBeetle's `defer self.invariants()`): the
// node checks it after every step, tick and advance, so a bug surfaces at the input that caused it, as
// an AssertionFailure the simulator reports with its seed, not as a later, stranger symptom. Every check
// is a few comparisons (the per-peer loop runs on the leader over its handful of peers) and builds its
// message only when it fails, cheap enough to stay on in every run and in production.
import { AssertionFailure, NONE } from '../types.ts';
import type { Raft } from './raft.ts';
import { roleOf } from './role-machine.ts';

/** What the previous check saw: the commit index and the term never go back. */
export interface InvariantMarks {
  commit: number;
  term: number;
}

export function checkInvariants(r: Raft, marks: InvariantMarks): void {
  const log = r.log;
  const last = log.lastIndex();
  if (!(log.applied <= log.applying && log.applying <= log.committed && log.committed <= last)) {
    fail(r, `applied ${log.applied} <= applying ${log.applying} <= committed ${log.committed} <= last index ${last} does not hold`);
  }
  if (log.committed < log.firstIndex() - 1) fail(r, `commit ${log.committed} is below the compacted prefix (first index ${log.firstIndex()})`);
  if (log.committed < marks.commit) fail(r, `commit regressed from ${marks.commit} to ${log.committed}`);
  if (r.term < marks.term) fail(r, `term regressed from ${marks.term} to ${r.term}`);
  marks.commit = log.committed;
  marks.term = r.term;
  if (r.role !== roleOf(r.roleSnapshot)) fail(r, `role ${r.role} but the role machine is in ${roleOf(r.roleSnapshot)}`);
  if (r.uncommittedBytes < 0) fail(r, `uncommitted bytes ${r.uncommittedBytes} < 0`);
  if (r.lead !== NONE && r.lead !== r.termLeader) fail(r, `follows ${r.lead} but saw ${r.termLeader} lead term ${r.term}`);
  if (r.role === 'leader') checkLeader(r, last);
  else checkNonLeader(r);
}

function checkLeader(r: Raft, last: number): void {
  if (r.lead !== r.id || r.vote !== r.id) fail(r, `leads term ${r.term} but follows ${r.lead} and voted for ${r.vote}`);
  for (const [id, pr] of r.trk.progress) {
    // A follower acknowledges only what this leader sent, and this leader's log only grows in its term.
    if (pr.match >= pr.next || pr.match > last) fail(r, `(leader, last index ${last}): progress of ${id} has match ${pr.match}, next ${pr.next}`);
  }
  // Its own log counts towards commit only once durable.
  const self = r.trk.progress.get(r.id);
  if (self && self.match > r.log.lastStableIndex()) fail(r, `(leader): own match ${self.match} beyond its durable index ${r.log.lastStableIndex()}`);
}

function checkNonLeader(r: Raft): void {
  if (r.lead === r.id) fail(r, `is a ${r.role} but names itself leader of term ${r.term}`);
  if (r.leadTransferee !== NONE) fail(r, `is a ${r.role} with a leadership transfer to ${r.leadTransferee} pending`);
  if (r.role === 'candidate' && r.vote !== r.id) fail(r, `campaigns in term ${r.term} but voted for ${r.vote}`);
  if (r.role !== 'follower' && r.lead !== NONE) fail(r, `is a ${r.role} but follows ${r.lead}`);
}

function fail(r: Raft, what: string): never {
  throw new AssertionFailure(`Raft invariant: node ${r.id} (group ${r.group}): ${what}`);
}
