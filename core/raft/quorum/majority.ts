// Majority quorums over one voter set: the highest index a majority has, and election results.
// An empty voter set is no constraint at all (it "commits everything" and "wins every vote"), which
// makes a joint configuration with an empty outgoing half behave like its incoming half alone.
import type { NodeId } from '../../types.ts';

export type VoteResult = 'pending' | 'lost' | 'won';

/** Reused across calls: quorum math runs on every acknowledgement. */
const scratch: number[] = [];

/**
 * The largest index that at least a majority of `voters` have acknowledged, given each voter's
 * acknowledged index (missing = 0). Infinity for an empty set.
 */
export function majorityCommitted(voters: readonly NodeId[], acked: (id: NodeId) => number): number {
  const n = voters.length;
  if (n === 0) return Infinity;
  scratch.length = n;
  for (let i = 0; i < n; i++) {
    // Insertion sort, descending: voter sets are small.
    const v = acked(voters[i]);
    let j = i;
    while (j > 0 && scratch[j - 1] < v) {
      scratch[j] = scratch[j - 1];
      j--;
    }
    scratch[j] = v;
  }
  return scratch[Math.floor(n / 2)];
}

/** Election outcome given the votes recorded so far (true granted, false rejected, absent pending). */
export function majorityVoteResult(voters: readonly NodeId[], votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  if (voters.length === 0) return 'won';
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) granted++;
  }
  const quorum = Math.floor(voters.length / 2) + 1;
  if (granted >= quorum) return 'won';
  if (granted + missing >= quorum) return 'pending';
  return 'lost';
}
