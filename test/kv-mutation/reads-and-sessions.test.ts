// SCAN page sizes and cursors, the reaper's page bound, integer parsing, record shape, session checks and
// the KV bug list: behaviour the broader tests exercised without pinning (found by mutation testing).
import { describe, expect, it } from 'vitest';
import { isKvBugName, KV_BUGS } from '../../core/kv/bugs.ts';
import type { KvResult } from '../../core/kv/commands.ts';
import { makeRecord } from '../../core/kv/expiry.ts';
import { notIntegerMessage, parseInt64 } from '../../core/kv/int64.ts';
import { keyBytesMax, scanCountMax } from '../../core/kv/limits.ts';
import { decodeScanCursor, encodeScanCursor } from '../../core/kv/scan-cursor.ts';
import { SessionTable } from '../../core/kv/sessions.ts';
import { WriteSet } from '../../core/kv/write-set.ts';
import { MemoryEngine } from '../../core/kv/memory-engine.ts';
import { KvlabError } from '../../core/types.ts';
import { Harness } from '../kv/harness.ts';

type ScanPage = Extract<KvResult, { kind: 'scan' }>;

function scanPage(h: Harness, cursor: string, count: number): ScanPage {
  const r = h.read({ op: 'scan', cursor, count });
  if (r.kind !== 'scan') throw new Error(`unexpected ${JSON.stringify(r)}`);
  return r;
}

function harnessWithKeys(keys: readonly string[]): Harness {
  const h = new Harness();
  for (const key of keys) h.write({ op: 'set', key, value: 'v' });
  return h;
}

describe('SCAN pages', () => {
  it('answers exactly COUNT keys while more follow, resuming after the last one answered', () => {
    const h = harnessWithKeys(['a', 'b', 'c', 'd', 'e']);
    const first = scanPage(h, '0', 2);
    expect(first.keys).toEqual(['a', 'b']);
    expect(first.cursor).toBe(encodeScanCursor('b'));
    expect(scanPage(h, first.cursor, 2).keys).toEqual(['c', 'd']);
  });

  it('ends with cursor "0" when the remaining keys exactly fill the page', () => {
    const h = harnessWithKeys(['a', 'b', 'c']);
    expect(scanPage(h, '0', 3)).toEqual({ kind: 'scan', cursor: '0', keys: ['a', 'b', 'c'] });
    const page = scanPage(h, encodeScanCursor('a'), 2);
    expect(page).toEqual({ kind: 'scan', cursor: '0', keys: ['b', 'c'] });
  });
});

describe('the reaper scan', () => {
  const expiringHarness = (count: number): Harness => {
    const h = new Harness();
    for (let i = 0; i < count; i++) h.write({ op: 'set', key: `k${i}`, value: 'v', expireAtMs: h.nowMs + 1 });
    h.nowMs += 1;
    return h;
  };

  it('examines exactly COUNT keys per page and ends with "0" when they fill it', () => {
    const h = expiringHarness(5);
    const first = h.sm.expiredKeys('0', 3, h.nowMs);
    expect(first).toEqual({ cursor: encodeScanCursor('k2'), keys: ['k0', 'k1', 'k2'] });
    expect(h.sm.expiredKeys(first.cursor, 2, h.nowMs)).toEqual({ cursor: '0', keys: ['k3', 'k4'] });
  });

  it('examines at least one key even for a count of 0', () => {
    const h = expiringHarness(2);
    expect(h.sm.expiredKeys('0', 0, h.nowMs)).toEqual({ cursor: encodeScanCursor('k0'), keys: ['k0'] });
  });

  it(`examines at most ${scanCountMax} keys per page`, () => {
    const h = expiringHarness(scanCountMax + 1);
    const page = h.sm.expiredKeys('0', scanCountMax + 5, h.nowMs);
    expect(page.keys).toHaveLength(scanCountMax);
    expect(page.cursor).not.toBe('0');
  });
});

