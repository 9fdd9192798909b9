// The HTTP API over real sockets: every endpoint of CONTRACTS.md and every error status.
import { Agent } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { KvRead, KvWrite } from '../../core/kv/commands.ts';
import type { ClientCallback, ClientError, KvClientApi, ReadOptions, WriteOptions } from '../../core/node/client-api.ts';
import { nodeId } from '../../core/types.ts';
import type { ClusterStatusSource, MembershipAdmin, MembershipChange } from '../../prod/http/node-services.ts';
import { startHttpServer, type HttpServer, type HttpServerOptions } from '../../prod/http/server.ts';
import { LocalKvApi } from '../support/local-kv-api.ts';
import { rawExchange, send } from './http-harness.ts';

const servers: HttpServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(options: Partial<HttpServerOptions> = {}): Promise<HttpServer> {
  const server = await startHttpServer({ host: '127.0.0.1', port: 0, api: new LocalKvApi(), ...options });
  servers.push(server);
  return server;
}

/** Records the options each request reached the node with. */
class SpyApi implements KvClientApi {
  readonly inner = new LocalKvApi();
  readonly readOptions: ReadOptions[] = [];

  write(write: KvWrite, options: WriteOptions, done: ClientCallback): void {
    this.inner.write(write, options, done);
  }

  read(read: KvRead, options: ReadOptions, done: ClientCallback): void {
    this.readOptions.push(options);
    this.inner.read(read, options, done);
  }
}

const status: ClusterStatusSource = {
  nodeId: nodeId(1),
  clusterStatus: () => ({
    clusterId: 'kvlab-test',
    leader: nodeId(1),
    term: 3,
    nodes: [
      { id: nodeId(1), role: 'leader', term: 3, commitIndex: 12, appliedIndex: 12, up: true, respAddr: '127.0.0.1:7001', httpAddr: '127.0.0.1:7101', raftAddr: '127.0.0.1:7201' },
    ],
  }),
};

