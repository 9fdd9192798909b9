// The RESP server over real TCP on 127.0.0.1: ordering of pipelined replies, partial frames, protocol
// errors, QUIT, AUTH, connection and pipeline limits with backpressure, idle timeout, internal errors.
import { afterEach, describe, expect, it } from 'vitest';
import type { KvRead, KvResult, KvWrite } from '../../core/kv/commands.ts';
import type { ClientCallback, KvClientApi } from '../../core/node/client-api.ts';
import { MetricsRegistry } from '../../prod/metrics/registry.ts';
import { requestMetrics } from '../../prod/metrics/request-metrics.ts';
import { startRespServer, type RespServer, type RespServerOptions } from '../../prod/resp/server.ts';
import { LocalKvApi } from '../support/local-kv-api.ts';
import { multibulk, RawClient } from './resp-harness.ts';

const servers: RespServer[] = [];
const clients: RawClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(options: Partial<RespServerOptions> = {}): Promise<RespServer> {
  const server = await startRespServer({ host: '127.0.0.1', port: 0, api: new LocalKvApi(), ...options });
  servers.push(server);
  return server;
}

async function client(server: RespServer): Promise<RawClient> {
  const c = await RawClient.open(server.port);
  clients.push(c);
  return c;
}

/** A node whose answers wait until the test releases them; records how many were pending at most. */
class HeldApi implements KvClientApi {
  private readonly inner = new LocalKvApi();
  readonly held: (() => void)[] = [];
  pendingMax = 0;
  received = 0;

  write(write: KvWrite, options: object, done: ClientCallback): void {
    this.hold(() => this.inner.write(write, options, done));
  }

  read(read: KvRead, options: object, done: ClientCallback): void {
    this.hold(() => this.inner.read(read, options, done));
  }

  private hold(answer: () => void): void {
    this.received += 1;
    this.held.push(answer);
    this.pendingMax = Math.max(this.pendingMax, this.held.length);
  }

