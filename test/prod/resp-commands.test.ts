// Every RESP command's replies, byte for byte, against the real state machine (no sockets). Wording of
// errors follows redis-server 7.0.
import { describe, expect, it } from 'vitest';
import type { ClientError } from '../../core/node/client-api.ts';
import { nodeId } from '../../core/types.ts';
import { LocalKvApi } from '../support/local-kv-api.ts';
import { commandRunner, decodeReply, type Decoded } from './resp-harness.ts';

const T0 = 1_700_000_000_000;

function setup(options: Parameters<typeof commandRunner>[0] = {}) {
  let now = T0;
  const runner = commandRunner({ nowMs: () => now, ...options });
  return {
    ...runner,
    advance(ms: number) {
      now += ms;
    },
    async value(...args: string[]): Promise<Decoded> {
      return decodeReply(await runner.run(...args))!.value;
    },
  };
}

describe('RESP commands: connection', () => {
  it('PING and ECHO', async () => {
    const r = setup();
    expect(await r.run('PING')).toBe('+PONG\r\n');
    expect(await r.run('ping', 'hi there')).toBe('$8\r\nhi there\r\n');
    expect(await r.run('PING', 'a', 'b')).toBe("-ERR wrong number of arguments for 'ping' command\r\n");
    expect(await r.run('ECHO', '')).toBe('$0\r\n\r\n');
    expect(await r.run('echo', 'a', 'b')).toBe("-ERR wrong number of arguments for 'echo' command\r\n");
  });

  it('answers unknown commands exactly like Redis, quoting at most 128 bytes', async () => {
    const r = setup();
    expect(await r.run('FOO')).toBe("-ERR unknown command 'FOO', with args beginning with: \r\n");
    expect(await r.run('foo', 'a', 'b')).toBe("-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n");
    const long = await r.run('foo', 'aaa', 'b'.repeat(200), 'ccc');
    expect(long).toBe(`-ERR unknown command 'foo', with args beginning with: 'aaa' '${'b'.repeat(122)}' \r\n`);
    expect(await r.run('x'.repeat(200))).toBe(`-ERR unknown command '${'x'.repeat(128)}', with args beginning with: \r\n`);
    expect(await r.run('f\r\no', 'a\nb')).toBe("-ERR unknown command 'f  o', with args beginning with: 'a b' \r\n");
  });

  it('SELECT accepts only database 0', async () => {
    const r = setup();
    expect(await r.run('SELECT', '0')).toBe('+OK\r\n');
    expect(await r.run('SELECT', '1')).toBe('-ERR DB index is out of range\r\n');
    expect(await r.run('SELECT', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await r.run('SELECT')).toBe("-ERR wrong number of arguments for 'select' command\r\n");
  });

  it('CLIENT ID, SETNAME, GETNAME, SETINFO, HELP and errors', async () => {
    const r = setup();
    expect(await r.run('CLIENT', 'ID')).toBe(':7\r\n');
    expect(await r.run('client', 'getname')).toBe('$-1\r\n');
    expect(await r.run('CLIENT', 'SETNAME', 'worker-1')).toBe('+OK\r\n');
    expect(await r.run('CLIENT', 'GETNAME')).toBe('$8\r\nworker-1\r\n');
    expect(await r.run('CLIENT', 'SETNAME', 'a b')).toBe('-ERR Client names cannot contain spaces, newlines or special characters.\r\n');
    expect(await r.run('CLIENT', 'SETNAME', '')).toBe('+OK\r\n');
    expect(await r.run('CLIENT', 'GETNAME')).toBe('$-1\r\n');
    expect(await r.run('CLIENT', 'SETINFO', 'LIB-NAME', 'ioredis')).toBe('+OK\r\n');
    expect(r.connection.libName).toBe('ioredis');
    expect(await r.run('CLIENT', 'SETINFO', 'color', 'x')).toBe("-ERR Unrecognized option 'color'\r\n");
    expect(await r.run('CLIENT', 'KILL', 'x')).toBe("-ERR unknown subcommand 'KILL'. Try CLIENT HELP.\r\n");
    expect(await r.run('CLIENT')).toBe("-ERR wrong number of arguments for 'client' command\r\n");
    expect(await r.run('Client', 'SetName')).toBe("-ERR wrong number of arguments for 'client|setname' command\r\n");
    expect(await r.run('CLIENT', 'ID', 'x')).toBe("-ERR wrong number of arguments for 'client|id' command\r\n");
    expect(await r.value('CLIENT', 'HELP')).toContain('SETNAME <name>');
  });

  it('HELLO: RESP2 only (HELLO 3 answers NOPROTO so clients fall back), with AUTH and SETNAME', async () => {
    const r = setup({ requirepass: 'pw' });
    expect(await r.run('HELLO', '3')).toBe('-NOPROTO unsupported protocol version\r\n');
    expect(await r.run('HELLO', 'x')).toBe('-ERR Protocol version is not an integer or out of range\r\n');
    expect(await r.run('HELLO', '2')).toMatch(/^-NOAUTH HELLO must be called with the client already authenticated/);
    expect(await r.run('HELLO', '2', 'AUTH', 'default', 'bad')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    expect(await r.run('HELLO', '2', 'FOO')).toBe("-ERR Syntax error in HELLO option 'FOO'\r\n");
    const map = (await r.value('HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME', 'app')) as Decoded[];
    expect(map.slice(0, 6)).toEqual(['server', 'redis', 'version', '7.0.0', 'proto', 2]);
    expect(r.connection.authenticated).toBe(true);
    expect(r.connection.name).toBe('app');
  });

  it('QUIT answers OK and asks the connection to close', async () => {
    const r = setup();
    expect(await r.run('QUIT')).toBe('+OK\r\n');
    expect(r.connection.closeAfterReply).toBe(true);
  });

  it('AUTH without a configured password is refused with Redis wording', async () => {
    const r = setup();
    expect(await r.run('AUTH', 'x')).toMatch(/^-ERR AUTH <password> called without any password configured/);
  });

  it('AUTH with requirepass: NOAUTH before, WRONGPASS, then OK; arity and unknown checks come first', async () => {
    const r = setup({ requirepass: 's3cret' });
    expect(await r.run('GET', 'k')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await r.run('PING')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await r.run('GET')).toBe("-ERR wrong number of arguments for 'get' command\r\n");
    expect(await r.run('NOPE')).toBe("-ERR unknown command 'NOPE', with args beginning with: \r\n");
    expect(await r.run('AUTH', 'wrong')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    expect(await r.run('AUTH', 'bob', 's3cret')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    expect(await r.run('AUTH', 'a', 'b', 'c')).toBe('-ERR syntax error\r\n');
    expect(r.connection.authenticated).toBe(false);
    expect(await r.run('AUTH', 'default', 's3cret')).toBe('+OK\r\n');
    expect(r.connection.authenticated).toBe(true);
    expect(await r.run('PING')).toBe('+PONG\r\n');
  });
});

describe('RESP commands: strings', () => {
  it('SET and GET, binary safe', async () => {
    const r = setup();
    const all = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
    expect(await r.run('SET', all, all)).toBe('+OK\r\n');
    expect(await r.run('GET', all)).toBe(`$256\r\n${all}\r\n`);
    expect(await r.run('GET', 'absent')).toBe('$-1\r\n');
    expect(await r.run('GET', 'a', 'b')).toBe("-ERR wrong number of arguments for 'get' command\r\n");
  });

  it('SET NX / XX / GET', async () => {
    const r = setup();
    expect(await r.run('SET', 'k', 'v1', 'XX')).toBe('$-1\r\n');
    expect(await r.run('SET', 'k', 'v1', 'nx')).toBe('+OK\r\n');
    expect(await r.run('SET', 'k', 'v2', 'NX')).toBe('$-1\r\n');
    expect(await r.run('SET', 'k', 'v2', 'XX')).toBe('+OK\r\n');
    expect(await r.run('SET', 'k', 'v3', 'GET')).toBe('$2\r\nv2\r\n');
    expect(await r.run('SET', 'k', 'v4', 'NX', 'GET')).toBe('$2\r\nv3\r\n');
    expect(await r.run('GET', 'k')).toBe('$2\r\nv3\r\n');
    expect(await r.run('SET', 'new', 'v', 'GET')).toBe('$-1\r\n');
    expect(await r.run('SET', 'k', 'v', 'NX', 'XX')).toBe('-ERR syntax error\r\n');
    expect(await r.run('SET', 'k', 'v', 'BOGUS')).toBe('-ERR syntax error\r\n');
  });

  it('SET EX / PX / EXAT / PXAT / KEEPTTL fix an absolute expiry from the injected clock', async () => {
    const r = setup();
    expect(await r.run('SET', 'a', 'v', 'EX', '10')).toBe('+OK\r\n');
    expect(await r.run('PTTL', 'a')).toBe(':10000\r\n');
    expect(await r.run('SET', 'b', 'v', 'px', '1500')).toBe('+OK\r\n');
    expect(await r.run('TTL', 'b')).toBe(':2\r\n');
    expect(await r.run('SET', 'c', 'v', 'EXAT', String(T0 / 1000 + 30))).toBe('+OK\r\n');
    expect(await r.run('TTL', 'c')).toBe(':30\r\n');
    expect(await r.run('SET', 'd', 'v', 'PXAT', String(T0 + 400))).toBe('+OK\r\n');
    expect(await r.run('PTTL', 'd')).toBe(':400\r\n');
    expect(await r.run('SET', 'a', 'w', 'KEEPTTL')).toBe('+OK\r\n');
    expect(await r.run('PTTL', 'a')).toBe(':10000\r\n');
    expect(await r.run('SET', 'a', 'x')).toBe('+OK\r\n');
    expect(await r.run('PTTL', 'a')).toBe(':-1\r\n');
    r.advance(1500);
    expect(await r.run('GET', 'b')).toBe('$-1\r\n');
    expect(await r.run('SET', 'e', 'v', 'EXAT', '1')).toBe('+OK\r\n');
    expect(await r.run('GET', 'e')).toBe('$-1\r\n');
  });

  it('SET expiry errors worded like Redis', async () => {
    const r = setup();
    expect(await r.run('SET', 'k', 'v', 'EX', '0')).toBe("-ERR invalid expire time in 'set' command\r\n");
    expect(await r.run('SET', 'k', 'v', 'PX', '-5')).toBe("-ERR invalid expire time in 'set' command\r\n");
    expect(await r.run('SET', 'k', 'v', 'EX', '9223372036854775')).toBe("-ERR invalid expire time in 'set' command\r\n");
    expect(await r.run('SET', 'k', 'v', 'EX', 'abc')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await r.run('SET', 'k', 'v', 'EX', '10', 'PX', '10')).toBe('-ERR syntax error\r\n');
    expect(await r.run('SET', 'k', 'v', 'EX', '10', 'EX', '20')).toBe('+OK\r\n');
    expect(await r.run('TTL', 'k')).toBe(':20\r\n');
    expect(await r.run('SET', 'k', 'v', 'KEEPTTL', 'EX', '10')).toBe('-ERR syntax error\r\n');
    expect(await r.run('SET', 'k', 'v', 'PX', '10', 'KEEPTTL')).toBe('-ERR syntax error\r\n');
    expect(await r.run('SET', 'k', 'v', 'EX')).toBe('-ERR syntax error\r\n');
    expect(await r.run('SET', 'k')).toBe("-ERR wrong number of arguments for 'set' command\r\n");
  });

  it('MSET and MGET', async () => {
    const r = setup();
    expect(await r.run('MSET', 'a', '1', 'b', '2')).toBe('+OK\r\n');
    expect(await r.run('MGET', 'a', 'x', 'b')).toBe('*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n');
    expect(await r.run('MSET', 'a', '1', 'b')).toBe("-ERR wrong number of arguments for 'mset' command\r\n");
    expect(await r.run('MGET')).toBe("-ERR wrong number of arguments for 'mget' command\r\n");
  });

  it('INCR, INCRBY, DECR, DECRBY with Redis integer rules and overflow errors', async () => {
    const r = setup();
    expect(await r.run('INCR', 'n')).toBe(':1\r\n');
    expect(await r.run('INCRBY', 'n', '41')).toBe(':42\r\n');
    expect(await r.run('DECR', 'n')).toBe(':41\r\n');
    expect(await r.run('DECRBY', 'n', '-9')).toBe(':50\r\n');
    expect(await r.run('INCRBY', 'n', '+1')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await r.run('INCRBY', 'n', '01')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await r.run('INCRBY', 'n', '9223372036854775808')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await r.run('DECRBY', 'n', '-9223372036854775808')).toBe('-ERR decrement would overflow\r\n');
    expect(await r.run('SET', 'max', '9223372036854775807')).toBe('+OK\r\n');
    expect(await r.run('INCR', 'max')).toBe('-ERR increment or decrement would overflow\r\n');
    expect(await r.run('SET', 's', 'abc')).toBe('+OK\r\n');
    expect(await r.run('INCR', 's')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await r.run('INCR', 'a', 'b')).toBe("-ERR wrong number of arguments for 'incr' command\r\n");
  });

  it('APPEND, STRLEN, GETDEL', async () => {
    const r = setup();
    expect(await r.run('APPEND', 'k', 'ab')).toBe(':2\r\n');
    expect(await r.run('APPEND', 'k', 'cde')).toBe(':5\r\n');
    expect(await r.run('STRLEN', 'k')).toBe(':5\r\n');
    expect(await r.run('STRLEN', 'nope')).toBe(':0\r\n');
    expect(await r.run('GETDEL', 'k')).toBe('$5\r\nabcde\r\n');
    expect(await r.run('GETDEL', 'k')).toBe('$-1\r\n');
    expect(await r.run('EXISTS', 'k')).toBe(':0\r\n');
  });
});

describe('RESP commands: keyspace', () => {
  it('DEL and EXISTS count keys (EXISTS counts repeats, like Redis)', async () => {
    const r = setup();
    await r.run('MSET', 'a', '1', 'b', '2', 'c', '3');
    expect(await r.run('EXISTS', 'a', 'a', 'zz')).toBe(':2\r\n');
    expect(await r.run('DEL', 'a', 'b', 'zz')).toBe(':2\r\n');
    expect(await r.run('DBSIZE')).toBe(':1\r\n');
    expect(await r.run('DEL')).toBe("-ERR wrong number of arguments for 'del' command\r\n");
    expect(await r.run('DBSIZE', 'x')).toBe("-ERR wrong number of arguments for 'dbsize' command\r\n");
  });

  it('EXPIRE, PEXPIRE, TTL, PTTL, PERSIST', async () => {
    const r = setup();
    expect(await r.run('EXPIRE', 'k', '10')).toBe(':0\r\n');
    await r.run('SET', 'k', 'v');
    expect(await r.run('TTL', 'k')).toBe(':-1\r\n');
    expect(await r.run('TTL', 'nope')).toBe(':-2\r\n');
    expect(await r.run('PTTL', 'nope')).toBe(':-2\r\n');
    expect(await r.run('EXPIRE', 'k', '10')).toBe(':1\r\n');
    r.advance(2600);
    expect(await r.run('TTL', 'k')).toBe(':7\r\n');
    expect(await r.run('PTTL', 'k')).toBe(':7400\r\n');
    expect(await r.run('PEXPIRE', 'k', '100000')).toBe(':1\r\n');
    expect(await r.run('TTL', 'k')).toBe(':100\r\n');
    expect(await r.run('PERSIST', 'k')).toBe(':1\r\n');
    expect(await r.run('PERSIST', 'k')).toBe(':0\r\n');
    expect(await r.run('TTL', 'k')).toBe(':-1\r\n');
    expect(await r.run('PEXPIRE', 'k', '-5')).toBe(':1\r\n');
    expect(await r.run('EXISTS', 'k')).toBe(':0\r\n');
  });

  it('EXPIRE errors', async () => {
    const r = setup();
    expect(await r.run('EXPIRE', 'k', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await r.run('EXPIRE', 'k', '9223372036854775807')).toBe("-ERR invalid expire time in 'expire' command\r\n");
    expect(await r.run('PEXPIRE', 'k', '9223372036854775807')).toBe("-ERR invalid expire time in 'pexpire' command\r\n");
    expect(await r.run('EXPIRE', 'k', '10', 'foo')).toBe('-ERR Unsupported option foo\r\n');
    expect(await r.run('EXPIRE', 'k', '10', 'NX')).toMatch(/^-ERR EXPIRE options NX, XX, GT and LT are not supported/);
    expect(await r.run('EXPIRE', 'k')).toBe("-ERR wrong number of arguments for 'expire' command\r\n");
    expect(await r.run('TTL')).toBe("-ERR wrong number of arguments for 'ttl' command\r\n");
  });

  it('SCAN walks every key exactly once with numeric cursors, honouring MATCH, COUNT and TYPE', async () => {
    const r = setup();
    const keys = Array.from({ length: 25 }, (_, i) => `key:${String(i).padStart(2, '0')}`);
    await r.run('MSET', ...keys.flatMap((k) => [k, 'v']), 'other', 'v');
    const seen: string[] = [];
    let cursor = '0';
    let calls = 0;
    do {
      const [next, page] = (await r.value('SCAN', cursor, 'MATCH', 'key:*', 'COUNT', '4')) as [string, string[]];
      expect(next).toMatch(/^[0-9]+$/);
      seen.push(...page);
      cursor = next;
      calls += 1;
    } while (cursor !== '0' && calls < 100);
    expect(seen.sort()).toEqual(keys);
    expect(calls).toBeGreaterThan(5);
    expect(await r.value('SCAN', '0', 'COUNT', '100', 'TYPE', 'string')).toEqual(['0', [...keys, 'other'].sort()]);
    expect(await r.value('SCAN', '0', 'COUNT', '100', 'TYPE', 'hash')).toEqual(['0', []]);
  });

  it('SCAN errors', async () => {
    const r = setup();
    expect(await r.run('SCAN', 'abc')).toBe('-ERR invalid cursor\r\n');
    expect(await r.run('SCAN', '18446744073709551616')).toBe('-ERR invalid cursor\r\n');
    expect(await r.run('SCAN', '12345')).toBe('-ERR invalid cursor\r\n');
    expect(await r.run('SCAN', '0', 'COUNT', '0')).toBe('-ERR syntax error\r\n');
    expect(await r.run('SCAN', '0', 'COUNT', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await r.run('SCAN', '0', 'MATCH')).toBe('-ERR syntax error\r\n');
    expect(await r.run('SCAN', '0', 'FOO', '1')).toBe('-ERR syntax error\r\n');
  });
});

describe('RESP commands: server', () => {
  it('COMMAND, COMMAND COUNT, LIST, INFO and DOCS describe the table', async () => {
    const r = setup();
    const contract = [
      'ping', 'echo', 'get', 'set', 'del', 'exists', 'incr', 'incrby', 'decr', 'decrby', 'mget', 'mset', 'getdel',
      'append', 'strlen', 'expire', 'pexpire', 'ttl', 'pttl', 'persist', 'scan', 'dbsize', 'info', 'auth', 'client',
      'command', 'quit', 'select', 'hello',
    ];
    const list = (await r.value('COMMAND', 'LIST')) as string[];
    expect([...list].sort()).toEqual([...contract].sort());
    expect(await r.value('COMMAND', 'COUNT')).toBe(contract.length);
    expect(((await r.value('COMMAND')) as unknown[]).length).toBe(contract.length);
    expect(await r.value('COMMAND', 'INFO', 'get', 'nope')).toEqual([
      ['get', 2, ['readonly', 'fast'], 1, 1, 1, ['@string'], [], [], []],
      null,
    ]);
    const docs = (await r.value('COMMAND', 'DOCS', 'GET')) as Decoded[];
    expect(docs[0]).toBe('get');
    expect(docs[1]).toEqual(expect.arrayContaining(['summary', 'since', 'group', 'string']));
    expect(await r.value('COMMAND', 'DOCS', 'nope')).toEqual([]);
    expect(await r.run('COMMAND', 'FOO')).toBe("-ERR unknown subcommand 'FOO'. Try COMMAND HELP.\r\n");
    expect(await r.run('COMMAND', 'COUNT', 'x')).toBe("-ERR wrong number of arguments for 'command|count' command\r\n");
  });

  it('INFO reports the fields clients read, the keyspace and the kvlab section', async () => {
    const status = {
      nodeId: nodeId(2),
      clusterStatus: () => ({
        clusterId: 'c1',
        leader: nodeId(1),
        term: 4,
        nodes: [
          { id: nodeId(2), role: 'follower', term: 4, commitIndex: 10, appliedIndex: 9, up: true, respAddr: 'a:1', httpAddr: 'a:2', raftAddr: 'a:3' },
        ],
      }),
    };
    const r = setup({ status });
    await r.run('MSET', 'a', '1', 'b', '2');
    const info = (await r.value('INFO')) as string;
    expect(info).toMatch(/^# Server\r\nredis_version:7\.0\.0\r\n/);
    for (const line of ['loading:0', 'role:master', 'db0:keys=2,expires=0,avg_ttl=0', 'kvlab_raft_role:follower', 'kvlab_leader:1', 'kvlab_applied_index:9']) {
      expect(info).toContain(`${line}\r\n`);
    }
    const server = (await r.value('info', 'SERVER')) as string;
    expect(server).toContain('# Server');
    expect(server).not.toContain('# Clients');
    expect(await r.value('INFO', 'nosuchsection')).toBe('');
  });
});

describe('RESP commands: limits and node errors', () => {
  it('refuses a key longer than keyBytesMax in any key position', async () => {
    const r = setup({ limits: { keyBytesMax: 8 } });
    expect(await r.run('SET', 'k'.repeat(9), 'v')).toBe('-ERR key of 9 bytes exceeds keyBytesMax 8\r\n');
    expect(await r.run('MSET', 'a', 'v', 'k'.repeat(9), 'v')).toBe('-ERR key of 9 bytes exceeds keyBytesMax 8\r\n');
    expect(await r.run('SET', 'k', 'v'.repeat(20))).toBe('+OK\r\n');
  });

  it('turns a state-machine validation error into -ERR naming the field', async () => {
    const r = setup();
    const keys = Array.from({ length: 10_001 }, (_, i) => `k${i}`);
    expect(await r.run('DEL', ...keys)).toMatch(/^-ERR .*write\.keys.*10001 keys exceed the limit 10000/);
  });

  const failures: [ClientError, RegExp][] = [
    [{ code: 'noLeader', message: 'no leader elected', retryAfterMs: 300 }, /^-CLUSTERDOWN no leader elected \(retry in 300 ms\)\r\n$/],
    [{ code: 'stopping', message: 'node is stopping' }, /^-CLUSTERDOWN node is stopping\r\n$/],
    [{ code: 'overloaded', message: 'too many proposals', retryAfterMs: 50 }, /^-TRYAGAIN too many proposals/],
    [{ code: 'timeout', message: 'not committed in 5000 ms', outcome: 'unknown' }, /^-TIMEOUT not committed in 5000 ms \(outcome unknown/],
    [{ code: 'tooLarge', message: 'entry too large' }, /^-ERR entry too large\r\n$/],
    [{ code: 'invalid', message: 'bad' }, /^-ERR bad\r\n$/],
  ];
  for (const [error, expected] of failures) {
    it(`maps node error ${error.code} to ${expected.source.slice(1, 14)}`, async () => {
      const api = new LocalKvApi({ fail: () => error });
      const r = setup({ api });
      expect(await r.run('SET', 'k', 'v')).toMatch(expected);
      // A fresh connection: after a write with an unknown outcome its own connection runs nothing more.
      expect(await setup({ api }).run('GET', 'k')).toMatch(expected);
      expect(await r.run('PING')).toBe('+PONG\r\n');
    });
  }

  it('after a write answered TIMEOUT (outcome unknown), later commands of that connection are not run', async () => {
    let failing = true;
    const api = new LocalKvApi({ fail: () => (failing ? { code: 'timeout', message: 'leader changed', outcome: 'unknown' } : null) });
    const r = setup({ api });
    expect(await r.run('SET', 'k', 'v')).toMatch(/^-TIMEOUT leader changed/);
    failing = false;
    expect(await r.run('GET', 'k')).toMatch(/^-ERR not executed: an earlier write of this session has an unknown outcome \(leader changed\)/);
    expect(api.requests.length, 'the GET never reached the node').toBe(1);
    expect(await setup({ api }).run('SET', 'k', 'w')).toBe('+OK\r\n');
  });

  it('answers TIMEOUT when the node never calls back', async () => {
    const silent = { write: () => {}, read: () => {} };
    const r = setup({ api: silent });
    expect(await r.run('GET', 'k')).toMatch(/^-TIMEOUT no answer from the node within \d+ ms/);
  });
});
