// The leader: proposals, follower answers (appends, heartbeats, snapshot chunks), check-quorum and
// leadership transfer (thesis 3.10).
import { NONE, assert } from '../types.ts';
import type { NodeId } from '../types.ts';
import { payloadBytes } from './entries.ts';
import { validateConfChangeEntry } from './raft-membership.ts';
import { handleReadAcks, leaderReadIndex } from './raft-reads.ts';
import { bcastHeartbeat, maybeCommit, onCommitAdvanced, sendAppend, sendAppendIfUseful, sendAppendsWhileOpen, sendTimeoutNow, traceProgress } from './raft-replication.ts';
import { handleSnapResp, handleSnapStatus } from './raft-snapshot.ts';
import type { Raft } from './raft.ts';
import type { Progress } from './tracker/progress.ts';
import type { Entry, Message, ProposalError } from './types.ts';

export function stepLeader(r: Raft, m: Message): ProposalError | null {
  switch (m.type) {
    case 'beat':
      bcastHeartbeat(r, r.readOnly.lastContext());
      return null;
    case 'checkQuorum':
      checkQuorumRound(r);
      return null;
    case 'prop':
      return leaderPropose(r, m.entries);
    case 'readIndex':
      return leaderReadIndex(r, m);
    case 'transferLeader':
      startTransfer(r, m.from);
      return null;
    case 'app':
    case 'heartbeat':
    case 'snap':
      assert(false, () => `two leaders in term ${r.term}: ${r.id} and ${m.from}`);
  }
  const pr = r.trk.progress.get(m.from);
  if (!pr) return null; // an answer from a node no longer in the configuration
  switch (m.type) {
    case 'appResp':
      handleAppResp(r, m, pr);
      break;
    case 'heartbeatResp':
      handleHeartbeatResp(r, m, pr);
      break;
    case 'snapResp':
      handleSnapResp(r, m, pr);
      break;
    case 'snapStatus':
      handleSnapStatus(r, m, pr);
      break;
    case 'unreachable':
      // The transport lost messages: stop streaming and probe.
      if (pr.state === 'replicate') pr.becomeProbe();
      break;
  }
  return null;
}

/** Steps down unless a quorum was heard from within the last election timeout. */
export function checkQuorumRound(r: Raft): void {
  if (!r.trk.quorumActive(r.id)) {
    r.trace('raft.stepDown', () => ({ term: r.term, reason: 'checkQuorum' }));
    r.becomeFollower(r.term, NONE, 'STEP_DOWN');
  }
  for (const [id, pr] of r.trk.progress) if (id !== r.id) pr.recentActive = false;
}

export function leaderPropose(r: Raft, proposed: readonly Entry[]): ProposalError | null {
  if (proposed.length === 0) return { code: 'proposalDropped', reason: 'empty proposal' };
  if (proposed.length > r.cfg.proposalEntriesMax) {
    return { code: 'tooLarge', reason: `${proposed.length} entries in one proposal (proposalEntriesMax ${r.cfg.proposalEntriesMax})` };
  }
  if (!r.trk.progress.has(r.id) && !r.bug('removedLeaderKeepsLeading')) {
    return { code: 'proposalDropped', reason: 'this node is no longer a member' };
  }
  if (r.leadTransferee !== NONE) return { code: 'proposalDropped', reason: `leadership transfer to ${r.leadTransferee} in progress` };
  let entries = proposed;
  let confIndex = -1;
  for (let i = 0; i < proposed.length; i++) {
    if (proposed[i].type !== 'confChange') continue;
    const error = validateConfChangeEntry(r, proposed[i]);
    if (error === null && confIndex < 0) {
      confIndex = i;
      continue;
    }
    const reason = error ?? 'one membership change per proposal';
    if (proposed.length === 1) return { code: 'proposalDropped', reason };
    // In a batch (forwarded from a follower), keep the others: the bad change becomes a no-op entry.
    if (entries === proposed) entries = proposed.slice();
    (entries as Entry[])[i] = { ...proposed[i], type: 'normal', data: new Uint8Array(0) };
  }
  const bytes = payloadBytes(entries);
  const max = r.cfg.uncommittedBytesMax;
  if (max > 0 && bytes > max) return { code: 'tooLarge', reason: `proposal of ${bytes} bytes exceeds uncommittedBytesMax ${max}` };
  if (max > 0 && r.uncommittedBytes + bytes > max) {
    return { code: 'proposalDropped', reason: `uncommitted entries would exceed uncommittedBytesMax ${max}` };
  }
  r.uncommittedBytes += bytes;
  const first = r.log.lastIndex() + 1;
  r.appendEntries(entries);
  if (confIndex >= 0) r.pendingConfIndex = first + confIndex;
  return null;
}

function handleAppResp(r: Raft, m: Message, pr: Progress): void {
  pr.recentActive = true;
  if (m.reject) {
    // logTerm carries the term of the follower's hint entry: skip our entries of terms above it.
    const probe = m.logTerm > 0 ? r.log.findConflictByTerm(m.rejectHint, m.logTerm)[0] : m.rejectHint;
    if (pr.maybeDecrTo(m.index, probe)) {
      if (pr.state === 'replicate') pr.becomeProbe();
      traceProgress(r, m.from, pr);
      sendAppend(r, m.from);
    }
    return;
  }
  const wasPaused = pr.isPaused();
  if (!pr.maybeUpdate(m.index) && !(pr.match === m.index && pr.state === 'probe')) return;
  if (pr.state === 'probe') {
    pr.becomeReplicate();
  } else if (pr.state === 'snapshot' && pr.match + 1 >= r.log.firstIndex()) {
    // The snapshot (or a fresher log) arrived: continue from the log.
    pr.becomeProbe();
    pr.becomeReplicate();
  } else if (pr.state === 'replicate') {
    pr.inflights.freeLE(m.index);
  }
  traceProgress(r, m.from, pr);
  if (maybeCommit(r)) onCommitAdvanced(r);
  else if (wasPaused) sendAppendIfUseful(r, m.from); // it may have missed the latest commit index
  sendAppendsWhileOpen(r, m.from);
  if (m.from === r.leadTransferee && pr.match === r.log.lastIndex()) sendTimeoutNow(r, m.from);
}

function handleHeartbeatResp(r: Raft, m: Message, pr: Progress): void {
  pr.recentActive = true;
  pr.msgAppFlowPaused = false;
  if (m.leaderTick !== undefined && m.leaderTick > pr.leaseAckTick) pr.leaseAckTick = m.leaderTick;
  // The follower is alive but the window stayed full: appends were lost. One more append reveals the
  // gap (the follower rejects it) and sends us back to probing.
  if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
  if (pr.match < r.log.lastIndex()) sendAppend(r, m.from);
  if (m.context !== undefined && m.context.length > 0) handleReadAcks(r, m.from, m.context);
}

function startTransfer(r: Raft, to: NodeId): void {
  const pr = r.trk.progress.get(to);
  if (!pr || pr.isLearner || !r.trk.isVoter(to)) {
    r.trace('raft.transfer', () => ({ to, event: 'ignored', reason: 'not a voter' }));
    return;
  }
  if (r.leadTransferee === to) return; // already in progress
  r.abortLeaderTransfer();
  if (to === r.id) return; // already the leader
  // The transfer must finish within an election timeout (tickHeartbeat aborts it).
  r.electionElapsed = 0;
  r.leadTransferee = to;
  r.trace('raft.transfer', () => ({ to, event: 'start' }));
  if (pr.match === r.log.lastIndex()) sendTimeoutNow(r, to);
  else sendAppend(r, to);
}
