// Real clients against a RESP server on 127.0.0.1: ioredis (every listed command, pipelines, binary
// values, AUTH) and redis-cli (Debian redis-tools; skipped with a message when it is not installed).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRespServer, type RespServer } from '../../prod/resp/server.ts';
import { LocalKvApi } from '../support/local-kv-api.ts';

const REDIS_CLI = ['/usr/bin/redis-cli', '/usr/local/bin/redis-cli'].find((path) => existsSync(path));
if (!REDIS_CLI) {
  console.warn('resp-clients: redis-cli not found, skipping its tests (install it with: apt-get install -y redis-tools)');
}

function ioredis(port: number, options: Record<string, unknown> = {}): Redis {
  return new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0, retryStrategy: () => null, ...options });
}

describe('ioredis against the RESP server', () => {
  let server: RespServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRespServer({ host: '127.0.0.1', port: 0, api: new LocalKvApi() });
    redis = ioredis(server.port, { connectionName: 'ioredis-test' });
  });

  afterAll(async () => {
    redis.disconnect();
    await server.close();
  });

  it('PING, ECHO, SELECT 0, CLIENT, DBSIZE, INFO, COMMAND', async () => {
    expect(await redis.ping()).toBe('PONG');
    expect(await redis.echo('hello')).toBe('hello');
    expect(await redis.select(0)).toBe('OK');
    await expect(redis.select(1)).rejects.toThrow('ERR DB index is out of range');
    expect(await redis.client('GETNAME')).toBe('ioredis-test');
    expect(await redis.client('SETNAME', 'renamed')).toBe('OK');
    expect(await redis.client('GETNAME')).toBe('renamed');
    expect(typeof (await redis.client('ID'))).toBe('number');
    expect(await redis.dbsize()).toBeGreaterThanOrEqual(0);
    expect(await redis.info('server')).toContain('redis_version:');
    expect(await redis.command('COUNT')).toBeGreaterThan(20);
  });

  it('SET with EX, PX, NX, XX, GET, KEEPTTL; GET, GETDEL, APPEND, STRLEN', async () => {
    expect(await redis.set('s:a', 'v1')).toBe('OK');
    expect(await redis.get('s:a')).toBe('v1');
    expect(await redis.set('s:a', 'v2', 'NX')).toBeNull();
    expect(await redis.set('s:b', 'v', 'XX')).toBeNull();
    expect(await redis.set('s:a', 'v2', 'XX')).toBe('OK');
    expect(await redis.set('s:a', 'v3', 'GET')).toBe('v2');
    expect(await redis.set('s:ex', 'v', 'EX', 100)).toBe('OK');
    expect(await redis.ttl('s:ex')).toBeGreaterThanOrEqual(99);
    expect(await redis.set('s:ex', 'w', 'KEEPTTL')).toBe('OK');
    expect(await redis.ttl('s:ex')).toBeGreaterThan(95);
    expect(await redis.set('s:px', 'v', 'PX', 50_000)).toBe('OK');
    expect(await redis.pttl('s:px')).toBeGreaterThan(45_000);
    expect(await redis.append('s:a', '!')).toBe(3);
    expect(await redis.strlen('s:a')).toBe(3);
    expect(await redis.getdel('s:a')).toBe('v3!');
    expect(await redis.get('s:a')).toBeNull();
  });

  it('DEL, EXISTS, MSET, MGET, INCR, INCRBY, DECR, DECRBY', async () => {
    expect(await redis.mset('m:a', '1', 'm:b', '2')).toBe('OK');
    expect(await redis.mget('m:a', 'm:b', 'm:none')).toEqual(['1', '2', null]);
    expect(await redis.exists('m:a', 'm:b', 'm:none')).toBe(2);
    expect(await redis.incr('m:a')).toBe(2);
    expect(await redis.incrby('m:a', 10)).toBe(12);
    expect(await redis.decr('m:a')).toBe(11);
    expect(await redis.decrby('m:a', 5)).toBe(6);
    await expect(redis.incr('s:ex')).rejects.toThrow('ERR value is not an integer or out of range');
    expect(await redis.del('m:a', 'm:b', 'm:none')).toBe(2);
  });

  it('EXPIRE, PEXPIRE, TTL, PTTL, PERSIST', async () => {
    await redis.set('e:k', 'v');
    expect(await redis.ttl('e:k')).toBe(-1);
    expect(await redis.expire('e:k', 30)).toBe(1);
    expect(await redis.ttl('e:k')).toBeGreaterThanOrEqual(29);
    expect(await redis.pexpire('e:k', 60_000)).toBe(1);
    expect(await redis.pttl('e:k')).toBeGreaterThan(59_000);
    expect(await redis.persist('e:k')).toBe(1);
    expect(await redis.ttl('e:k')).toBe(-1);
    expect(await redis.ttl('e:none')).toBe(-2);
    expect(await redis.expire('e:none', 5)).toBe(0);
  });

  it('SCAN through scanStream returns every key once', async () => {
    const keys = Array.from({ length: 120 }, (_, i) => `scan:${i}`);
    await redis.mset(...keys.flatMap((k) => [k, 'x']));
    const seen: string[] = [];
    for await (const page of redis.scanStream({ match: 'scan:*', count: 7 })) seen.push(...(page as string[]));
    expect(seen.sort()).toEqual([...keys].sort());
  });

  it('pipelines and binary values (Buffers) round-trip', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const results = await redis
      .pipeline()
      .set(bytes, bytes)
      .getBuffer(bytes)
      .incr('p:n')
      .incr('p:n')
      .get('p:n')
      .exec();
    expect(results!.map(([error]) => error)).toEqual([null, null, null, null, null]);
    expect(Buffer.compare(results![1][1] as Buffer, bytes)).toBe(0);
    expect(results![4][1]).toBe('2');
  });

  it('unknown commands reject with the Redis wording', async () => {
    await expect(redis.call('NOSUCH', 'a')).rejects.toThrow("ERR unknown command 'NOSUCH', with args beginning with: 'a' ");
  });

  it('QUIT closes the connection', async () => {
    const quitter = ioredis(server.port);
    expect(await quitter.ping()).toBe('PONG');
    expect(await quitter.quit()).toBe('OK');
  });

  it('AUTH with requirepass: the password option connects, a wrong one is refused', async () => {
    const secured = await startRespServer({ host: '127.0.0.1', port: 0, api: new LocalKvApi(), requirepass: 'hunter2' });
    try {
      const good = ioredis(secured.port, { password: 'hunter2' });
      expect(await good.set('k', 'v')).toBe('OK');
      expect(await good.get('k')).toBe('v');
      good.disconnect();
      const none = ioredis(secured.port, { enableReadyCheck: false, lazyConnect: true });
      await none.connect();
      await expect(none.get('k')).rejects.toThrow('NOAUTH Authentication required.');
      expect(await none.auth('hunter2')).toBe('OK');
      expect(await none.get('k')).toBe('v');
      none.disconnect();
    } finally {
      await secured.close();
    }
  });
});

