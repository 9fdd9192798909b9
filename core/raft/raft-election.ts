// Elections (paper 5.2, 5.4.1; thesis 9.6 pre-vote): starting a campaign, answering (pre-)vote
// requests, and counting answers as a (pre-)candidate.
import { NONE } from '../types.ts';
import { TRANSFER_CONTEXT } from './messages.ts';
import { hasUnappliedConfChanges } from './raft-membership.ts';
import { handleAppend, handleHeartbeat } from './raft-follower.ts';
import { handleSnapshotChunk } from './raft-snapshot.ts';
import type { Raft } from './raft.ts';
import type { Message, ProposalError } from './types.ts';

export type CampaignKind = 'preElection' | 'election' | 'transfer';

/** The election timer fired, the host asked to campaign, or the leader handed over (transfer). */
export function hup(r: Raft, kind: CampaignKind): void {
  if (r.role === 'leader') return;
  if (!r.promotable()) return;
  // A membership change committed but not applied could make us campaign in the wrong configuration.
  if (hasUnappliedConfChanges(r)) {
    r.trace('raft.campaignSkipped', () => ({ term: r.term, reason: 'unapplied membership change' }));
    // The leader handed over (often right after removing itself): campaign once the change is applied.
    if (kind === 'transfer') r.transferCampaignPending = true;
    return;
  }
  if (kind === 'transfer') {
    campaign(r, 'transfer');
    return;
  }
  r.trace('raft.campaign', () => ({ term: r.term, campaign: kind }));
  campaign(r, kind);
}

function campaign(r: Raft, kind: CampaignKind): void {
  let term: number;
  if (kind === 'preElection') {
    r.becomePreCandidate({ type: 'TIMEOUT', preVote: true });
    term = r.term + 1; // the term we would campaign in; ours stays until the pre-vote is won
  } else {
    const event = kind === 'transfer' ? { type: 'TIMEOUT_NOW' as const } : r.role === 'preCandidate' ? { type: 'PRE_VOTE_WON' as const } : { type: 'TIMEOUT' as const, preVote: false };
    r.becomeCandidate(event);
    term = r.term;
  }
  r.trk.recordVote(r.id, true);
  if (r.trk.voteResult() === 'won') {
    // A single voter wins at once.
    if (kind === 'preElection') campaign(r, 'election');
    else r.becomeLeader();
    return;
  }
  const type = kind === 'preElection' ? 'preVote' : 'vote';
  const index = r.log.lastIndex();
  const logTerm = r.log.lastTerm();
  const context = kind === 'transfer' ? TRANSFER_CONTEXT : undefined;
  for (const id of r.trk.voterIds()) {
    if (id !== r.id) r.send(type, id, term, { index, logTerm, context });
  }
}

/** Answers a vote or pre-vote request whose term is not below ours. */
export function handleVoteRequest(r: Raft, m: Message): void {
  const canVote =
    r.vote === m.from ||
    (r.vote === NONE && r.lead === NONE) ||
    // A pre-vote for a future term: we would vote then if its log is good enough.
    (m.type === 'preVote' && m.term > r.term);
  const logOk = r.bug('voteWithoutLogCheck') || r.log.isUpToDate(m.index, m.logTerm);
  const respType = m.type === 'vote' ? 'voteResp' : 'preVoteResp';
  if (canVote && logOk) {
    // Answer with the request's term: a pre-candidate ignores answers from other terms.
    r.send(respType, m.from, m.term);
    if (m.type === 'vote') {
      r.electionElapsed = 0;
      r.vote = m.from;
      r.trace('raft.vote', () => ({ term: r.term, for: m.from }));
    }
  } else {
    rejectVote(r, m.from, respType);
  }
}

/**
 * Refuses a (pre-)vote. The refusal carries our commit point (index and its term), so a candidate that
 * missed the commit of a membership change learns it here: see learnCommitFromRefusal.
 */
export function rejectVote(r: Raft, to: Message['from'], respType: 'voteResp' | 'preVoteResp'): void {
  const commit = r.log.committed;
  r.send(respType, to, r.term, { reject: true, commit, logTerm: r.log.term(commit) ?? 0 });
}

/**
 * A refused (pre-)vote told us the refuser's commit point. If our entry there has the same term, Log
 * Matching makes our log equal to its log up to that index, which is committed: we may commit it too.
 * Only a leader spreads the commit index otherwise, and a voter that missed the commit of a change
 * removing the old leader would keep campaigning in the old configuration, needing the vote of the removed
 * node, which neither campaigns (it is no member) nor grants it when its log is longer (docs/raft.md).
 */
export function learnCommitFromRefusal(r: Raft, m: Message): void {
  if (r.bug('voteRefusalHidesCommit')) return;
  if (m.commit <= r.log.committed || !r.log.matchTerm(m.commit, m.logTerm)) return;
  r.log.commitTo(m.commit);
  r.traceCommit();
}

/** Pre-candidates and candidates. */
export function stepCandidate(r: Raft, m: Message): ProposalError | null {
  const myResp = r.role === 'preCandidate' ? 'preVoteResp' : 'voteResp';
  switch (m.type) {
    case 'prop':
    case 'readIndex':
      return { code: 'notLeader', leader: NONE };
    case 'app':
      r.becomeFollower(m.term, m.from, 'LEADER_FOUND');
      handleAppend(r, m);
      return null;
    case 'heartbeat':
      r.becomeFollower(m.term, m.from, 'LEADER_FOUND');
      handleHeartbeat(r, m);
      return null;
    case 'snap':
      r.becomeFollower(m.term, m.from, 'LEADER_FOUND');
      handleSnapshotChunk(r, m);
      return null;
    default:
      if (m.type === myResp) countVote(r, m);
      return null;
  }
}

function countVote(r: Raft, m: Message): void {
  r.trk.recordVote(m.from, !m.reject);
  const result = r.trk.voteResult();
  if (result === 'won') {
    if (r.role === 'preCandidate') campaign(r, 'election');
    else r.becomeLeader();
  } else if (result === 'lost') {
    // A pre-candidate returns to its term; a candidate stays in the term it started.
    r.becomeFollower(r.term, NONE, 'ELECTION_LOST');
  }
}
