// Seeded fuzzing of a live RESP server: thousands of valid, mutated and random frames over many
// connections, split at random points. The server must never crash or hit an internal error, every
// reply it sends must be well-formed RESP, and it must still answer PING and GET afterwards.
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRespServer, type RespServer } from '../../prod/resp/server.ts';
import { LocalKvApi } from '../support/local-kv-api.ts';
import { decodeReply, multibulk, RawClient } from './resp-harness.ts';

const SEED = 'resp-fuzz-1';
const CONNECTIONS = 64;
const FRAMES_PER_CONNECTION = 100;
const PARALLEL = 32;
/**
 * A mutated frame may leave the server waiting for bytes that never come; its idle timeout then closes
 * the connection. So every connection ends by the server closing it, and the test waits for that
 * instead of guessing how long answering takes.
 */
const IDLE_TIMEOUT_MS = 300;
const CLOSE_WAIT_MS_MAX = 30_000;

type Random = () => number;
const pick = <T,>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const int = (random: Random, max: number) => Math.floor(random() * max);

const COMMANDS: readonly (readonly string[])[] = [
  ['GET', 'k'], ['SET', 'k', 'v'], ['SET', 'k', 'v', 'EX', '10'], ['SET', 'k', 'v', 'PX', '5', 'NX', 'GET'],
  ['SET', 'k', 'v', 'KEEPTTL', 'XX'], ['MSET', 'a', '1', 'b', '2'], ['MGET', 'a', 'b', 'k'], ['DEL', 'a', 'k'],
  ['EXISTS', 'a', 'a'], ['INCR', 'n'], ['INCRBY', 'n', '-7'], ['DECR', 'n'], ['DECRBY', 'n', '9223372036854775807'],
  ['GETDEL', 'b'], ['APPEND', 'k', 'xyz'], ['STRLEN', 'k'], ['EXPIRE', 'k', '100'], ['PEXPIRE', 'k', '-1'],
  ['TTL', 'k'], ['PTTL', 'n'], ['PERSIST', 'k'], ['SCAN', '0', 'MATCH', '*', 'COUNT', '3'], ['SCAN', '1'],
  ['DBSIZE'], ['INFO'], ['INFO', 'keyspace'], ['PING'], ['ECHO', 'e'], ['SELECT', '0'], ['SELECT', '3'],
  ['CLIENT', 'SETNAME', 'fz'], ['CLIENT', 'GETNAME'], ['CLIENT', 'ID'], ['COMMAND', 'DOCS', 'set'], ['COMMAND', 'COUNT'],
  ['AUTH', 'x'], ['HELLO', '3'], ['HELLO', '2'], ['NOSUCH', 'a'],
];
const JUNK = ['*', '$', '-1', '\r\n', '\n', '\r', '999999999999', '0', '"', "'", '\\x4', ' ', '*-1', '$0', '\x00', '\xff'];

function validFrame(random: Random): string {
  const args = pick(random, COMMANDS).map((arg) => (random() < 0.3 ? arg.toLowerCase() : arg));
  if (random() < 0.3) return `${args.join(' ')}${random() < 0.5 ? '\r\n' : '\n'}`;
  // Binary arguments only in multibulk frames: inline ones would legitimately break the framing.
  if (random() < 0.2) args.push(String.fromCharCode(...Array.from({ length: int(random, 20) }, () => int(random, 256))));
  return multibulk(...args);
}

function mutate(random: Random, frame: string): string {
  let out = frame;
  const rounds = 1 + int(random, 3);
  for (let i = 0; i < rounds; i++) {
    const at = int(random, out.length + 1);
    const kind = int(random, 4);
    if (kind === 0) out = out.slice(0, at) + String.fromCharCode(int(random, 256)) + out.slice(at + 1);
    else if (kind === 1) out = out.slice(0, at) + out.slice(at + 1 + int(random, 8));
    else if (kind === 2) out = out.slice(0, at) + pick(random, JUNK) + out.slice(at);
    else out = out.slice(0, at);
  }
  return out;
}

