// Redis semantics of every write and read, through the codec and the state machine, at the command's atMs.
import { describe, expect, it } from 'vitest';
import { KvlabError } from '../../core/types.ts';
import { notIntegerMessage, overflowMessage } from '../../core/kv/int64.ts';
import { valueTooLargeMessage } from '../../core/kv/write-apply.ts';
import { valueBytesMax } from '../../core/kv/limits.ts';
import { error, Harness, int, ok, value } from './harness.ts';

const int64Max = (1n << 63n) - 1n;
const int64Min = -(1n << 63n);

describe('SET', () => {
  it('stores a value and answers ok; GET of an absent key is null', () => {
    const h = new Harness();
    expect(h.get('k')).toBeNull();
    expect(h.write({ op: 'set', key: 'k', value: 'v' })).toEqual(ok);
    expect(h.get('k')).toBe('v');
  });

  it('NX applies only when absent, XX only when present', () => {
    const h = new Harness();
    expect(h.write({ op: 'set', key: 'k', value: 'a', condition: 'xx' })).toEqual({ kind: 'notApplied' });
    expect(h.get('k')).toBeNull();
    expect(h.write({ op: 'set', key: 'k', value: 'a', condition: 'nx' })).toEqual(ok);
    expect(h.write({ op: 'set', key: 'k', value: 'b', condition: 'nx' })).toEqual({ kind: 'notApplied' });
    expect(h.get('k')).toBe('a');
    expect(h.write({ op: 'set', key: 'k', value: 'c', condition: 'xx' })).toEqual(ok);
    expect(h.get('k')).toBe('c');
  });

  it('GET answers the previous value, also when the condition fails', () => {
    const h = new Harness();
    expect(h.write({ op: 'set', key: 'k', value: 'a', returnPrevious: true })).toEqual(value(null));
    expect(h.write({ op: 'set', key: 'k', value: 'b', returnPrevious: true })).toEqual(value('a'));
    expect(h.write({ op: 'set', key: 'k', value: 'x', condition: 'nx', returnPrevious: true })).toEqual({
      kind: 'notApplied',
      previous: 'b',
    });
    expect(h.write({ op: 'set', key: 'z', value: 'x', condition: 'xx', returnPrevious: true })).toEqual({
      kind: 'notApplied',
      previous: null,
    });
    expect(h.get('k')).toBe('b');
    expect(h.get('z')).toBeNull();
  });

  it('an expiry makes the key absent from exactly expireAtMs on', () => {
    const h = new Harness();
    h.write({ op: 'set', key: 'k', value: 'v', expireAtMs: h.nowMs + 100 });
    expect(h.pttl('k')).toBe(100n);
    h.nowMs += 99;
    expect(h.get('k')).toBe('v');
    expect(h.pttl('k')).toBe(1n);
    h.nowMs += 1;
    expect(h.get('k')).toBeNull();
    expect(h.pttl('k')).toBe(-2n);
    expect(h.read({ op: 'exists', keys: ['k'] })).toEqual(int(0));
  });

  it('an expiry at or before atMs deletes the key at once', () => {
    const h = new Harness();
    h.write({ op: 'set', key: 'k', value: 'old' });
    expect(h.write({ op: 'set', key: 'k', value: 'v', expireAtMs: h.nowMs, returnPrevious: true })).toEqual(value('old'));
    expect(h.get('k')).toBeNull();
    expect(h.read({ op: 'dbsize' })).toEqual(int(0));
    h.write({ op: 'set', key: 'p', value: 'v', expireAtMs: 0 });
    expect(h.get('p')).toBeNull();
  });

  it('a plain SET clears the expiry; KEEPTTL keeps it (and means none for a new key)', () => {
    const h = new Harness();
    h.write({ op: 'set', key: 'k', value: 'a', expireAtMs: h.nowMs + 500 });
    h.write({ op: 'set', key: 'k', value: 'b', keepTtl: true });
    expect(h.pttl('k')).toBe(500n);
    expect(h.get('k')).toBe('b');
    h.write({ op: 'set', key: 'k', value: 'c' });
    expect(h.pttl('k')).toBe(-1n);
    h.write({ op: 'set', key: 'n', value: 'x', keepTtl: true });
    expect(h.pttl('n')).toBe(-1n);
  });

  it('KEEPTTL on an expired key starts a key without expiry', () => {
    const h = new Harness();
    h.write({ op: 'set', key: 'k', value: 'a', expireAtMs: h.nowMs + 10 });
    h.nowMs += 10;
    h.write({ op: 'set', key: 'k', value: 'b', keepTtl: true });
    expect(h.get('k')).toBe('b');
    expect(h.pttl('k')).toBe(-1n);
  });

  it('NX treats an expired key as absent; XX does not apply to it', () => {
    const h = new Harness();
    h.write({ op: 'set', key: 'k', value: 'a', expireAtMs: h.nowMs + 10 });
    h.nowMs += 10;
    expect(h.write({ op: 'set', key: 'k', value: 'x', condition: 'xx', returnPrevious: true })).toEqual({
      kind: 'notApplied',
      previous: null,
    });
    expect(h.write({ op: 'set', key: 'k', value: 'b', condition: 'nx' })).toEqual(ok);
    expect(h.get('k')).toBe('b');
  });

  it('rejects byte strings with chars above 255 before they reach the log', () => {
    const h = new Harness();
    expect(() => h.write({ op: 'set', key: 'k\u0100', value: 'v' })).toThrow(/write.key: char 256 at position 1/);
    expect(() => h.write({ op: 'set', key: 'k', value: 'v', condition: 'xx', keepTtl: true, expireAtMs: 5 })).toThrow(KvlabError);
  });

  it('keeps every byte 0..255 of keys and values exactly', () => {
    const h = new Harness();
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
    h.write({ op: 'set', key: all, value: all + all });
    expect(h.get(all)).toBe(all + all);
    expect(h.read({ op: 'strlen', key: all })).toEqual(int(512));
  });
});

