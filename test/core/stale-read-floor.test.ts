// ReadOptions.appliedIndexMin: a stale read waits until the serving replica has applied the session's
// latest acknowledged write (session-order.ts fills it in), over the real node host in a simulated cluster.
import { describe, expect, it } from 'vitest';
import type { KvResult } from '../../core/kv/commands.ts';
import type { ClientError, WriteReceipt } from '../../core/node/client-api.ts';
import { groupId, nodeId, type NodeId } from '../../core/types.ts';
import { SimClusterApi } from '../support/sim-cluster-api.ts';

const group = groupId(1);

function setup(seed: number) {
  const sim = new SimClusterApi(3, seed);
  const leader = sim.cluster.leader()!;
  const follower = [1, 2, 3].map(nodeId).find((id) => id !== leader)!;
  const staleRead = (node: NodeId, appliedIndexMin: number, timeoutMs = 2_000) => {
    const answer: { error?: ClientError | null; result?: KvResult } = {};
    sim.cluster.world.sim.schedule(0, () => {
      sim.cluster.node(node)!.read({ op: 'get', key: 'k' }, { consistency: 'stale', appliedIndexMin: new Map([[group, appliedIndexMin]]), timeoutMs }, (error, result) => {
        answer.error = error;
        answer.result = result;
      });
    }, node);
    return answer;
  };
  const write = (value: string): WriteReceipt => {
    let receipt: WriteReceipt | undefined;
    sim.api(leader).write({ op: 'set', key: 'k', value }, {}, (error, _result, r) => {
      expect(error).toBeNull();
      receipt = r;
    });
    return receipt!;
  };
  return { sim, leader, follower, staleRead, write };
}

describe('a stale read with appliedIndexMin', () => {
  it('answers at once when the replica has applied that far', () => {
    const { sim, follower, staleRead, write } = setup(3);
    const receipt = write('v1');
    sim.sleep(50);
    const answer = staleRead(follower, receipt.index);
    sim.sleep(1);
    expect(answer.result).toEqual({ kind: 'value', value: 'v1' });
  });

  it('waits for the replica to apply the floor, then reads what it had applied by then', () => {
    for (const seed of [1, 2, 5]) {
      const { sim, follower, staleRead, write } = setup(seed);
      const floor = sim.cluster.node(follower)!.replica()!.appliedIndex() + 3;
      const answer = staleRead(follower, floor);
      sim.sleep(100);
      expect(answer.error, `seed ${seed}: nothing applied yet`).toBeUndefined();
      const receipts = ['w1', 'w2', 'w3', 'w4', 'w5'].map((value) => ({ value, receipt: write(value) }));
      sim.sleep(100);
      const expected = receipts.filter((w) => w.receipt.index <= floor).at(-1)!.value;
      expect(answer.error, `seed ${seed}`).toBeNull();
      expect(answer.result, `seed ${seed}`).toEqual({ kind: 'value', value: expected });
    }
  });

  it('times out (a read: no effect either way) when the floor is never reached', () => {
    const { sim, follower, staleRead } = setup(4);
    const answer = staleRead(follower, 1_000_000, 300);
    sim.sleep(400);
    expect(answer.error?.code).toBe('timeout');
  });
});
