// Shape checks of commands and reads, field by field: each limit rejects one past it and accepts the
// limit itself, and the error names the field and says what was wrong. A replica relies on these checks
// never to apply a command that breaks a limit, so each one is pinned here (mutation testing found
// several with no test of their own).
import { describe, expect, it } from 'vitest';
import type { KvCommand, KvRead, KvWrite } from '../../core/kv/commands.ts';
import { validateCommand, validateRead, validateWrite } from '../../core/kv/command-validate.ts';
import { clientIdBytesMax, keyBytesMax, keysPerCommandMax, matchPatternCharsMax } from '../../core/kv/limits.ts';
import { thrown } from '../support/thrown.ts';


const longKey = 'k'.repeat(keyBytesMax + 1);
const maxKey = 'k'.repeat(keyBytesMax);
const keys = (n: number): string[] => Array.from({ length: n }, (_, i) => `k${i}`);

describe('write validation names the field and the reason', () => {
  const rejected: Array<[string, unknown, RegExp]> = [
    ['set key too long', { op: 'set', key: longKey, value: 'v' }, /^command write\.key: length 65537 exceeds the limit 65536$/],
    ['set key not a string', { op: 'set', key: 7, value: 'v' }, /^command write\.key: expected a string, got number$/],
    ['set value not a byte string', { op: 'set', key: 'k', value: 'a\u0100' }, /^command write\.value: char 256 at position 1 is above 255 \(keys and values are byte strings\)$/],
    ['set negative expiry', { op: 'set', key: 'k', value: 'v', expireAtMs: -5 }, /^command write\.expireAtMs: -5 is not a non-negative safe integer$/],
    ['set fractional expiry', { op: 'set', key: 'k', value: 'v', expireAtMs: 1.5 }, /^command write\.expireAtMs: 1\.5 is/],
    ['set expiry with keepTtl', { op: 'set', key: 'k', value: 'v', expireAtMs: 5, keepTtl: true }, /^command write\.keepTtl: cannot be combined with an expiry$/],
    ['set unknown condition', { op: 'set', key: 'k', value: 'v', condition: 'xy' }, /^command write\.condition: expected 'nx' or 'xx', got xy$/],
    ['del no keys', { op: 'del', keys: [] }, /^command write\.keys: needs at least one key$/],
    ['del keys not an array', { op: 'del', keys: 'k' }, /^command write\.keys: expected an array of keys$/],
    ['del too many keys', { op: 'del', keys: keys(keysPerCommandMax + 1) }, /^command write\.keys: 10001 keys exceed the limit 10000$/],
    ['del one key too long', { op: 'del', keys: ['a', longKey] }, /^command write\.keys\[1\]: length/],
    ['purgeExpired no keys', { op: 'purgeExpired', keys: [] }, /^command write\.keys: needs at least one key$/],
    ['cas key too long', { op: 'cas', key: longKey, expected: null, value: 'v' }, /^command write\.key: length/],
    ['cas expected not a byte string', { op: 'cas', key: 'k', expected: '\u2603', value: 'v' }, /^command write\.expected: char 9731/],
    ['cas value not a byte string', { op: 'cas', key: 'k', expected: 'a', value: '\u2603' }, /^command write\.value: char 9731/],
    ['incrBy key too long', { op: 'incrBy', key: longKey, delta: 1n }, /^command write\.key: length/],
    ['incrBy delta a number', { op: 'incrBy', key: 'k', delta: 1 }, /^command write\.delta: expected a bigint$/],
    ['incrBy delta below int64', { op: 'incrBy', key: 'k', delta: -(1n << 63n) - 1n }, /^command write\.delta: -9223372036854775809 is outside the int64 range$/],
    ['append key too long', { op: 'append', key: longKey, value: 'v' }, /^command write\.key: length/],
    ['append value not a byte string', { op: 'append', key: 'k', value: '\u2603' }, /^command write\.value: char 9731/],
    ['expireAt key too long', { op: 'expireAt', key: longKey, atMs: 1 }, /^command write\.key: length/],
    ['expireAt time not an integer', { op: 'expireAt', key: 'k', atMs: Number.POSITIVE_INFINITY }, /^command write\.atMs: Infinity is not/],
    ['persist key too long', { op: 'persist', key: longKey }, /^command write\.key: length/],
    ['getdel key not a byte string', { op: 'getdel', key: '\u2603' }, /^command write\.key: char 9731/],
    ['mset no pairs', { op: 'mset', pairs: [] }, /^command write\.pairs: needs at least one pair$/],
    ['mset pairs not an array', { op: 'mset', pairs: 'kv' }, /^command write\.pairs: needs at least one pair$/],
    ['mset too many pairs', { op: 'mset', pairs: keys(keysPerCommandMax + 1).map((k) => [k, 'v']) }, /^command write\.pairs: 10001 pairs exceed the limit 10000$/],
    ['mset pair of three', { op: 'mset', pairs: [['a', 'b'], ['k', 'v', 'x']] }, /^command write\.pairs\[1\]: expected \[key, value\]$/],
    ['mset pair not an array', { op: 'mset', pairs: ['kv'] }, /^command write\.pairs\[0\]: expected \[key, value\]$/],
    ['mset pair key too long', { op: 'mset', pairs: [[longKey, 'v']] }, /^command write\.pairs\[0\]\[0\]: length/],
    ['unknown op', { op: 'flushall' }, /^command write\.op: unknown op flushall$/],
  ];
  it.each(rejected)('rejects %s', (_, write, message) => {
    const error = thrown(() => validateWrite(write as KvWrite));
    expect(error.code).toBe('invalidCommand');
    expect(error.message).toMatch(message);
  });

  const accepted: Array<[string, KvWrite]> = [
    ['set with the longest key', { op: 'set', key: maxKey, value: '' }],
    ['set with expiry 0 and a condition', { op: 'set', key: 'k', value: 'v', expireAtMs: 0, condition: 'nx' }],
    ['set xx keeping the ttl', { op: 'set', key: 'k', value: 'v', condition: 'xx', keepTtl: true }],
    ['del of the most keys', { op: 'del', keys: keys(keysPerCommandMax) }],
    ['cas expecting absence', { op: 'cas', key: 'k', expected: null, value: 'v' }],
    ['incrBy by int64 min', { op: 'incrBy', key: 'k', delta: -(1n << 63n) }],
    ['expireAt 0', { op: 'expireAt', key: 'k', atMs: 0 }],
    ['mset of the most pairs', { op: 'mset', pairs: keys(keysPerCommandMax).map((k) => [k, 'v'] as const) }],
  ];
  it.each(accepted)('accepts %s', (_, write) => {
    expect(() => validateWrite(write)).not.toThrow();
  });
});

