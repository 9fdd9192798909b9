// Authentication on every HTTP door (issue 14 §2): with requirepass the data API needs it as RESP's AUTH
// does; /metrics and /dashboard need monitorToken; membership changes need adminToken. Each route is
// tried without credentials, with wrong ones, with a Bearer token and with HTTP Basic; both protocols
// share one password.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeId } from '../../core/types.ts';
import type { ClusterStatusSource, MembershipAdmin } from '../../prod/http/node-services.ts';
import { startHttpServer, type HttpServer, type HttpServerOptions } from '../../prod/http/server.ts';
import { startRespServer, type RespServer } from '../../prod/resp/server.ts';
import { LocalKvApi } from '../support/local-kv-api.ts';
import { send } from './http-harness.ts';
import { RawClient } from './resp-harness.ts';

const servers: (HttpServer | RespServer)[] = [];
const raws: RawClient[] = [];

afterEach(async () => {
  for (const raw of raws.splice(0)) raw.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const status: ClusterStatusSource = {
  nodeId: nodeId(1),
  clusterStatus: () => ({ clusterId: 'kvlab-test', leader: nodeId(1), term: 1, nodes: [] }),
};
const membership: MembershipAdmin = { changeMembership: (_change, done) => done(null) };
const secrets = { requirepass: 'data-pw', adminToken: 'admin-tok', monitorToken: 'mon-tok' };

async function serve(options: Partial<HttpServerOptions> = {}): Promise<HttpServer> {
  const server = await startHttpServer({ host: '127.0.0.1', port: 0, api: new LocalKvApi(), status, membership, ...options });
  servers.push(server);
  return server;
}

const bearer = (secret: string) => ({ Authorization: `Bearer ${secret}` });
const basic = (user: string, secret: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}` });

interface Route {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  /** Which setting guards it; null = open to all. */
  readonly guard: keyof typeof secrets | null;
  /** The status once through the door (a CAS answers 200, then 409 once its expectation is stale). */
  readonly passed: number | readonly number[];
}

const routes: readonly Route[] = [
  { method: 'PUT', path: '/v1/kv/k', body: 'v', guard: 'requirepass', passed: 204 },
  { method: 'GET', path: '/v1/kv/k', guard: 'requirepass', passed: 200 },
  { method: 'HEAD', path: '/v1/kv/k', guard: 'requirepass', passed: 200 },
  { method: 'GET', path: '/v1/kv/k?consistency=stale', guard: 'requirepass', passed: 200 },
  { method: 'POST', path: '/v1/kv/k/cas', body: '{"expected":"v","value":"w"}', guard: 'requirepass', passed: [200, 409] },
  { method: 'DELETE', path: '/v1/kv/k', guard: 'requirepass', passed: 204 },
  { method: 'PATCH', path: '/v1/kv/k', guard: 'requirepass', passed: 405 },
  { method: 'GET', path: '/metrics', guard: 'monitorToken', passed: 200 },
  { method: 'GET', path: '/dashboard', guard: 'monitorToken', passed: 404 },
  { method: 'POST', path: '/v1/members', body: '{"id":4,"action":"promote"}', guard: 'adminToken', passed: 200 },
  { method: 'DELETE', path: '/v1/members/4', guard: 'adminToken', passed: 200 },
  { method: 'GET', path: '/v1/cluster', guard: null, passed: 200 },
  { method: 'GET', path: '/nope', guard: null, passed: 404 },
];

describe('HTTP authentication', () => {
  it.each(routes)('$method $path: 401 without or with wrong credentials, through with Bearer or Basic', async (route) => {
    const server = await serve(secrets);
    const call = (headers: Record<string, string> = {}) => send(server.port, { method: route.method, path: route.path, body: route.body, headers });
    // The data must exist for the data routes to answer what they answer once through.
    await send(server.port, { method: 'PUT', path: '/v1/kv/k', body: 'v', headers: bearer(secrets.requirepass) });
    const anonymous = await call();
    const through = typeof route.passed === 'number' ? [route.passed] : route.passed;
    if (route.guard === null) {
      expect(through).toContain(anonymous.status);
      return;
    }
    const secret = secrets[route.guard];
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm="kvlab".*Bearer realm="kvlab"/);
    if (route.method !== 'HEAD') {
      expect(anonymous.json).toEqual({ error: 'unauthorized', message: expect.stringContaining(`Bearer <${route.guard}>`) });
      expect(anonymous.text).not.toContain(secret);
    }
    const others = Object.entries(secrets).filter(([name]) => name !== route.guard).map(([, value]) => value);
    for (const headers of [bearer('wrong'), bearer(`${secret}x`), bearer(secret.slice(0, -1)), basic('default', 'wrong'), basic('admin', secret), ...others.map(bearer), { Authorization: 'Digest x' }]) {
      expect((await call(headers)).status, JSON.stringify(headers)).toBe(401);
    }
    for (const headers of [bearer(secret), basic('default', secret), basic('', secret)]) {
      expect(through, JSON.stringify(headers)).toContain((await call(headers)).status);
    }
  });

  it('every door is open when no secret is configured (the default)', async () => {
    const server = await serve();
    for (const route of routes) {
      const answer = await send(server.port, { method: route.method, path: route.path, body: route.body });
      expect([route.passed, 404].flat(), `${route.method} ${route.path}`).toContain(answer.status);
    }
  });

  it('a refused PUT does not write, and keeps the connection usable', async () => {
    const server = await serve(secrets);
    expect((await send(server.port, { method: 'PUT', path: '/v1/kv/secret', body: 'x' })).status).toBe(401);
    expect((await send(server.port, { path: '/v1/kv/secret', headers: bearer(secrets.requirepass) })).status).toBe(404);
  });

  it('curl -u default:<requirepass> reads and writes; without -u it gets 401', async () => {
    const server = await serve(secrets);
    const curl = promisify(execFile);
    const url = `http://127.0.0.1:${server.port}/v1/kv/curl`;
    await curl('curl', ['-sS', '-u', `default:${secrets.requirepass}`, '-X', 'PUT', '--data-binary', 'hello', url]);
    expect((await curl('curl', ['-sS', '-u', `default:${secrets.requirepass}`, url])).stdout).toBe('hello');
    const refused = await curl('curl', ['-sS', '-w', '%{http_code}', '-o', '/dev/null', url]);
    expect(refused.stdout).toBe('401');
  });

  it('one password for both protocols: RESP asks for AUTH, HTTP for the same secret', async () => {
    const api = new LocalKvApi();
    const resp = await startRespServer({ host: '127.0.0.1', port: 0, api, requirepass: secrets.requirepass });
    servers.push(resp);
    const http = await serve({ api, requirepass: secrets.requirepass });
    const client = await RawClient.open(resp.port);
    raws.push(client);
    expect(await client.command('SET', 'both', 'v')).toEqual({ error: 'NOAUTH Authentication required.' });
    expect(await client.command('AUTH', 'wrong')).toEqual({ error: expect.stringMatching(/^WRONGPASS/) });
    expect(await client.command('AUTH', secrets.requirepass)).toBe('OK');
    expect(await client.command('SET', 'both', 'from-resp')).toBe('OK');
    expect((await send(http.port, { path: '/v1/kv/both' })).status).toBe(401);
    const read = await send(http.port, { path: '/v1/kv/both', headers: bearer(secrets.requirepass) });
    expect([read.status, read.text]).toEqual([200, 'from-resp']);
  });
});
