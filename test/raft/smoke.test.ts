import { describe, expect, it } from 'vitest';
import { RaftNetwork } from './network.ts';

describe('raft smoke', () => {
  it('elects a leader and replicates proposals to every node', () => {
    const net = new RaftNetwork([1, 2, 3]);
    net.campaign(1);
    expect(net.leader().id).toBe(1);
    expect(net.propose(1, 'a')).toBeNull();
    expect(net.propose(2, 'b')).toBeNull();
    net.stabilize();
    for (const n of net.nodes.values()) expect(n.appliedData()).toEqual(['a', 'b']);
  });
});