describe('HTTP API: /v1/kv', () => {
  it('PUT, GET, DELETE round-trip raw bytes', async () => {
    const server = await serve();
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect((await send(server.port, { method: 'PUT', path: '/v1/kv/greeting', body: bytes })).status).toBe(204);
    const got = await send(server.port, { path: '/v1/kv/greeting' });
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('application/octet-stream');
    expect(Buffer.compare(got.body, bytes)).toBe(0);
    expect((await send(server.port, { method: 'DELETE', path: '/v1/kv/greeting' })).status).toBe(204);
    const gone = await send(server.port, { path: '/v1/kv/greeting' });
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({ error: 'notFound', message: 'no such key' });
    expect((await send(server.port, { method: 'DELETE', path: '/v1/kv/greeting' })).status).toBe(204);
  });

  it('HEAD answers like GET without a body', async () => {
    const server = await serve();
    await send(server.port, { method: 'PUT', path: '/v1/kv/h', body: 'abc' });
    const head = await send(server.port, { method: 'HEAD', path: '/v1/kv/h' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('3');
    expect(head.body.length).toBe(0);
  });

  it('decodes the key segment to bytes: %2F stays in the key, %00 and UTF-8 bytes work', async () => {
    const api = new LocalKvApi();
    const server = await serve({ api });
    for (const [path, key] of [['/v1/kv/a%2Fb', 'a/b'], ['/v1/kv/x%00y', 'x\u0000y'], ['/v1/kv/caf%C3%A9', 'caf\u00c3\u00a9'], ['/v1/kv/plus+sign', 'plus+sign']]) {
      expect((await send(server.port, { method: 'PUT', path, body: key })).status).toBe(204);
      expect(api.requests.at(-1)).toEqual({ kind: 'write', write: { op: 'set', key, value: Buffer.from(key, 'utf8').toString('latin1') } });
      expect((await send(server.port, { path })).body.toString('utf8')).toBe(key);
    }
  });

  it('reads are linearizable by default; ?consistency=stale and lease are passed to the node', async () => {
    const api = new SpyApi();
    const server = await serve({ api });
    await send(server.port, { path: '/v1/kv/k' });
    await send(server.port, { path: '/v1/kv/k?consistency=stale' });
    await send(server.port, { path: '/v1/kv/k?consistency=lease' });
    expect(api.readOptions.map((o) => o.consistency)).toEqual(['linearizable', 'stale', 'lease']);
  });

  it('CAS: 200 when the expectation holds, 409 with the current value when not', async () => {
    const server = await serve();
    const cas = (body: unknown) => send(server.port, { method: 'POST', path: '/v1/kv/lock/cas', body: JSON.stringify(body) });
    const created = await cas({ expected: null, value: 'owner-1' });
    expect([created.status, created.json]).toEqual([200, { ok: true }]);
    const conflict = await cas({ expected: null, value: 'owner-2' });
    expect([conflict.status, conflict.json]).toEqual([409, { ok: false, current: 'owner-1' }]);
    const swapped = await cas({ expected: 'owner-1', value: 'caf\u00e9' });
    expect(swapped.status).toBe(200);
    expect((await send(server.port, { path: '/v1/kv/lock' })).text).toBe('caf\u00e9');
    expect((await cas({ expected: 'caf\u00e9', value: 'x' })).status).toBe(200);
  });

  it('CAS reports a non-UTF-8 current value exactly, in base64', async () => {
    const server = await serve();
    await send(server.port, { method: 'PUT', path: '/v1/kv/bin', body: Buffer.from([0xff, 0x00, 0x41]) });
    const conflict = await send(server.port, { method: 'POST', path: '/v1/kv/bin/cas', body: '{"expected":null,"value":"v"}' });
    expect(conflict.status).toBe(409);
    expect(conflict.json).toMatchObject({ ok: false, currentBase64: Buffer.from([0xff, 0x00, 0x41]).toString('base64') });
  });
});

describe('HTTP API: errors', () => {
  const badInputs: [string, { method?: string; path: string; body?: string }, RegExp][] = [
    ['invalid JSON', { method: 'POST', path: '/v1/kv/k/cas', body: '{"expected":' }, /^body is not valid JSON/],
    ['a JSON array', { method: 'POST', path: '/v1/kv/k/cas', body: '[]' }, /^body must be a JSON object$/],
    ['missing expected', { method: 'POST', path: '/v1/kv/k/cas', body: '{"value":"v"}' }, /^field 'expected' is required/],
    ['a numeric expected', { method: 'POST', path: '/v1/kv/k/cas', body: '{"expected":1,"value":"v"}' }, /^field 'expected' must be a string or null$/],
    ['missing value', { method: 'POST', path: '/v1/kv/k/cas', body: '{"expected":null}' }, /^field 'value' is required/],
    ['an unknown field', { method: 'POST', path: '/v1/kv/k/cas', body: '{"expected":null,"value":"v","ttl":1}' }, /^unknown field 'ttl'/],
    ['a bad consistency', { path: '/v1/kv/k?consistency=strong' }, /^consistency must be one of linearizable, lease, stale, got 'strong'$/],
    ['an unknown query parameter', { path: '/v1/kv/k?consistancy=stale' }, /^unknown query parameter 'consistancy' \(allowed: consistency\)$/],
    ['a query parameter on PUT', { method: 'PUT', path: '/v1/kv/k?ttl=5', body: 'v' }, /^unknown query parameter 'ttl'$/],
    ['bad percent-encoding', { path: '/v1/kv/a%G1' }, /^key: bad percent-encoding '%G1' at position 1$/],
    ['an empty key', { path: '/v1/kv/' }, /^key must not be empty/],
  ];
  for (const [what, spec, message] of badInputs) {
    it(`400 for ${what}`, async () => {
      const server = await serve();
      const answer = await send(server.port, spec);
      expect(answer.status).toBe(400);
      expect(answer.headers['content-type']).toBe('application/json');
      expect((answer.json as { error: string }).error).toBe('badRequest');
      expect((answer.json as { message: string }).message).toMatch(message);
    });
  }

  it('404 for unknown routes and 405 with Allow for wrong methods', async () => {
    const server = await serve();
    const missing = await send(server.port, { path: '/v2/things' });
    expect([missing.status, missing.json]).toEqual([404, { error: 'notFound', message: 'no route for GET /v2/things' }]);
    expect((await send(server.port, { path: '/v1/kv/a/b' })).status).toBe(404);
    const wrong = await send(server.port, { method: 'POST', path: '/v1/kv/k' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET, HEAD, PUT, DELETE');
    expect((await send(server.port, { method: 'GET', path: '/v1/kv/k/cas' })).headers.allow).toBe('POST');
    expect((await send(server.port, { method: 'PUT', path: '/v1/cluster' })).status).toBe(405);
  });

  it('413 for a body over bodyBytesMax, declared or streamed, and the connection closes', async () => {
    const server = await serve({ limits: { bodyBytesMax: 1000 } });
    const declared = await send(server.port, { method: 'PUT', path: '/v1/kv/k', body: 'x'.repeat(1001) });
    expect(declared.status).toBe(413);
    expect(declared.json).toEqual({ error: 'tooLarge', message: 'request body of 1001 bytes exceeds bodyBytesMax 1000' });
    expect(declared.headers.connection).toBe('close');
    const streamed = await send(server.port, { method: 'PUT', path: '/v1/kv/k', body: 'y'.repeat(5000), chunked: true });
    expect(streamed.status).toBe(413);
    expect((await send(server.port, { method: 'PUT', path: '/v1/kv/k', body: 'z'.repeat(1000) })).status).toBe(204);
  });

  it('reads a body that arrives after its headers as well as one that arrives with them', async () => {
    const server = await serve();
    const socket = connect(server.port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('PUT /v1/kv/late HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nfirst');
    await new Promise((resolve) => setTimeout(resolve, 50)); // the handler is waiting for the rest
    expect(text).toBe('');
    socket.write('-half');
    await expect.poll(() => text).toMatch(/^HTTP\/1\.1 204 /);
    socket.destroy();
    const got = await send(server.port, { path: '/v1/kv/late' });
    expect(got.body.toString()).toBe('first-half');
  });

  it('414 for a key over keyBytesMax', async () => {
    const server = await serve({ limits: { keyBytesMax: 10 } });
    const answer = await send(server.port, { path: `/v1/kv/${'k'.repeat(11)}` });
    expect([answer.status, answer.json]).toEqual([414, { error: 'tooLarge', message: 'key of 11 bytes exceeds keyBytesMax 10' }]);
  });

  const nodeFailures: [ClientError, number, string | undefined][] = [
    [{ code: 'noLeader', message: 'no leader', retryAfterMs: 1500 }, 503, '2'],
    [{ code: 'overloaded', message: 'busy', retryAfterMs: 10 }, 503, '1'],
    [{ code: 'stopping', message: 'stopping' }, 503, '1'],
    [{ code: 'timeout', message: 'not committed', outcome: 'unknown' }, 504, undefined],
    [{ code: 'tooLarge', message: 'entry too large' }, 413, undefined],
    [{ code: 'invalid', message: 'bad command' }, 400, undefined],
  ];
  for (const [error, statusCode, retryAfter] of nodeFailures) {
    it(`${statusCode} for node error ${error.code}`, async () => {
      const server = await serve({ api: new LocalKvApi({ fail: () => error }) });
      for (const spec of [{ path: '/v1/kv/k' }, { method: 'PUT', path: '/v1/kv/k', body: 'v' }]) {
        const answer = await send(server.port, spec);
        expect(answer.status).toBe(statusCode);
        expect(answer.headers['retry-after']).toBe(retryAfter);
        expect(answer.json).toMatchObject({ error: error.code, message: error.message });
      }
    });
  }

  it('500 when the node throws (a bug), and the server keeps serving', async () => {
    const errors: string[] = [];
    const broken: KvClientApi = {
      read: () => {
        throw new Error('boom');
      },
      write: (write, options, done) => new LocalKvApi().write(write, options, done),
    };
    const server = await serve({ api: broken, onInternalError: (_error, where) => errors.push(where) });
    const answer = await send(server.port, { path: '/v1/kv/k' });
    expect([answer.status, answer.json]).toEqual([500, { error: 'internal', message: 'internal error: boom' }]);
    expect(errors).toEqual(['kv.get']);
    expect((await send(server.port, { method: 'PUT', path: '/v1/kv/k', body: 'v' })).status).toBe(204);
  });

  it('400 JSON for malformed HTTP, 431 for oversized headers; both close the connection', async () => {
    const server = await serve();
    const garbage = await rawExchange(server.port, 'GARBAGE\r\n\r\n');
    expect(garbage.closed).toBe(true);
    expect(garbage.text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(garbage.text).toContain('"error":"badRequest"');
    const huge = await rawExchange(server.port, `GET /v1/kv/k HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(huge.text).toMatch(/^HTTP\/1\.1 431 /);
    expect((await send(server.port, { path: '/v1/kv/k' })).status).toBe(404);
  });

  it('408 for a client that does not finish its headers in headersTimeoutMs', async () => {
    const server = await serve({ limits: { headersTimeoutMs: 100 } });
    const slow = await rawExchange(server.port, 'GET /v1/kv/k HTTP/1.1\r\nHost: x\r\n', 3000);
    expect(slow.closed).toBe(true);
    expect(slow.text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it('503 with JSON for connections beyond connectionsMax', async () => {
    const server = await serve({ limits: { connectionsMax: 1 } });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await send(server.port, { path: '/v1/kv/k', agent })).status).toBe(404);
    const refused = await rawExchange(server.port, 'GET /v1/kv/k HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(refused.text).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(refused.text).toContain('"error":"tooManyConnections"');
    agent.destroy();
  });
});

describe('HTTP API: keep-alive', () => {
  it('runs pipelined requests of one connection in order (a GET sees the PUT before it)', async () => {
    const server = await serve();
    const request = (method: string, path: string, body = '') =>
      `${method} ${path} HTTP/1.1\r\nHost: t\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const wire = request('PUT', '/v1/kv/p', 'one') + request('GET', '/v1/kv/p') + request('DELETE', '/v1/kv/p') + request('GET', '/v1/kv/p');
    const answer = await rawExchange(server.port, wire, 500);
    expect(answer.text.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 204', 'HTTP/1.1 200', 'HTTP/1.1 204', 'HTTP/1.1 404']);
    expect(answer.text).toContain('\r\n\r\none');
  });

  it('serves many requests over one connection', async () => {
    const server = await serve();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const ports = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const answer = await send(server.port, { method: 'PUT', path: `/v1/kv/k${i}`, body: 'v', agent });
      expect(answer.status).toBe(204);
      ports.add(answer.localPort);
    }
    const error = await send(server.port, { path: '/v1/kv/k?consistency=bad', agent });
    expect(error.status).toBe(400);
    ports.add(error.localPort);
    expect(ports.size).toBe(1);
    agent.destroy();
  });
});

describe('HTTP API: cluster, members, metrics', () => {
  it('GET /v1/cluster answers the node view; 503 when the node serves none', async () => {
    const server = await serve({ status });
    const answer = await send(server.port, { path: '/v1/cluster' });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(status.clusterStatus());
    const bare = await serve();
    expect((await send(bare.port, { path: '/v1/cluster' })).status).toBe(503);
  });

  function membershipSpy(error: ClientError | null = null): MembershipAdmin & { changes: MembershipChange[] } {
    const changes: MembershipChange[] = [];
    return {
      changes,
      changeMembership(change, done) {
        changes.push(change);
        done(error);
      },
    };
  }

  it('POST /v1/members adds a learner or promotes; DELETE removes; a bearer token is required when set', async () => {
    const membership = membershipSpy();
    const server = await serve({ membership, adminToken: 't0ken' });
    const auth = { Authorization: 'Bearer t0ken' };
    const learner = { id: 4, raftAddr: '127.0.0.1:7204', respAddr: '127.0.0.1:7004', httpAddr: 'localhost:7104' };
    const noToken = await send(server.port, { method: 'POST', path: '/v1/members', body: JSON.stringify(learner) });
    expect(noToken.status).toBe(401);
    expect(noToken.headers['www-authenticate']).toMatch(/Bearer realm="kvlab"/);
    expect((await send(server.port, { method: 'DELETE', path: '/v1/members/4', headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
    expect(membership.changes).toEqual([]);
    const added = await send(server.port, { method: 'POST', path: '/v1/members', body: JSON.stringify(learner), headers: auth });
    expect([added.status, added.json]).toEqual([200, { ok: true }]);
    expect((await send(server.port, { method: 'POST', path: '/v1/members', body: '{"id":4,"action":"promote"}', headers: auth })).status).toBe(200);
    expect((await send(server.port, { method: 'DELETE', path: '/v1/members/4', headers: auth })).status).toBe(200);
    expect(membership.changes).toEqual([
      { op: 'addLearner', id: 4, addresses: { raftAddr: '127.0.0.1:7204', respAddr: '127.0.0.1:7004', httpAddr: 'localhost:7104' } },
      { op: 'promote', id: 4 },
      { op: 'remove', id: 4 },
    ]);
  });

  it('membership input errors are 400 naming the field; node errors map like KV ones', async () => {
    const server = await serve({ membership: membershipSpy({ code: 'noLeader', message: 'no leader', retryAfterMs: 100 }) });
    const post = (body: string) => send(server.port, { method: 'POST', path: '/v1/members', body });
    expect(((await post('{"raftAddr":"a:1"}')).json as { message: string }).message).toMatch(/^field 'id' is required/);
    expect(((await post('{"id":0}')).json as { message: string }).message).toMatch(/^member id must be an integer from 1/);
    expect(((await post('{"id":2,"raftAddr":"nohost"}')).json as { message: string }).message).toMatch(/^field 'raftAddr' must be "host:port"/);
    expect(((await post('{"id":2,"action":"evict"}')).json as { message: string }).message).toMatch(/^field 'action' must be/);
    expect((await send(server.port, { method: 'DELETE', path: '/v1/members/abc' })).status).toBe(400);
    const unavailable = await send(server.port, { method: 'DELETE', path: '/v1/members/2' });
    expect([unavailable.status, unavailable.headers['retry-after']]).toEqual([503, '1']);
    const none = await serve();
    expect((await send(none.port, { method: 'DELETE', path: '/v1/members/2' })).status).toBe(503);
  });

  it('GET /metrics renders request counters and latency histograms in Prometheus text format', async () => {
    const server = await serve();
    await send(server.port, { method: 'PUT', path: '/v1/kv/m', body: 'v' });
    await send(server.port, { path: '/v1/kv/m' });
    await send(server.port, { path: '/v1/kv/none' });
    await send(server.port, { path: '/v1/kv/m?consistency=x' });
    const answer = await send(server.port, { path: '/metrics' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(answer.text).toContain('kvlab_requests_total{protocol="http",command="kv.put",outcome="ok"} 1\n');
    expect(answer.text).toContain('kvlab_requests_total{protocol="http",command="kv.get",outcome="ok"} 2\n');
    expect(answer.text).toContain('kvlab_requests_total{protocol="http",command="kv.get",outcome="error"} 1\n');
    expect(answer.text).toMatch(/kvlab_request_duration_seconds_bucket\{protocol="http",command="kv\.get",le="\+Inf"\} 3\n/);
    expect(answer.text).toContain('kvlab_request_duration_seconds_count{protocol="http",command="kv.get"} 3\n');
    expect(answer.text).toContain('# TYPE kvlab_request_duration_seconds histogram\n');
  });
});
