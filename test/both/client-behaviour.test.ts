// One suite, two worlds: the same client code (ioredis over RESP, fetch over HTTP) against a
// simulated 3-node cluster — the real node host over the simulated network and disks, reached
// through in-process RESP and HTTP servers — and against a real 3-process cluster on 127.0.0.1.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realWorld, simulatedWorld, type World } from './worlds.ts';

describe.each([
  ['a simulated cluster', simulatedWorld],
  ['a real 3-process cluster', realWorld],
])('client behaviour over %s', (_name, makeWorld) => {
  let world: World;
  const clients: Redis[] = [];
  const redis = (i: number) => clients[i - 1];

  beforeAll(async () => {
    world = await makeWorld();
    for (const i of [1, 2, 3]) clients.push(new Redis({ ...world.resp(i), lazyConnect: true, maxRetriesPerRequest: 2, retryStrategy: () => null }));
    await Promise.all(clients.map((c) => c.connect()));
    // The first write waits out any leader change after start.
    for (let attempt = 0; attempt < 50; attempt++) {
      if ((await redis(1).set('warmup', 'x').catch(() => null)) === 'OK') break;
      await world.sleep(200);
    }
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await world?.close();
  });

  it('a write on one node is read, linearizably, on every node', async () => {
    expect(await redis(1).set('greeting', 'hello')).toBe('OK');
    for (const i of [1, 2, 3]) expect(await redis(i).get('greeting')).toBe('hello');
  });

  it('DEL, EXISTS and GET of a deleted key', async () => {
    await redis(2).mset('a1', '1', 'a2', '2');
    expect(await redis(3).exists('a1', 'a2', 'nope')).toBe(2);
    expect(await redis(1).del('a1', 'nope')).toBe(1);
    expect(await redis(2).get('a1')).toBeNull();
    expect(await redis(3).mget('a1', 'a2')).toEqual([null, '2']);
  });

  it('INCR, INCRBY, DECRBY, and an error for a non-integer', async () => {
    expect(await redis(1).incr('counter')).toBe(1);
    expect(await redis(2).incrby('counter', 41)).toBe(42);
    expect(await redis(3).decrby('counter', 2)).toBe(40);
    await redis(1).set('word', 'abc');
    await expect(redis(2).incr('word')).rejects.toThrow('ERR value is not an integer or out of range');
  });

  it('SET NX / XX / GET, APPEND, STRLEN, GETDEL', async () => {
    expect(await redis(1).set('nx', 'first', 'NX')).toBe('OK');
    expect(await redis(2).set('nx', 'second', 'NX')).toBeNull();
    expect(await redis(3).set('absent', 'v', 'XX')).toBeNull();
    expect(await redis(1).set('nx', 'third', 'GET')).toBe('first');
    expect(await redis(2).append('nx', '!')).toBe(6);
    expect(await redis(3).strlen('nx')).toBe(6);
    expect(await redis(1).getdel('nx')).toBe('third!');
    expect(await redis(2).exists('nx')).toBe(0);
  });

  it('expiry: PTTL counts down, PERSIST clears it, a short PEXPIRE makes the key vanish', async () => {
    await redis(1).set('ttl', 'v', 'EX', 100);
    const pttl = await redis(2).pttl('ttl');
    expect(pttl).toBeGreaterThan(90_000);
    expect(pttl).toBeLessThanOrEqual(100_000);
    expect(await redis(3).persist('ttl')).toBe(1);
    expect(await redis(1).ttl('ttl')).toBe(-1);
    expect(await redis(2).pexpire('ttl', 200)).toBe(1);
    await world.sleep(400);
    expect(await redis(3).get('ttl')).toBeNull();
    expect(await redis(1).ttl('ttl')).toBe(-2);
  });

  it('HTTP: PUT, GET on another node, compare-and-set, DELETE', async () => {
    const put = await fetch(`${world.http(1)}/v1/kv/doc`, { method: 'PUT', body: 'v1' });
    expect(put.status).toBe(204);
    const got = await fetch(`${world.http(2)}/v1/kv/doc`);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('v1');
    const cas = (expected: string | null, value: string) =>
      fetch(`${world.http(3)}/v1/kv/doc/cas`, { method: 'POST', body: JSON.stringify({ expected, value }), headers: { 'content-type': 'application/json' } });
    const ok = await cas('v1', 'v2');
    expect([ok.status, await ok.json()]).toEqual([200, { ok: true }]);
    const conflict = await cas('v1', 'v3');
    expect([conflict.status, await conflict.json()]).toEqual([409, { ok: false, current: 'v2' }]);
    expect((await fetch(`${world.http(1)}/v1/kv/doc`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${world.http(2)}/v1/kv/doc`)).status).toBe(404);
  });

  it('binary-safe values survive the round trip', async () => {
    const bytes = Buffer.from([0, 1, 2, 254, 255, 10, 13, 0]);
    await redis(1).set(Buffer.from('bin'), bytes);
    expect(Buffer.compare((await redis(3).getBuffer('bin'))!, bytes)).toBe(0);
  });
});