describe('SCAN cursors', () => {
  const refuses = (cursor: string): KvlabError => {
    try {
      decodeScanCursor(cursor);
    } catch (error) {
      expect(error).toBeInstanceOf(KvlabError);
      return error as KvlabError;
    }
    throw new Error(`cursor ${cursor.slice(0, 20)} was accepted`);
  };

  it('accepts only "0" or "1" followed by hex of a key', () => {
    expect(decodeScanCursor('0')).toBeNull();
    expect(decodeScanCursor('16162')).toBe('ab');
    expect(refuses('06162').code).toBe('invalidRead');
    expect(refuses('26162').code).toBe('invalidRead');
  });

  it('accepts the cursor of the longest key and refuses a longer one', () => {
    const longest = 'k'.repeat(keyBytesMax);
    expect(decodeScanCursor(encodeScanCursor(longest))).toBe(longest);
    expect(refuses(encodeScanCursor(longest + 'k')).message).toMatch(/invalid cursor/);
  });

  it('quotes at most 40 chars of a foreign cursor in the error', () => {
    const error = refuses(`2${'x'.repeat(100)}`);
    expect(error.message).toBe(`read cursor: ${JSON.stringify(`2${'x'.repeat(39)}`)} is not a cursor this store returned (invalid cursor)`);
  });
});

describe('integers in stored values', () => {
  it.each(['', '01', '+1', '-0', ' 1', '1 ', '1e3', '9223372036854775808', '-9223372036854775809', '1'.repeat(21)])('%j is not an integer', (s) => {
    expect(parseInt64(s)).toBeUndefined();
  });

  it.each([
    ['0', 0n],
    ['-1', -1n],
    ['9223372036854775807', (1n << 63n) - 1n],
    ['-9223372036854775808', -(1n << 63n)],
  ])('%j is the integer %s', (s, n) => {
    expect(parseInt64(s)).toBe(n);
  });

  it('INCRBY of an empty or non-canonical value fails and leaves it', () => {
    const h = new Harness();
    for (const value of ['', '007']) {
      h.write({ op: 'set', key: 'k', value });
      expect(h.write({ op: 'incrBy', key: 'k', delta: 1n })).toEqual({ kind: 'error', message: notIntegerMessage });
      expect(h.get('k')).toBe(value);
    }
  });
});

describe('stored records', () => {
  it('a record without expiry has no expireAtMs field, so equal states compare equal', () => {
    expect(Object.keys(makeRecord('v', undefined))).toEqual(['value']);
    expect(makeRecord('v', 5)).toStrictEqual({ value: 'v', expireAtMs: 5 });
  });
});

describe('session checks', () => {
  it('tells a new write, a retry and a stale write apart', () => {
    const table = new SessionTable(4);
    const result: KvResult = { kind: 'int', value: 7n };
    expect(table.check({ clientId: 'c', seq: 3 })).toEqual({ kind: 'apply' });
    table.record({ clientId: 'c', seq: 3 }, 10, result, new WriteSet(new MemoryEngine()));
    expect(table.check({ clientId: 'c', seq: 4 })).toEqual({ kind: 'apply' });
    expect(table.check({ clientId: 'c', seq: 3 })).toEqual({ kind: 'duplicate', result });
    expect(table.check({ clientId: 'c', seq: 2 })).toEqual({
      kind: 'stale',
      result: { kind: 'error', message: 'ERR stale session seq 2: seq 3 of this client was already applied' },
    });
  });
});

describe('the KV bug zoo', () => {
  it('knows its bugs by name, each with a description and a public source', () => {
    expect(KV_BUGS.map((b) => b.name)).toEqual(['appliedIndexNotAtomic']);
    expect(isKvBugName('appliedIndexNotAtomic')).toBe(true);
    expect(isKvBugName('noSuchBug')).toBe(false);
    for (const bug of KV_BUGS) {
      expect(bug.description).toMatch(/applied index/);
      expect(bug.source).toMatch(/etcd/);
    }
  });
});