function randomBytes(random: Random): string {
  return String.fromCharCode(...Array.from({ length: 1 + int(random, 40) }, () => int(random, 256)));
}

/** Hostility per connection: most mutated frames end a connection, so mild ones get deep into the pipeline. */
const HOSTILITY = [0.005, 0.02, 0.1, 0.5] as const;

function connectionTraffic(random: Random): string {
  const hostility = pick(random, HOSTILITY);
  let wire = '';
  for (let i = 0; i < FRAMES_PER_CONNECTION; i++) {
    const roll = random();
    if (roll < hostility * 0.7) wire += mutate(random, validFrame(random));
    else if (roll < hostility) wire += randomBytes(random);
    else wire += validFrame(random);
  }
  return wire;
}

/** Decodes every complete reply; throws if the bytes are not RESP. Returns how many decoded. */
function checkWellFormed(received: string): number {
  let at = 0;
  let count = 0;
  for (;;) {
    const reply = decodeReply(received, at);
    if (!reply) return count;
    at = reply.end;
    count += 1;
  }
}

describe('RESP fuzz', () => {
  let server: RespServer;
  const internalErrors: string[] = [];

  beforeAll(async () => {
    const random = seedrandom(`${SEED}-delays`);
    const api = new LocalKvApi({ delayMs: () => (random() < 0.2 ? 1 + int(random, 3) : 0) });
    server = await startRespServer({
      host: '127.0.0.1',
      port: 0,
      api,
      limits: {
        bulkBytesMax: 4096,
        keyBytesMax: 1024,
        argsMax: 64,
        inlineBytesMax: 1024,
        pipelineDepthMax: 8,
        commandBytesMax: 16_384,
        idleTimeoutMs: IDLE_TIMEOUT_MS,
      },
      onInternalError: (error, command) => internalErrors.push(`${command}: ${String(error)}`),
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it(`survives ${CONNECTIONS * FRAMES_PER_CONNECTION} valid, mutated and random frames (seed ${SEED})`, async () => {
    const random = seedrandom(SEED);
    const traffic = Array.from({ length: CONNECTIONS }, () => ({ wire: connectionTraffic(random), cuts: Array.from({ length: 6 }, () => random()) }));
    let replies = 0;
    for (let start = 0; start < traffic.length; start += PARALLEL) {
      const batch = traffic.slice(start, start + PARALLEL);
      const counts = await Promise.all(
        batch.map(async ({ wire, cuts }, i) => {
          const client = await RawClient.open(server.port);
          // Random split points so frames straddle TCP writes.
          const points = cuts.map((c) => Math.floor(c * wire.length)).sort((a, b) => a - b);
          let from = 0;
          for (const point of [...points, wire.length]) {
            client.send(wire.slice(from, point));
            from = point;
          }
          const closed = await client.waitClosed(CLOSE_WAIT_MS_MAX);
          client.close();
          if (!closed) throw new Error(`seed ${SEED} connection ${start + i}: the server never closed it`);
          try {
            return checkWellFormed(client.rawBuffered());
          } catch (error) {
            throw new Error(`seed ${SEED} connection ${start + i}: ${(error as Error).message}`);
          }
        }),
      );
      replies += counts.reduce((a, b) => a + b, 0);
    }
    expect(internalErrors, `seed ${SEED}`).toEqual([]);
    expect(replies, `seed ${SEED}: the server answered many frames`).toBeGreaterThan(CONNECTIONS * 5);

    const after = await RawClient.open(server.port);
    expect(await after.command('PING')).toBe('PONG');
    expect(await after.command('SET', 'after-fuzz', 'ok')).toBe('OK');
    expect(await after.command('GET', 'after-fuzz')).toBe('ok');
    after.close();
  });
});
