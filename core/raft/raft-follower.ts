// Followers: accept the leader's appends and heartbeats (paper 5.3), forward proposals, reads and
// transfer requests to it, and campaign at once when it hands over (timeoutNow).
import { NONE } from '../types.ts';
import { hup } from './raft-election.ts';
import { handleSnapshotChunk } from './raft-snapshot.ts';
import type { Raft } from './raft.ts';
import type { Message, ProposalError } from './types.ts';

export function stepFollower(r: Raft, m: Message): ProposalError | null {
  switch (m.type) {
    case 'prop':
    case 'readIndex':
      return forwardToLeader(r, m);
    case 'app':
      r.electionElapsed = 0;
      r.setLeader(m.from);
      handleAppend(r, m);
      return null;
    case 'heartbeat':
      r.electionElapsed = 0;
      r.setLeader(m.from);
      handleHeartbeat(r, m);
      return null;
    case 'snap':
      r.electionElapsed = 0;
      r.setLeader(m.from);
      handleSnapshotChunk(r, m);
      return null;
    case 'transferLeader':
      // m.from is the transferee; only the leader can act on it.
      if (r.lead !== NONE) r.forward({ ...m, to: r.lead });
      return null;
    case 'timeoutNow':
      // Leadership transfer never uses pre-vote: the leader vouched for our log.
      hup(r, 'transfer');
      return null;
    case 'readIndexResp':
      r.readStates.push({ index: m.index, context: m.context ?? new Uint8Array(0) });
      r.trace('raft.read', () => ({ index: m.index, via: m.from }));
      return null;
    default:
      return null;
  }
}

function forwardToLeader(r: Raft, m: Message): ProposalError | null {
  if (r.lead === NONE) return { code: 'notLeader', leader: NONE };
  if (!r.cfg.proposalForwarding) return { code: 'notLeader', leader: r.lead };
  r.forward({ ...m, from: r.id, to: r.lead, term: 0 as Message['term'], group: r.group });
  return null;
}

/** AppendEntries receiver (paper Figure 2). */
export function handleAppend(r: Raft, m: Message): void {
  if (m.index < r.log.committed) {
    // Everything up to our commit is known to match: tell the leader where to continue.
    r.send('appResp', m.from, r.term, { index: r.log.committed });
    return;
  }
  const lastNew = r.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries, r.bug('followerTruncatesWithoutConflict'));
  if (lastNew !== undefined) {
    r.traceCommit();
    r.send('appResp', m.from, r.term, { index: lastNew });
    return;
  }
  // Mismatch at m.index: suggest the last index whose term is <= m.logTerm, so the leader can skip a
  // whole diverging term per round trip instead of one entry.
  const [hintIndex, hintTerm] = r.log.findConflictByTerm(Math.min(m.index, r.log.lastIndex()), m.logTerm);
  r.send('appResp', m.from, r.term, { index: m.index, reject: true, rejectHint: hintIndex, logTerm: hintTerm });
}

export function handleHeartbeat(r: Raft, m: Message): void {
  r.log.commitTo(m.commit);
  r.traceCommit();
  r.send('heartbeatResp', m.from, r.term, { context: m.context, leaderTick: m.leaderTick });
}

