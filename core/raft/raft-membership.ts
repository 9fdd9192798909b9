// Membership changes in the Raft core: checking a proposed change (one at a time, joint rules),
// switching to a configuration once the host applied the change, leaving a joint configuration
// automatically, and stepping down when the leader is no longer a voter (thesis 4.2.2).
import { KvlabError, NONE } from '../types.ts';
import type { LogIndex, Term } from '../types.ts';
import { decodeConfChange, encodeConfChange } from '../codec/conf-change.ts';
import { applyConfChange, isLeaveJoint } from './confchange/changer.ts';
import { checkConfig } from './confchange/restore.ts';
import { leaderPropose } from './raft-leader.ts';
import { maybeCommit, onCommitAdvanced, sendTimeoutNow } from './raft-replication.ts';
import type { Raft } from './raft.ts';
import type { TrackerConfig } from './tracker/progress-tracker.ts';
import type { ConfChange, ConfState, Entry } from './types.ts';

/** Bytes of committed entries scanned per step when looking for unapplied membership changes. */
const CONF_SCAN_PAGE_BYTES = 1 << 20;

/** Why the leader must refuse this confChange entry now, or null. */
export function validateConfChangeEntry(r: Raft, entry: Entry): string | null {
  if (r.pendingConfIndex > r.log.applied && !r.bug('concurrentConfChanges')) {
    return `the membership change at index ${r.pendingConfIndex} is not applied yet (applied ${r.log.applied})`;
  }
  let cc: ConfChange;
  try {
    cc = decodeConfChange(entry.data);
  } catch (e) {
    if (e instanceof KvlabError) return e.message;
    throw e;
  }
  const joint = r.trk.isJoint();
  const leave = isLeaveJoint(cc);
  if (joint && !leave) return 'in a joint configuration: the only allowed change is leaving it';
  if (!joint && leave) return 'not in a joint configuration: there is nothing to leave';
  return applyConfChange(r.trk.config, cc).error ?? null;
}

/** The host applied a committed confChange entry: switch to the configuration it describes. */
export function applyConfChangeToRaft(r: Raft, cc: ConfChange): ConfState {
  const result = applyConfChange(r.trk.config, cc);
  if (result.error !== undefined) {
    // Validated at proposal, so this takes a host bug (or a bug-zoo mode); every replica does the same.
    r.trace('raft.confRejected', () => ({ reason: result.error }));
    return r.trk.confState();
  }
  switchToConfig(r, result.config);
  return r.trk.confState();
}

export function switchToConfig(r: Raft, config: TrackerConfig): void {
  checkConfig(config);
  r.trk.setConfig(config, r.log.lastIndex());
  // raft.conf is emitted by the host, which applies the change (and knows its index).
  if (r.role !== 'leader') return;
  if (!r.trk.isVoter(r.id) && !r.bug('removedLeaderKeepsLeading')) {
    handOff(r);
    r.trace('raft.stepDown', () => ({ term: r.term, reason: 'removed from the configuration' }));
    r.becomeFollower(r.term, NONE, 'STEP_DOWN');
    return;
  }
  if (r.leadTransferee !== NONE && !r.trk.isVoter(r.leadTransferee)) r.abortLeaderTransfer();
  // The quorum changed: the commit index may move, and new members need their first append.
  if (maybeCommit(r)) onCommitAdvanced(r);
  else r.appendsPending = true;
}

/** A removed leader asks the most caught-up voter to campaign at once, sparing an election timeout. */
function handOff(r: Raft): void {
  let best = NONE;
  let bestMatch = -1;
  for (const id of r.trk.voterIds()) {
    const pr = r.trk.progress.get(id);
    if (id !== r.id && pr && pr.match > bestMatch) {
      best = id;
      bestMatch = pr.match;
    }
  }
  if (best !== NONE && bestMatch === r.log.lastIndex()) sendTimeoutNow(r, best);
}

/** Whether a committed but not yet applied entry is a membership change. */
export function hasUnappliedConfChanges(r: Raft): boolean {
  let lo = r.log.applied + 1;
  const hi = r.log.committed + 1;
  while (lo < hi) {
    const page = r.log.slice(lo, hi, CONF_SCAN_PAGE_BYTES);
    if (!page || page.length === 0) return false;
    for (const e of page) if (e.type === 'confChange') return true;
    lo += page.length;
  }
  return false;
}

const LEAVE_JOINT: Uint8Array = encodeConfChange({ changes: [] });

/** Leader: once a joint configuration with autoLeave is applied, propose leaving it. */
export function maybeAutoLeave(r: Raft): void {
  if (r.role !== 'leader' || !r.trk.config.autoLeave || r.log.applied < r.pendingConfIndex) return;
  const error = leaderPropose(r, [{ term: 0 as Term, index: 0 as LogIndex, type: 'confChange', data: LEAVE_JOINT }]);
  r.trace('raft.autoLeave', () => ({ index: r.pendingConfIndex, error: error === null ? null : 'reason' in error ? error.reason : error.code }));
}
