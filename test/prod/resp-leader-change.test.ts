// A real 3-process cluster: a follower's client is pipelining SETs when the leader freezes (SIGSTOP).
// The writes the follower forwarded are answered as soon as it gives up on that leader, with a TIMEOUT
// that says why (leadership changed), not after the 5 s request timeout; the connection then closes
// (its order after an unknown outcome cannot be promised), and a new connection works once a new
// leader is elected (issue 14 §3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterPorts } from '../../prod/config/cluster-files.ts';
import { LocalCluster } from './cluster-harness.ts';
import { multibulk, RawClient } from './resp-harness.ts';

describe('RESP when the leader freezes under a follower client pipeline', () => {
  let cluster: LocalCluster;
  let leader: number;
  let frozen: number | null = null;

  beforeAll(async () => {
    cluster = await LocalCluster.create(3, 0, 7373);
    for (const i of [1, 2, 3]) cluster.spawnChild(i);
    for (const i of [1, 2, 3]) await cluster.waitUp(i, 60_000);
    leader = await cluster.waitLeaderKnown([1, 2, 3], 60_000);
  }, 150_000);

  afterAll(async () => {
    if (frozen !== null) process.kill(frozen, 'SIGCONT');
    await cluster?.cleanup();
  });

  it('answers TIMEOUT naming the leadership change, closes the connection, and a new one works after the election', async () => {
    const follower = [1, 2, 3].find((i) => i !== leader)!;
    const port = clusterPorts(cluster.basePort, follower).resp;
    const client = await RawClient.open(port);
    let sent = 0;
    const sendBatch = () => {
      let wire = '';
      for (let n = 0; n < 50; n++) wire += multibulk('SET', `lc${sent + n}`, 'v');
      sent += 50;
      client.send(wire);
    };
    sendBatch();
    expect(await client.replies(50, 30_000), 'the pipeline is flowing').toEqual(Array(50).fill('OK'));
    frozen = cluster.pid(leader);
    process.kill(frozen!, 'SIGSTOP');
    // Keep writes in flight until the server gives up on the connection.
    while (!client.closed && sent < 200_000) {
      sendBatch();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await client.waitClosed(20_000);
    const text = client.rawBuffered();
    expect(text, 'a write cut off by the leader change says so').toMatch(/-TIMEOUT leadership changed before the request was confirmed \(term \d+, leader \d+ -> term \d+, leader (none|\d+)\) \(outcome unknown/);
    expect(text).not.toMatch(/no answer within 5000 ms/);
    expect(client.closed).toBe(true);
    // The two live nodes elect a leader; the follower's next connection is a fresh session.
    const fresh = await cluster.eventually('a SET through the follower after the election', async () => {
      const c = await RawClient.open(port);
      const reply = await c.command('SET', 'after', 'ok').catch(() => null);
      c.close();
      return reply === 'OK' ? reply : null;
    }, 30_000);
    expect(fresh).toBe('OK');
  }, 90_000);
});
