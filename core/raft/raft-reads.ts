// Linearizable reads without writing to the log (thesis 6.4). ReadIndex: the leader notes its commit
// index, confirms it is still the leader with a heartbeat round acknowledged by a quorum, and answers
// with that index. It must first have committed an entry of its term, or its commit index may lag.
// Lease-based: with check-quorum, followers refuse to elect anyone for an election timeout after
// hearing from the leader, so the leader may answer at once while that promise (minus clock drift)
// still holds.
import { NONE } from '../types.ts';
import type { NodeId } from '../types.ts';
import { jointVoteResult } from './quorum/joint.ts';
import { bcastHeartbeat } from './raft-replication.ts';
import type { Raft } from './raft.ts';
import type { Message, ProposalError } from './types.ts';

export function committedEntryInCurrentTerm(r: Raft): boolean {
  return r.log.term(r.log.committed) === r.term;
}

export function leaderReadIndex(r: Raft, m: Message): ProposalError | null {
  if (!m.context || m.context.length === 0) return { code: 'proposalDropped', reason: 'a read request needs a non-empty context' };
  if (!committedEntryInCurrentTerm(r) && !r.bug('readIndexBeforeTermCommit')) {
    if (r.pendingReadIndex.length >= r.cfg.readIndexQueueMax) {
      return { code: 'proposalDropped', reason: `readIndexQueueMax ${r.cfg.readIndexQueueMax} reads already wait for the first commit` };
    }
    r.pendingReadIndex.push(m);
    return null;
  }
  return serveReadIndex(r, m);
}

function serveReadIndex(r: Raft, m: Message): ProposalError | null {
  const context = m.context!;
  if ((r.cfg.readOnlyOption === 'leaseBased' && leaseValid(r)) || r.trk.isSingleton()) {
    respond(r, m.from, r.log.committed, context);
    return null;
  }
  if (r.readOnly.size >= r.cfg.readIndexQueueMax) {
    return { code: 'proposalDropped', reason: `readIndexQueueMax ${r.cfg.readIndexQueueMax} reads already wait for a heartbeat round` };
  }
  r.readOnly.add(r.log.committed, m.from, context);
  handleReadAcks(r, r.id, context);
  bcastHeartbeat(r, context);
  return null;
}

/** Serves the reads that waited for this leader's first commit in its term. */
export function releasePendingReads(r: Raft): void {
  if (r.pendingReadIndex.length === 0 || !committedEntryInCurrentTerm(r)) return;
  const pending = r.pendingReadIndex;
  r.pendingReadIndex = [];
  for (const m of pending) serveReadIndex(r, m);
}

/** `from` acknowledged the heartbeat round carrying `context`. */
export function handleReadAcks(r: Raft, from: NodeId, context: Uint8Array): void {
  const acks = r.readOnly.recvAck(from, context);
  if (!acks || jointVoteResult(r.trk.config.voters, acks) !== 'won') return;
  for (const request of r.readOnly.advance(context)) respond(r, request.from, request.index, request.context);
}

function respond(r: Raft, from: NodeId, index: number, context: Uint8Array): void {
  if (from === NONE || from === r.id) {
    r.readStates.push({ index: index as Message['index'], context });
    r.trace('raft.read', () => ({ index, via: r.id }));
  } else {
    r.send('readIndexResp', from, r.term, { index, context });
  }
}

/** Whether the leader lease still holds at this tick (the oldest send a quorum acknowledged + timeout - drift). */
export function leaseValid(r: Raft): boolean {
  if (r.leaseDisabled) return false;
  const start = r.trk.quorumLeaseTick(r.id, r.tickCount);
  if (start < 0) return false;
  const drift = r.bug('leaseIgnoresClockDrift') ? 0 : r.cfg.leaseDriftTicksMax;
  return r.tickCount < start + r.cfg.electionTicks - drift;
}
