// Seeded fuzzing of a live HTTP API server: thousands of valid, mutated and random requests over raw
// sockets. The server must never crash or hit an internal error, and must still serve requests after.
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MembershipAdmin } from '../../prod/http/node-services.ts';
import { startHttpServer, type HttpServer } from '../../prod/http/server.ts';
import { LocalKvApi } from '../support/local-kv-api.ts';
import { rawExchange, send } from './http-harness.ts';

const SEED = 'http-fuzz-1';
const CONNECTIONS = 300;
const REQUESTS_PER_CONNECTION = 10;
const PARALLEL = 150;
/**
 * A mutated request may leave the server waiting for bytes that never come; its keep-alive, header and
 * request timeouts then close the connection. So every connection ends by the server closing it, and the
 * test waits for that instead of guessing how long answering takes.
 */
const CLOSE_WAIT_MS_MAX = 30_000;

type Random = () => number;
const pick = <T,>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const int = (random: Random, max: number) => Math.floor(random() * max);

const PATHS = [
  '/v1/kv/k', '/v1/kv/a%2Fb', '/v1/kv/%ff%00', '/v1/kv/k?consistency=stale', '/v1/kv/k?consistency=x', '/v1/kv/k/cas',
  '/v1/kv/', '/v1/kv/%zz', '/v1/cluster', '/v1/members', '/v1/members/3', '/v1/members/x', '/metrics', '/', '/v1/kv/k?a=1&b',
];
const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'];
const BODIES = ['', 'value', '{"expected":null,"value":"v"}', '{"expected":"v","value":"w"}', '{"id":2,"raftAddr":"h:1","respAddr":"h:2","httpAddr":"h:3"}', '{', '[1,2]', '\u0000\u00ff'];
const JUNK = ['G\u00e9T', '\r\n', '\n', ':', ' ', '\u0000', 'Content-Length: 99999\r\n', 'Transfer-Encoding: chunked\r\n', '%', '?', 'HTTP/9.9', '\r\n\r\n'];

function validRequest(random: Random): string {
  const body = pick(random, BODIES);
  const headers = [`Host: fuzz`, `Content-Length: ${Buffer.byteLength(body, 'latin1')}`];
  if (random() < 0.3) headers.push('Authorization: Bearer secret');
  if (random() < 0.03) headers.push('Connection: close');
  return `${pick(random, METHODS)} ${pick(random, PATHS)} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n${body}`;
}

function mutate(random: Random, text: string): string {
  let out = text;
  for (let round = 1 + int(random, 3); round > 0; round--) {
    const at = int(random, out.length + 1);
    const kind = int(random, 4);
    if (kind === 0) out = out.slice(0, at) + String.fromCharCode(int(random, 256)) + out.slice(at + 1);
    else if (kind === 1) out = out.slice(0, at) + out.slice(at + 1 + int(random, 10));
    else if (kind === 2) out = out.slice(0, at) + pick(random, JUNK) + out.slice(at);
    else out = out.slice(0, at);
  }
  return out;
}

function connectionTraffic(random: Random): string {
  const hostility = pick(random, [0.02, 0.2, 0.6]);
  let wire = '';
  for (let i = 0; i < REQUESTS_PER_CONNECTION; i++) {
    const roll = random();
    if (roll < hostility * 0.8) wire += mutate(random, validRequest(random));
    else if (roll < hostility) wire += String.fromCharCode(...Array.from({ length: 1 + int(random, 60) }, () => int(random, 256)));
    else wire += validRequest(random);
  }
  return wire;
}

describe('HTTP fuzz', () => {
  let server: HttpServer;
  const internalErrors: string[] = [];

  beforeAll(async () => {
    const membership: MembershipAdmin = { changeMembership: (_change, done) => done(null) };
    server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      api: new LocalKvApi(),
      membership,
      adminToken: 'secret',
      limits: { bodyBytesMax: 4096, keyBytesMax: 256, headersTimeoutMs: 300, requestReceiveTimeoutMs: 600, keepAliveTimeoutMs: 300 },
      onInternalError: (error, where) => internalErrors.push(`${where}: ${String(error)}`),
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it(`survives ${CONNECTIONS * REQUESTS_PER_CONNECTION} valid, mutated and random requests (seed ${SEED})`, async () => {
    const random = seedrandom(SEED);
    const traffic = Array.from({ length: CONNECTIONS }, () => connectionTraffic(random));
    let responses = 0;
    for (let start = 0; start < traffic.length; start += PARALLEL) {
      const batch = traffic.slice(start, start + PARALLEL);
      const answers = await Promise.all(batch.map((wire) => rawExchange(server.port, Buffer.from(wire, 'latin1'), CLOSE_WAIT_MS_MAX)));
      for (const [i, answer] of answers.entries()) {
        expect(answer.closed, `seed ${SEED} connection ${start + i}: the server never closed it`).toBe(true);
        const statuses = answer.text.match(/HTTP\/1\.1 \d{3}/g) ?? [];
        expect(statuses.every((s) => !s.endsWith('500')), `seed ${SEED} connection ${start + i}: ${answer.text.slice(0, 300)}`).toBe(true);
        responses += statuses.length;
      }
    }
    expect(internalErrors, `seed ${SEED}`).toEqual([]);
    expect(responses, `seed ${SEED}: the server answered many requests`).toBeGreaterThan(CONNECTIONS);

    expect((await send(server.port, { method: 'PUT', path: '/v1/kv/after', body: 'ok' })).status).toBe(204);
    expect((await send(server.port, { path: '/v1/kv/after' })).text).toBe('ok');
  });
});