  releaseAll(): number {
    const answers = this.held.splice(0);
    for (const answer of answers) answer();
    return answers.length;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RESP server', () => {
  it('answers a pipeline in request order although the node answers out of order', async () => {
    const delays: Record<string, number> = { slow: 60, mid: 25 };
    const api = new LocalKvApi({
      delayMs: (request) => (request.kind === 'read' && request.read.op === 'get' ? (delays[request.read.key] ?? 1) : 1),
    });
    const server = await serve({ api });
    const c = await client(server);
    c.send(multibulk('GET', 'slow') + multibulk('SET', 'a', '1') + multibulk('GET', 'mid') + 'PING\r\n' + multibulk('GET', 'a'));
    expect(await c.replies(5)).toEqual([null, 'OK', null, 'PONG', '1']);
  });

  it('runs pipelined commands in the order sent: SET k v + GET k reads v although writes are slower than reads', async () => {
    const server = await serve({ api: new LocalKvApi({ delayMs: (request) => (request.kind === 'write' ? 30 : 0) }) });
    const c = await client(server);
    c.send(multibulk('SET', 'k', 'v') + multibulk('GET', 'k') + multibulk('SET', 'k', 'w') + multibulk('SET', 'j', 'x') + multibulk('MGET', 'k', 'j'));
    expect(await c.replies(5)).toEqual(['OK', 'v', 'OK', 'OK', ['w', 'x']]);
  });

  it('runs pipelined commands in the order sent: GET k + SET k new + GET k, reads slower than writes', async () => {
    const server = await serve({ api: new LocalKvApi({ delayMs: (request) => (request.kind === 'read' ? 30 : 0) }) });
    const c = await client(server);
    c.send(multibulk('GET', 'k') + multibulk('SET', 'k', 'new') + multibulk('GET', 'k') + multibulk('DEL', 'k') + multibulk('EXISTS', 'k'));
    expect(await c.replies(5)).toEqual([null, 'OK', 'new', 1, 0]);
  });

  it('after a write answered TIMEOUT, the commands read with it answer without running, then the connection closes', async () => {
    const api = new LocalKvApi({
      delayMs: (request) => (request.kind === 'write' ? 20 : 0),
      fail: (request) => (request.kind === 'write' && request.write.op === 'set' ? { code: 'timeout', message: 'the leader stepped down', outcome: 'unknown' } : null),
    });
    const server = await serve({ api });
    const c = await client(server);
    c.send(multibulk('SET', 'a', '1') + multibulk('GET', 'a') + 'PING\r\n' + multibulk('INCR', 'n'));
    const replies = await c.replies(4);
    expect(replies[0]).toEqual({ error: expect.stringMatching(/^TIMEOUT the leader stepped down \(outcome unknown/) });
    expect(replies[1]).toEqual({ error: expect.stringMatching(/^ERR not executed: an earlier write of this session has an unknown outcome/) });
    expect(replies[2]).toBe('PONG');
    expect(replies[3]).toEqual({ error: expect.stringMatching(/^ERR not executed/) });
    expect(await c.waitClosed()).toBe(true);
    expect(api.requests.map((r) => r.kind), 'only the SET reached the node').toEqual(['write']);
    const fresh = await client(server);
    expect(await fresh.command('INCR', 'n'), 'a new connection is a new session').toBe(1);
  });

  it('assembles commands split across TCP writes', async () => {
    const server = await serve();
    const c = await client(server);
    const wire = multibulk('SET', 'key', 'x'.repeat(5000)) + multibulk('GET', 'key');
    for (const cut of [3, 17, 2000, 5015]) {
      c.send(wire.slice(0, cut));
      await sleep(5);
      c.send(wire.slice(cut));
      expect(await c.replies(2)).toEqual(['OK', 'x'.repeat(5000)]);
    }
  });

  it('round-trips a 2 MiB value sent in many chunks', async () => {
    const server = await serve();
    const c = await client(server);
    const value = Buffer.alloc(2 * 1024 * 1024, 0xab).toString('latin1');
    const wire = Buffer.from(multibulk('SET', 'big', value), 'latin1');
    for (let at = 0; at < wire.length; at += 100_000) c.send(wire.subarray(at, at + 100_000));
    expect(await c.replies(1)).toEqual(['OK']);
    expect(await c.command('STRLEN', 'big')).toBe(value.length);
    expect(await c.command('GET', 'big')).toBe(value);
  });

  it('accepts inline commands like telnet', async () => {
    const server = await serve();
    const c = await client(server);
    c.send('SET "hello world" \'it\\\'s\'\r\nGET "hello world"\nEXISTS x\r\n\r\n');
    expect(await c.replies(3)).toEqual(['OK', "it's", 0]);
  });

  it('answers a protocol error after the replies before it, then closes', async () => {
    const api = new LocalKvApi({ delayMs: () => 30 });
    const server = await serve({ api });
    const c = await client(server);
    c.send(multibulk('SET', 'a', '1') + '*1\r\n$x\r\n' + multibulk('GET', 'a'));
    expect(await c.replies(2)).toEqual(['OK', { error: 'ERR Protocol error: invalid bulk length' }]);
    expect(await c.waitClosed()).toBe(true);
    expect(c.rawBuffered()).toBe('');
  });

  it('QUIT answers OK, closes, and ignores what follows it', async () => {
    const server = await serve();
    const c = await client(server);
    c.send('PING\r\nQUIT\r\nSET after quit\r\n');
    expect(await c.replies(2)).toEqual(['PONG', 'OK']);
    expect(await c.waitClosed()).toBe(true);
    const check = await client(server);
    expect(await check.command('EXISTS', 'after')).toBe(0);
  });

  it('refuses connections beyond connectionsMax with the Redis error, and accepts again after one closes', async () => {
    const server = await serve({ limits: { connectionsMax: 2 } });
    const first = await client(server);
    const second = await client(server);
    expect(await first.command('PING')).toBe('PONG');
    expect(await second.command('PING')).toBe('PONG');
    const third = await client(server);
    expect(await third.replies(1)).toEqual([{ error: 'ERR max number of clients reached' }]);
    expect(await third.waitClosed()).toBe(true);
    first.close();
    await sleep(50);
    const fourth = await client(server);
    expect(await fourth.command('PING')).toBe('PONG');
  });

  it('stops reading at pipelineDepthMax pending commands and resumes as replies go out', async () => {
    const api = new HeldApi();
    const server = await serve({ api, limits: { pipelineDepthMax: 4 } });
    const c = await client(server);
    let wire = '';
    for (let i = 0; i < 20; i++) wire += multibulk('INCR', 'n');
    c.send(wire);
    for (let round = 0; round < 100 && (api.received < 20 || api.held.length > 0); round++) {
      await sleep(10);
      expect(api.held.length).toBeLessThanOrEqual(4);
      api.releaseAll();
    }
    const replies = await c.replies(20);
    expect(replies).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(api.pendingMax).toBe(4);
  });

  it('keeps going when a slow command heads a full pipeline of instant replies', async () => {
    const api = new LocalKvApi({ delayMs: (request) => (request.kind === 'read' ? 20 : 0) });
    const server = await serve({ api, limits: { pipelineDepthMax: 4 } });
    const c = await client(server);
    c.send(multibulk('GET', 'k') + 'PING\r\n'.repeat(10) + multibulk('GET', 'k'));
    expect(await c.replies(12)).toEqual([null, ...Array(10).fill('PONG'), null]);
  });

  it('AUTH with requirepass: tiny commands only before AUTH (like Redis), full limits after', async () => {
    const server = await serve({ requirepass: 'pw' });
    const c = await client(server);
    expect(await c.command('GET', 'k')).toEqual({ error: 'NOAUTH Authentication required.' });
    expect(await c.command('AUTH', 'nope')).toEqual({ error: 'WRONGPASS invalid username-password pair or user is disabled.' });
    expect(await c.command('AUTH', 'pw')).toBe('OK');
    const pairs = Array.from({ length: 12 }, (_, i) => [`k${i}`, 'v']).flat();
    expect(await c.command('MSET', ...pairs)).toBe('OK');
    const stranger = await client(server);
    stranger.send(multibulk('MSET', ...pairs));
    expect(await stranger.replies(1)).toEqual([{ error: 'ERR Protocol error: multibulk length 25 exceeds unauthenticatedArgsMax 10' }]);
    expect(await stranger.waitClosed()).toBe(true);
  });

  it('closes idle connections after idleTimeoutMs', async () => {
    const server = await serve({ limits: { idleTimeoutMs: 100 } });
    const c = await client(server);
    expect(await c.command('PING')).toBe('PONG');
    expect(await c.waitClosed(2000)).toBe(true);
  });

  it('disconnects a client that pipelines past outputBytesHardMax without reading', async () => {
    const server = await serve({ limits: { outputBytesSoftMax: 1024 * 1024, outputBytesHardMax: 2 * 1024 * 1024 } });
    const setup = await client(server);
    expect(await setup.command('SET', 'v', 'x'.repeat(256 * 1024))).toBe('OK');
    const greedy = await client(server);
    greedy.socket.pause();
    let wire = '';
    for (let i = 0; i < 200; i++) wire += multibulk('GET', 'v');
    greedy.send(wire);
    // While the client does not read, the server's queue passes the hard limit and it disconnects.
    await sleep(300);
    greedy.socket.resume();
    expect(await greedy.waitClosed(5000)).toBe(true);
    const fullBytes = 200 * (256 * 1024 + 12);
    expect(greedy.rawBuffered().length).toBeLessThan(fullBytes);
    expect(await setup.command('PING')).toBe('PONG');
  });

  it('disconnects a pipeline whose finished replies alone pass outputBytesHardMax', async () => {
    const server = await serve({ limits: { outputBytesSoftMax: 1024 * 1024, outputBytesHardMax: 4 * 1024 * 1024 } });
    const setup = await client(server);
    expect(await setup.command('SET', 'v', 'x'.repeat(1024 * 1024))).toBe('OK');
    const greedy = await client(server);
    greedy.send(multibulk('GET', 'v').repeat(16));
    expect(await greedy.waitClosed(5000)).toBe(true);
    expect(greedy.rawBuffered().length).toBeLessThan(16 * 1024 * 1024);
    expect(await setup.command('STRLEN', 'v')).toBe(1024 * 1024);
  });

  it('answers -ERR internal error when the node misbehaves, and keeps serving', async () => {
    const errors: string[] = [];
    const weird: KvClientApi = {
      write: () => {
        throw new Error('boom');
      },
      read: (_read, _options, done) => done(null, { kind: 'ok' } as KvResult),
    };
    const server = await serve({ api: weird, onInternalError: (_error, command) => errors.push(command) });
    const c = await client(server);
    expect(await c.command('SET', 'k', 'v')).toEqual({ error: 'ERR internal error: boom' });
    expect(await c.command('GET', 'k')).toEqual({ error: "ERR internal error: get: unexpected result kind 'ok' from the state machine" });
    expect(await c.command('PING')).toBe('PONG');
    expect(errors).toEqual(['set', 'get']);
  });

  it('records request metrics by command and outcome, and open connections', async () => {
    const registry = new MetricsRegistry();
    const server = await serve({ metrics: requestMetrics(registry), api: new LocalKvApi({ fail: (r) => (r.kind === 'write' ? { code: 'noLeader', message: 'none', retryAfterMs: 1 } : null) }) });
    const c = await client(server);
    c.send('GET k\r\nSET k v\r\nNOSUCH\r\nCLIENT ID\r\n');
    await c.replies(4);
    const text = registry.render();
    expect(text).toContain('kvlab_requests_total{protocol="resp",command="get",outcome="ok"} 1\n');
    expect(text).toContain('kvlab_requests_total{protocol="resp",command="set",outcome="unavailable"} 1\n');
    expect(text).toContain('kvlab_requests_total{protocol="resp",command="unknown",outcome="error"} 1\n');
    expect(text).toContain('kvlab_requests_total{protocol="resp",command="client|id",outcome="ok"} 1\n');
    expect(text).toContain('kvlab_client_connections{protocol="resp"} 1\n');
  });

  it('close() drops open connections and frees the port', async () => {
    const server = await startRespServer({ host: '127.0.0.1', port: 0, api: new LocalKvApi() });
    const c = await RawClient.open(server.port);
    expect(await c.command('PING')).toBe('PONG');
    await server.close();
    expect(await c.waitClosed()).toBe(true);
    const again = await startRespServer({ host: '127.0.0.1', port: server.port, api: new LocalKvApi() });
    await again.close();
  });
});