describe('DEL, GETDEL, MSET, MGET, EXISTS, STRLEN', () => {
  it('DEL counts keys actually deleted, duplicates once, expired ones not at all', () => {
    const h = new Harness();
    h.write({ op: 'mset', pairs: [['a', '1'], ['b', '2'], ['c', '3']] });
    h.write({ op: 'set', key: 'e', value: 'x', expireAtMs: h.nowMs + 1 });
    h.nowMs += 1;
    expect(h.write({ op: 'del', keys: ['a', 'a', 'b', 'missing', 'e'] })).toEqual(int(2));
    expect(h.read({ op: 'mget', keys: ['a', 'b', 'c'] })).toEqual({ kind: 'values', values: [null, null, '3'] });
    expect(h.read({ op: 'dbsize' })).toEqual(int(1)); // the expired key was reclaimed by the DEL
  });

  it('GETDEL answers the value and deletes; null when absent', () => {
    const h = new Harness();
    h.write({ op: 'set', key: 'k', value: 'v' });
    expect(h.write({ op: 'getdel', key: 'k' })).toEqual(value('v'));
    expect(h.write({ op: 'getdel', key: 'k' })).toEqual(value(null));
    expect(h.get('k')).toBeNull();
  });

  it('MSET with a repeated key keeps the last value and clears expiries', () => {
    const h = new Harness();
    h.write({ op: 'set', key: 'a', value: 'old', expireAtMs: h.nowMs + 100 });
    expect(h.write({ op: 'mset', pairs: [['a', '1'], ['b', '2'], ['a', '3']] })).toEqual(ok);
    expect(h.read({ op: 'mget', keys: ['a', 'b', 'zz', 'a'] })).toEqual({ kind: 'values', values: ['3', '2', null, '3'] });
    expect(h.pttl('a')).toBe(-1n);
  });

  it('EXISTS counts each listed key, repeats included; STRLEN is 0 when absent', () => {
    const h = new Harness();
    h.write({ op: 'set', key: 'a', value: 'hello' });
    expect(h.read({ op: 'exists', keys: ['a', 'a', 'b'] })).toEqual(int(2));
    expect(h.read({ op: 'strlen', key: 'a' })).toEqual(int(5));
    expect(h.read({ op: 'strlen', key: 'b' })).toEqual(int(0));
  });
});

