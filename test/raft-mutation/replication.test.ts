// The commit rule of paper 5.4.2 (Figure 8) at the leader, driven by hand-made answers: an entry of an
// earlier term that a quorum holds is not committed by counting replicas, only together with the first
// entry of the leader's own term. (Mutation testing showed the rule's inversion was already caught by
// test/raft; this pins it directly, without a scenario. The surviving `return true` of that line is
// equivalent: see docs/mutation.md.)
import { describe, expect, it } from 'vitest';
import { makeMessage } from '../../core/raft/messages.ts';
import { logIndex, nodeId } from '../../core/types.ts';
import { GROUP, RaftNetwork, setLog } from '../raft/network.ts';

describe('commit rule (Figure 8)', () => {
  it('entries of an earlier term on a quorum wait for an entry of the current term', () => {
    const net = new RaftNetwork([1, 2, 3]);
    for (const id of [1, 2, 3]) setLog(net, id, [1, 1], 1); // entries 2 and 3 of term 1, commit 1
    net.dropIf = (m) => m.type === 'app'; // votes only: no follower acknowledges anything
    net.node(1).raw.campaign();
    net.stabilize();
    const leader = net.node(1);
    expect(leader.status()).toMatchObject({ role: 'leader', term: 2, lastIndex: 4, commit: 1 });
    const ack = (from: number, index: number) => leader.raw.step(makeMessage('appResp', GROUP, nodeId(from), nodeId(1), 2, { index: logIndex(index) }));
    ack(2, 3); // a quorum (1 and 2) holds entry 3 of term 1
    expect(leader.status().commit).toBe(1);
    ack(2, 4); // and now entry 4 of term 2: both commit
    expect(leader.status().commit).toBe(4);
  });
});
