// Commands of one connection take effect in the order they were sent (issue 14 §1), on the leader and
// on followers, in both worlds: raw pipelines in one TCP write, ioredis pipelines and auto-pipelining,
// and HTTP requests pipelined on one keep-alive connection.
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multibulk, RawClient } from '../prod/resp-harness.ts';
import { realWorld, simulatedWorld, type World } from './worlds.ts';

const nodes = [1, 2, 3];

describe.each([
  ['a simulated cluster (FIFO links, as TCP)', () => simulatedWorld(7, { fifoLinks: true })],
  ['a real 3-process cluster', () => realWorld(9191)],
])('per-connection order over %s', (_name, makeWorld) => {
  let world: World;
  let leader: number;
  const raws: RawClient[] = [];
  const redises: Redis[] = [];

  const raw = async (i: number): Promise<RawClient> => {
    const client = await RawClient.open(world.resp(i).port);
    raws.push(client);
    return client;
  };
  const redis = async (i: number, autoPipelining = false): Promise<Redis> => {
    const client = new Redis({ ...world.resp(i), lazyConnect: true, enableAutoPipelining: autoPipelining, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redises.push(client);
    await client.connect();
    return client;
  };
  const role = (i: number) => (i === leader ? 'leader' : 'follower');

  beforeAll(async () => {
    world = await makeWorld();
    const warm = await raw(1);
    // The first write waits out any leader change after start.
    for (let attempt = 0; attempt < 50; attempt++) {
      if ((await warm.command('SET', 'warmup', 'x')) === 'OK') break;
      await world.sleep(200);
    }
    leader = await world.leader();
  }, 60_000);

  afterAll(async () => {
    for (const client of raws) client.close();
    for (const client of redises) client.disconnect();
    await world?.close();
  });

  it.each(nodes)('SET k v + GET k in one TCP write reads v, every time (node %i)', async (i) => {
    const c = await raw(i);
    let wire = '';
    for (let n = 0; n < 30; n++) wire += multibulk('SET', `sg${i}.${n}`, `v${n}`) + multibulk('GET', `sg${i}.${n}`);
    c.send(wire);
    const replies = await c.replies(60, 20_000);
    const gets = replies.filter((_, at) => at % 2 === 1);
    expect(gets, `on the ${role(i)}`).toEqual(Array.from({ length: 30 }, (_, n) => `v${n}`));
  });

  it.each(nodes)('GET k + SET k new + GET k in one TCP write: the first GET reads the old value (node %i)', async (i) => {
    const c = await raw(i);
    const keys = Array.from({ length: 20 }, (_, n) => `gsg${i}.${n}`);
    let setup = '';
    for (const key of keys) setup += multibulk('SET', key, 'old');
    c.send(setup);
    expect(await c.replies(keys.length, 20_000)).toEqual(keys.map(() => 'OK'));
    let wire = '';
    for (const key of keys) wire += multibulk('GET', key) + multibulk('SET', key, 'new') + multibulk('GET', key);
    c.send(wire);
    const replies = await c.replies(keys.length * 3, 20_000);
    expect(replies, `on the ${role(i)}`).toEqual(keys.flatMap(() => ['old', 'OK', 'new']));
  });

  it.each(nodes)('1000 SETs then an MGET of some of them, in one TCP write, read every value (node %i)', async (i) => {
    const c = await raw(i);
    let wire = '';
    for (let n = 0; n < 1000; n++) wire += multibulk('SET', `ms${i}.${n}`, `v${n}`);
    const picked = [0, 1, 499, 998, 999];
    wire += multibulk('MGET', ...picked.map((n) => `ms${i}.${n}`));
    c.send(wire);
    const replies = await c.replies(1001, 30_000);
    expect(replies.slice(0, 1000).every((r) => r === 'OK')).toBe(true);
    expect(replies[1000], `on the ${role(i)}`).toEqual(picked.map((n) => `v${n}`));
  });

  it.each(nodes)('an ioredis pipeline of 1000 SETs and an MGET, then INCR/GET interleaved (node %i)', async (i) => {
    const client = await redis(i);
    const pipeline = client.pipeline();
    for (let n = 0; n < 1000; n++) pipeline.set(`ip${i}.${n}`, `v${n}`);
    pipeline.mget(`ip${i}.0`, `ip${i}.500`, `ip${i}.999`);
    for (let n = 0; n < 10; n++) pipeline.incr(`ipc${i}`).get(`ipc${i}`);
    const results = (await pipeline.exec())!;
    expect(results.every(([error]) => error === null)).toBe(true);
    expect(results[1000][1], `on the ${role(i)}`).toEqual(['v0', 'v500', 'v999']);
    const counters = results.slice(1001).map(([, value]) => value);
    expect(counters).toEqual(Array.from({ length: 10 }, (_, n) => [n + 1, String(n + 1)]).flat());
  });

  it.each(nodes)('ioredis auto-pipelining: SET then GET issued together read the write (node %i)', async (i) => {
    const client = await redis(i, true);
    const pairs = Array.from({ length: 50 }, (_, n) => [client.set(`ap${i}.${n}`, `v${n}`), client.get(`ap${i}.${n}`)] as const);
    const gets = await Promise.all(pairs.map(([, get]) => get));
    await Promise.all(pairs.map(([set]) => set));
    expect(gets, `on the ${role(i)}`).toEqual(Array.from({ length: 50 }, (_, n) => `v${n}`));
  });

  it.each(nodes)('HTTP: PUT then GET pipelined on one keep-alive connection reads the PUT (node %i)', async (i) => {
    const { hostname, port } = new URL(world.http(i));
    const requests = Array.from({ length: 10 }, (_, n) => {
      const body = `h${n}`;
      return (
        `PUT /v1/kv/hp${i} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
        `GET /v1/kv/hp${i} HTTP/1.1\r\nHost: x\r\n\r\n`
      );
    });
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => socket.write(`${requests.join('')}GET /v1/kv/hp${i} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString('latin1')));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
    });
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    expect(statuses).toEqual([...Array.from({ length: 10 }, () => [204, 200]).flat(), 200]);
    const bodies = [...text.matchAll(/\r\n\r\n(h\d)/g)].map((m) => m[1]);
    expect(bodies, `on the ${role(i)}`).toEqual([...Array.from({ length: 10 }, (_, n) => `h${n}`), 'h9']);
  });
});
