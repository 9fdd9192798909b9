// Leader-side log replication (paper 5.3) with etcd-style flow control: what to send each follower
// given its Progress, heartbeats, and the commit rule (paper 5.4.2: only entries of the current term
// are committed by counting replicas).
import type { NodeId } from '../types.ts';
import { entriesBytes } from './entries.ts';
import { releasePendingReads } from './raft-reads.ts';
import { maybeSendSnapshot } from './raft-snapshot.ts';
import type { Raft } from './raft.ts';
import type { Progress } from './tracker/progress.ts';

/** Sends `to` the next batch of entries (or an empty append when `sendIfEmpty`); false if nothing was sent. */
export function maybeSendAppend(r: Raft, to: NodeId, sendIfEmpty: boolean): boolean {
  const pr = r.trk.progress.get(to);
  if (!pr || pr.isPaused()) return false;
  const prevIndex = pr.next - 1;
  const prevTerm = r.log.term(prevIndex);
  if (prevTerm === undefined) return maybeSendSnapshot(r, to, pr);
  const entries = r.log.entriesFrom(pr.next, r.cfg.maxMsgBytes);
  if (entries === undefined) return maybeSendSnapshot(r, to, pr);
  if (entries.length === 0 && !sendIfEmpty) return false;
  const bytes = entries.length > 0 ? entriesBytes(entries) : 0;
  r.send('app', to, r.term, { index: prevIndex, logTerm: prevTerm, entries, commit: r.log.committed });
  pr.sentEntries(entries.length, bytes);
  if (pr.sentCommit < r.log.committed) pr.sentCommit = r.log.committed;
  if (entries.length > 0) traceProgress(r, to, pr);
  return true;
}

/** One append (even an empty one, carrying the commit index), then as many more as the window allows. */
export function sendAppend(r: Raft, to: NodeId): void {
  if (!maybeSendAppend(r, to, true)) return;
  sendAppendsWhileOpen(r, to);
}

/** New entries if any; an empty append only when the follower was not yet sent the commit index. */
export function sendAppendIfUseful(r: Raft, to: NodeId): void {
  const pr = r.trk.progress.get(to);
  if (pr && pr.sentCommit < r.log.committed) sendAppend(r, to);
  else sendAppendsWhileOpen(r, to);
}

/** Streams non-empty appends while the follower's window is open (bounded by the window's count). */
export function sendAppendsWhileOpen(r: Raft, to: NodeId): void {
  for (let i = 0; i < r.cfg.inflightMsgsMax && maybeSendAppend(r, to, false); i++);
}

export function bcastAppend(r: Raft): void {
  for (const id of r.trk.ids) if (id !== r.id) sendAppendIfUseful(r, id);
}

export function bcastHeartbeat(r: Raft, context: Uint8Array | undefined): void {
  for (const id of r.trk.ids) {
    if (id === r.id) continue;
    const pr = r.trk.progress.get(id)!;
    // Never ask a follower to commit beyond what it is known to have.
    const commit = Math.min(pr.match, r.log.committed);
    r.send('heartbeat', id, r.term, { commit, context, leaderTick: r.tickCount });
    if (pr.sentCommit < commit) pr.sentCommit = commit;
  }
}

/** Advances the commit index to what a quorum has, if that entry is of the current term. */
export function maybeCommit(r: Raft): boolean {
  const index = r.trk.committed();
  if (!Number.isFinite(index) || index <= r.log.committed) return false;
  // Figure 8: an entry of an earlier term on a majority can still be overwritten; it commits only
  // indirectly, with the first entry of this term.
  if (r.log.term(index) !== r.term && !r.bug('commitPreviousTermByCounting')) return false;
  r.log.commitTo(index);
  return true;
}

export function onCommitAdvanced(r: Raft): void {
  r.traceCommit();
  releasePendingReads(r);
  // Followers learn the new commit index with the next append.
  r.appendsPending = true;
}

export function sendTimeoutNow(r: Raft, to: NodeId): void {
  r.send('timeoutNow', to, r.term);
  // The target may now win an election before our lease runs out: no more lease reads this term.
  r.leaseDisabled = true;
  r.trace('raft.transfer', () => ({ to, event: 'timeoutNow' }));
}

export function traceProgress(r: Raft, peer: NodeId, pr: Progress): void {
  r.trace('raft.progress', () => ({ peer, match: pr.match, next: pr.next, state: pr.state }));
}