describe('CAS', () => {
  it('swaps when the current value equals the expectation, expected null meaning absent', () => {
    const h = new Harness();
    expect(h.write({ op: 'cas', key: 'k', expected: 'x', value: 'a' })).toEqual({ kind: 'casFailed', current: null });
    expect(h.write({ op: 'cas', key: 'k', expected: null, value: 'a' })).toEqual(ok);
    expect(h.write({ op: 'cas', key: 'k', expected: null, value: 'b' })).toEqual({ kind: 'casFailed', current: 'a' });
    expect(h.write({ op: 'cas', key: 'k', expected: 'a', value: 'b' })).toEqual(ok);
    expect(h.get('k')).toBe('b');
  });

  it('sees an expired key as absent and clears the expiry of what it writes', () => {
    const h = new Harness();
    h.write({ op: 'set', key: 'k', value: 'a', expireAtMs: h.nowMs + 5 });
    expect(h.write({ op: 'cas', key: 'k', expected: 'a', value: 'b' })).toEqual(ok);
    expect(h.pttl('k')).toBe(-1n);
    h.write({ op: 'set', key: 'j', value: 'a', expireAtMs: h.nowMs + 5 });
    h.nowMs += 5;
    expect(h.write({ op: 'cas', key: 'j', expected: 'a', value: 'b' })).toEqual({ kind: 'casFailed', current: null });
    expect(h.write({ op: 'cas', key: 'j', expected: null, value: 'c' })).toEqual(ok);
  });

  it('an empty string is a present value, distinct from absent', () => {
    const h = new Harness();
    h.write({ op: 'set', key: 'k', value: '' });
    expect(h.write({ op: 'cas', key: 'k', expected: null, value: 'x' })).toEqual({ kind: 'casFailed', current: '' });
    expect(h.write({ op: 'cas', key: 'k', expected: '', value: 'x' })).toEqual(ok);
  });
});

describe('INCRBY', () => {
  it('starts from 0, adds deltas and keeps the expiry', () => {
    const h = new Harness();
    expect(h.write({ op: 'incrBy', key: 'n', delta: 1n })).toEqual(int(1));
    expect(h.write({ op: 'incrBy', key: 'n', delta: -10n })).toEqual(int(-9));
    expect(h.get('n')).toBe('-9');
    h.write({ op: 'expireAt', key: 'n', atMs: h.nowMs + 50 });
    h.write({ op: 'incrBy', key: 'n', delta: 9n });
    expect(h.get('n')).toBe('0');
    expect(h.pttl('n')).toBe(50n);
  });

  it.each(['abc', '', ' 1', '1 ', '+1', '01', '-0', '1.5', '0x10', '9223372036854775808', '-9223372036854775809', '1e3'])(
    'refuses the non-integer %j and leaves it unchanged',
    (stored) => {
      const h = new Harness();
      h.write({ op: 'set', key: 'k', value: stored });
      expect(h.write({ op: 'incrBy', key: 'k', delta: 1n })).toEqual(error(notIntegerMessage));
      expect(h.get('k')).toBe(stored);
    },
  );

  it('accepts the int64 extremes and refuses to overflow past them', () => {
    const h = new Harness();
    h.write({ op: 'set', key: 'max', value: int64Max.toString() });
    h.write({ op: 'set', key: 'min', value: int64Min.toString() });
    expect(h.write({ op: 'incrBy', key: 'max', delta: 0n })).toEqual(int(int64Max));
    expect(h.write({ op: 'incrBy', key: 'max', delta: 1n })).toEqual(error(overflowMessage));
    expect(h.write({ op: 'incrBy', key: 'min', delta: -1n })).toEqual(error(overflowMessage));
    expect(h.write({ op: 'incrBy', key: 'min', delta: int64Max })).toEqual(int(-1));
    expect(h.write({ op: 'incrBy', key: 'fresh', delta: int64Min })).toEqual(int(int64Min));
    expect(h.get('max')).toBe(int64Max.toString());
  });

  it('refuses a delta outside int64 before it reaches the log', () => {
    const h = new Harness();
    expect(() => h.write({ op: 'incrBy', key: 'k', delta: int64Max + 1n })).toThrow(/write.delta/);
  });
});

describe('APPEND', () => {
  it('creates an absent key and answers the new length, keeping the expiry', () => {
    const h = new Harness();
    expect(h.write({ op: 'append', key: 'k', value: 'ab' })).toEqual(int(2));
    h.write({ op: 'expireAt', key: 'k', atMs: h.nowMs + 70 });
    expect(h.write({ op: 'append', key: 'k', value: 'cde' })).toEqual(int(5));
    expect(h.get('k')).toBe('abcde');
    expect(h.pttl('k')).toBe(70n);
  });

  it('appends to an expired key as to an absent one', () => {
    const h = new Harness();
    h.write({ op: 'set', key: 'k', value: 'old', expireAtMs: h.nowMs + 1 });
    h.nowMs += 1;
    expect(h.write({ op: 'append', key: 'k', value: 'new' })).toEqual(int(3));
    expect(h.pttl('k')).toBe(-1n);
  });

  it('refuses to grow a value past valueBytesMax', () => {
    const h = new Harness();
    const half = 'x'.repeat(valueBytesMax / 2 + 1);
    h.write({ op: 'set', key: 'k', value: half });
    expect(h.write({ op: 'append', key: 'k', value: half })).toEqual(error(valueTooLargeMessage));
    expect(h.read({ op: 'strlen', key: 'k' })).toEqual(int(half.length));
  });
});