describe('command validation checks the session and the clock', () => {
  const command = (over: Partial<KvCommand>): KvCommand => ({ session: { clientId: 'c', seq: 1 }, atMs: 0, write: { op: 'persist', key: 'k' }, ...over });

  it('accepts the longest client id and rejects one longer', () => {
    expect(() => validateCommand(command({ session: { clientId: 'c'.repeat(clientIdBytesMax), seq: 0 } }))).not.toThrow();
    expect(thrown(() => validateCommand(command({ session: { clientId: 'c'.repeat(clientIdBytesMax + 1), seq: 0 } }))).message).toBe(
      `command session.clientId: length ${clientIdBytesMax + 1} exceeds the limit ${clientIdBytesMax}`,
    );
  });

  it('rejects a missing session, a negative seq and a negative time', () => {
    expect(thrown(() => validateCommand({ atMs: 0, write: { op: 'persist', key: 'k' } } as unknown as KvCommand)).message).toBe(
      'command session.clientId: expected a string, got undefined',
    );
    expect(thrown(() => validateCommand(command({ session: { clientId: 'c', seq: -1 } }))).message).toMatch(/^command session\.seq: -1/);
    expect(thrown(() => validateCommand(command({ atMs: -1 }))).message).toMatch(/^command atMs: -1/);
  });

  it('validates the write inside the command', () => {
    expect(thrown(() => validateCommand(command({ write: { op: 'getdel', key: longKey } }))).message).toMatch(/^command write\.key: length/);
  });
});

describe('read validation names the field and the reason', () => {
  const rejected: Array<[string, unknown, RegExp]> = [
    ['get key too long', { op: 'get', key: longKey }, /^read key: length 65537 exceeds the limit 65536$/],
    ['strlen key not a byte string', { op: 'strlen', key: '\u2603' }, /^read key: char 9731/],
    ['pttl key not a string', { op: 'pttl', key: null }, /^read key: expected a string, got object$/],
    ['mget too many keys', { op: 'mget', keys: keys(keysPerCommandMax + 1) }, /^read keys: 10001 keys exceed the limit 10000$/],
    ['exists no keys', { op: 'exists', keys: [] }, /^read keys: needs at least one key$/],
    ['scan cursor a number', { op: 'scan', cursor: 0, count: 10 }, /^read cursor: expected a string$/],
    ['scan count fractional', { op: 'scan', cursor: '0', count: 2.5 }, /^read count: 2\.5 is not a positive integer$/],
    ['scan count zero', { op: 'scan', cursor: '0', count: 0 }, /^read count: 0 is not a positive integer$/],
    ['scan pattern too long', { op: 'scan', cursor: '0', count: 1, match: '*'.repeat(matchPatternCharsMax + 1) }, /^read match: length 4097 exceeds the limit 4096$/],
    ['unknown op', { op: 'keys' }, /^read op: unknown op keys$/],
  ];
  it.each(rejected)('rejects %s', (_, read, message) => {
    const error = thrown(() => validateRead(read as KvRead));
    expect(error.code).toBe('invalidRead');
    expect(error.message).toMatch(message);
  });

  const accepted: Array<[string, KvRead]> = [
    ['get of the longest key', { op: 'get', key: maxKey }],
    ['exists of the most keys', { op: 'exists', keys: keys(keysPerCommandMax) }],
    ['scan of count 1 with the longest pattern', { op: 'scan', cursor: '0', count: 1, match: '*'.repeat(matchPatternCharsMax) }],
    ['dbsize', { op: 'dbsize' }],
  ];
  it.each(accepted)('accepts %s', (_, read) => {
    expect(() => validateRead(read)).not.toThrow();
  });
});
