// Joint quorums (Raft thesis 4.3): a decision needs a majority of the incoming AND of the outgoing
// voter set. Outside a joint change the outgoing set is empty and only the incoming one counts.
import type { NodeId } from '../../types.ts';
import { majorityCommitted, majorityVoteResult } from './majority.ts';
import type { VoteResult } from './majority.ts';

export interface JointVoters {
  readonly incoming: readonly NodeId[];
  readonly outgoing: readonly NodeId[];
}

export function jointCommitted(voters: JointVoters, acked: (id: NodeId) => number): number {
  return Math.min(majorityCommitted(voters.incoming, acked), majorityCommitted(voters.outgoing, acked));
}

export function jointVoteResult(voters: JointVoters, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  const a = majorityVoteResult(voters.incoming, votes);
  const b = majorityVoteResult(voters.outgoing, votes);
  if (a === b) return a;
  if (a === 'lost' || b === 'lost') return 'lost';
  return 'pending';
}