describe('EXPIREAT, PERSIST, PTTL', () => {
  it('EXPIREAT answers 0 for an absent key and 1 when it sets an expiry', () => {
    const h = new Harness();
    expect(h.write({ op: 'expireAt', key: 'k', atMs: h.nowMs + 10 })).toEqual(int(0));
    h.write({ op: 'set', key: 'k', value: 'v' });
    expect(h.write({ op: 'expireAt', key: 'k', atMs: h.nowMs + 10 })).toEqual(int(1));
    expect(h.pttl('k')).toBe(10n);
  });

  it('EXPIREAT at or before atMs deletes the key and answers 1', () => {
    const h = new Harness();
    h.write({ op: 'mset', pairs: [['a', '1'], ['b', '2']] });
    expect(h.write({ op: 'expireAt', key: 'a', atMs: h.nowMs })).toEqual(int(1));
    expect(h.write({ op: 'expireAt', key: 'b', atMs: 0 })).toEqual(int(1));
    expect(h.read({ op: 'exists', keys: ['a', 'b'] })).toEqual(int(0));
    expect(h.read({ op: 'dbsize' })).toEqual(int(0));
  });

  it('PERSIST removes an expiry (1) and answers 0 without one or without the key', () => {
    const h = new Harness();
    expect(h.write({ op: 'persist', key: 'k' })).toEqual(int(0));
    h.write({ op: 'set', key: 'k', value: 'v' });
    expect(h.write({ op: 'persist', key: 'k' })).toEqual(int(0));
    h.write({ op: 'expireAt', key: 'k', atMs: h.nowMs + 10 });
    expect(h.write({ op: 'persist', key: 'k' })).toEqual(int(1));
    expect(h.pttl('k')).toBe(-1n);
    h.nowMs += 1000;
    expect(h.get('k')).toBe('v');
  });

  it('PERSIST on an expired key answers 0 and the key stays gone', () => {
    const h = new Harness();
    h.write({ op: 'set', key: 'k', value: 'v', expireAtMs: h.nowMs + 1 });
    h.nowMs += 1;
    expect(h.write({ op: 'persist', key: 'k' })).toEqual(int(0));
    expect(h.get('k')).toBeNull();
  });
});

describe('purgeExpired and DBSIZE', () => {
  it('DBSIZE counts stored keys until an expired one is reclaimed; purgeExpired reclaims only expired keys', () => {
    const h = new Harness();
    h.write({ op: 'set', key: 'a', value: '1', expireAtMs: h.nowMs + 5 });
    h.write({ op: 'set', key: 'b', value: '2', expireAtMs: h.nowMs + 50 });
    h.write({ op: 'set', key: 'c', value: '3' });
    h.nowMs += 5;
    expect(h.read({ op: 'dbsize' })).toEqual(int(3));
    expect(h.write({ op: 'purgeExpired', keys: ['a', 'b', 'c', 'missing'] }, '')).toEqual(int(1));
    expect(h.read({ op: 'dbsize' })).toEqual(int(2));
    expect(h.get('b')).toBe('2');
    expect(h.sm.sessionCount).toBe(1); // only c1: the empty client id opts out of session tracking
  });
});

describe('reads', () => {
  it('refuse malformed input with KvlabError naming the field', () => {
    const h = new Harness();
    expect(() => h.read({ op: 'mget', keys: [] })).toThrow(/read keys: needs at least one key/);
    expect(() => h.read({ op: 'scan', cursor: '0', count: 0 })).toThrow(/read count/);
    expect(() => h.read({ op: 'get', key: '\u2603' })).toThrow(/read key: char 9731/);
    expect(() => h.read({ op: 'scan', cursor: 'zz', count: 10 })).toThrow(/invalid cursor/);
  });
});