function cli(port: number, args: string[], input?: Buffer | string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(REDIS_CLI!, ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'latin1', timeout: 10_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`redis-cli ${args.join(' ')} failed: ${error.message} ${stderr}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

describe.skipIf(!REDIS_CLI)('redis-cli against the RESP server', () => {
  let server: RespServer;
  const run = (...args: string[]) => cli(server.port, args);

  beforeAll(async () => {
    server = await startRespServer({ host: '127.0.0.1', port: 0, api: new LocalKvApi() });
  });

  afterAll(async () => {
    await server.close();
  });

  it('every listed command in command-line mode', async () => {
    // TTLs are read a process spawn later, so they may have ticked down by a second under load.
    const steps: [string[], string | RegExp][] = [
      [['PING'], 'PONG\n'],
      [['ECHO', 'hi'], 'hi\n'],
      [['SET', 'k', 'v', 'EX', '100'], 'OK\n'],
      [['SET', 'k', 'v2', 'KEEPTTL'], 'OK\n'],
      [['TTL', 'k'], /^(99|100)\n$/],
      [['SET', 'k', 'v3', 'NX'], '\n'],
      [['SET', 'k', 'v3', 'XX', 'GET'], 'v2\n'],
      [['TTL', 'k'], '-1\n'],
      [['SET', 'p', 'v', 'PX', '100000'], 'OK\n'],
      [['GET', 'k'], 'v3\n'],
      [['PERSIST', 'p'], '1\n'],
      [['PTTL', 'p'], '-1\n'],
      [['EXPIRE', 'k', '50'], '1\n'],
      [['PEXPIRE', 'k', '40000'], '1\n'],
      [['TTL', 'k'], /^(39|40)\n$/],
      [['MSET', 'a', '1', 'b', '2'], 'OK\n'],
      [['MGET', 'a', 'b', 'none'], '1\n2\n\n'],
      [['INCR', 'a'], '2\n'],
      [['INCRBY', 'a', '10'], '12\n'],
      [['DECR', 'a'], '11\n'],
      [['DECRBY', 'a', '11'], '0\n'],
      [['APPEND', 'b', 'xyz'], '4\n'],
      [['STRLEN', 'b'], '4\n'],
      [['GETDEL', 'b'], '2xyz\n'],
      [['EXISTS', 'a', 'b', 'k'], '2\n'],
      [['DEL', 'a', 'p'], '2\n'],
      [['DBSIZE'], '1\n'],
      [['SELECT', '0'], 'OK\n'],
      [['CLIENT', 'SETNAME', 'cli'], 'OK\n'],
      [['CLIENT', 'GETNAME'], '\n'],
      [['COMMAND', 'COUNT'], '29\n'],
      [['QUIT'], 'OK\n'],
    ];
    for (const [args, expected] of steps) {
      const output = await run(...args);
      if (typeof expected === 'string') expect(output, args.join(' ')).toBe(expected);
      else expect(output, args.join(' ')).toMatch(expected);
    }
    expect(await run('CLIENT', 'ID')).toMatch(/^\d+\n$/);
    expect(await run('INFO')).toContain('redis_version:7.0.0');
    expect(await run('SCAN', '0')).toBe('0\nk\n');
    // redis-cli prints an error reply followed by an empty line.
    expect(await run('NOSUCH', 'x')).toBe("ERR unknown command 'NOSUCH', with args beginning with: 'x' \n\n");
    expect(await run('AUTH', 'x')).toMatch(/^ERR AUTH <password> called without any password configured/);
  });

  it('--scan walks all keys over numeric cursors; --pattern filters', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `cli:${i}`);
    await run('MSET', ...keys.flatMap((k) => [k, 'v']));
    // Server-side COUNT 10 by default: several pages, each cursor parsed by redis-cli as a number.
    const listed = (await run('--scan')).trim().split('\n');
    expect(listed.filter((k) => k.startsWith('cli:')).sort()).toEqual([...keys].sort());
    const matched = (await run('--scan', '--pattern', 'cli:1*')).trim().split('\n');
    expect(matched.sort()).toEqual(keys.filter((k) => k.startsWith('cli:1')).sort());
  });

  it('-x sends a binary value from stdin; --pipe mass-inserts a pipeline', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(await cli(server.port, ['-x', 'SET', 'bin'], bytes)).toBe('OK\n');
    expect(await run('STRLEN', 'bin')).toBe('256\n');
    let wire = '';
    for (let i = 0; i < 500; i++) wire += `*3\r\n$3\r\nSET\r\n$${`pipe:${i}`.length}\r\npipe:${i}\r\n$1\r\nv\r\n`;
    const report = await cli(server.port, ['--pipe'], wire);
    expect(report).toContain('errors: 0, replies: 500');
    expect(await run('EXISTS', 'pipe:0', 'pipe:499')).toBe('2\n');
  });

  it('-a authenticates against requirepass', async () => {
    const secured = await startRespServer({ host: '127.0.0.1', port: 0, api: new LocalKvApi(), requirepass: 'pw' });
    try {
      expect(await cli(secured.port, ['GET', 'k'])).toBe('NOAUTH Authentication required.\n\n');
      expect(await cli(secured.port, ['-a', 'pw', '--no-auth-warning', 'SET', 'k', 'v'])).toBe('OK\n');
      expect(await cli(secured.port, ['--user', 'default', '--pass', 'pw', '--no-auth-warning', 'GET', 'k'])).toBe('v\n');
    } finally {
      await secured.close();
    }
  });
});
