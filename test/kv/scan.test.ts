// SCAN: cursors, COUNT, MATCH with Redis globs, expired keys, and completeness while keys change.
import { describe, expect, it } from 'vitest';
import type { KvResult } from '../../core/kv/commands.ts';
import { compileGlob, globMatches } from '../../core/kv/glob.ts';
import { Harness } from './harness.ts';
import { intBelow, rng } from './random-commands.ts';

type ScanPage = Extract<KvResult, { kind: 'scan' }>;

function scanPage(h: Harness, cursor: string, count: number, match?: string): ScanPage {
  const r = h.read({ op: 'scan', cursor, count, ...(match !== undefined && { match }) });
  if (r.kind !== 'scan') throw new Error(`unexpected ${JSON.stringify(r)}`);
  return r;
}

function scanAll(h: Harness, count: number, match?: string, between?: (page: number) => void): string[] {
  const keys: string[] = [];
  let cursor = '0';
  for (let page = 0; page < 10_000; page++) {
    const r = scanPage(h, cursor, count, match);
    keys.push(...r.keys);
    cursor = r.cursor;
    if (cursor === '0') return keys;
    between?.(page);
  }
  throw new Error('scan did not finish');
}

describe('SCAN', () => {
  it('returns every key once, in byte order, across pages; cursor "0" ends it', () => {
    const h = new Harness();
    const keys = ['b', 'a', '\u00ff', '\u0000', 'ab', 'aa', ''].concat(Array.from({ length: 30 }, (_, i) => `key:${i}`));
    for (const key of keys) h.write({ op: 'set', key, value: 'v' });
    expect(scanAll(h, 4)).toEqual([...keys].sort());
    expect(scanPage(h, '0', 1000).cursor).toBe('0'); // everything fits: done at once
  });

  it('examines COUNT keys per call: MATCH may return fewer, even none, with a cursor to go on', () => {
    const h = new Harness();
    for (let i = 0; i < 10; i++) h.write({ op: 'set', key: `a${i}`, value: 'v' });
    h.write({ op: 'set', key: 'z1', value: 'v' });
    const first = scanPage(h, '0', 5, 'z*');
    expect(first.keys).toEqual([]);
    expect(first.cursor).not.toBe('0');
    expect(scanAll(h, 5, 'z*')).toEqual(['z1']);
  });

  it('skips expired keys', () => {
    const h = new Harness();
    h.write({ op: 'set', key: 'a', value: 'v', expireAtMs: h.nowMs + 10 });
    h.write({ op: 'set', key: 'b', value: 'v' });
    expect(scanAll(h, 10)).toEqual(['a', 'b']);
    h.nowMs += 10;
    expect(scanAll(h, 10)).toEqual(['b']);
  });

  it('returns every key present for the whole scan while others are added and removed (seeded)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = rng(`scan-${seed}`);
      const h = new Harness();
      const stable = new Set<string>();
      for (let i = 0; i < 60; i++) {
        const key = `s${intBelow(r, 1000)}`;
        stable.add(key);
        h.write({ op: 'set', key, value: 'v' });
      }
      let churn = 0;
      const seen = scanAll(h, 1 + intBelow(r, 7), undefined, () => {
        for (let j = 0; j < 3; j++) {
          const key = `t${intBelow(r, 1000)}`;
          if (r() < 0.5) h.write({ op: 'set', key, value: 'v' });
          else h.write({ op: 'del', keys: [key] });
          churn++;
        }
      });
      for (const key of stable) expect(seen, `seed scan-${seed}: ${key} missing after ${churn} changes`).toContain(key);
      expect(new Set(seen).size, `seed scan-${seed}: a key came back twice`).toBe(seen.length);
    }
  });

  it('cursors are printable and keys with any bytes resume correctly', () => {
    const h = new Harness();
    for (const key of ['\u0000\u0001', '\u0000\u0002', '0', '1', '\u00ff\u00ff']) h.write({ op: 'set', key, value: 'v' });
    const page = scanPage(h, '0', 2);
    expect(page.cursor).toMatch(/^1[0-9a-f]*$/);
    expect(scanAll(h, 1)).toEqual(['\u0000\u0001', '\u0000\u0002', '0', '1', '\u00ff\u00ff']);
  });
});

describe('glob MATCH', () => {
  const cases: [string, string, boolean][] = [
    ['*', '', true],
    ['*', 'anything', true],
    ['h?llo', 'hello', true],
    ['h?llo', 'hllo', false],
    ['h*llo', 'heeeello', true],
    ['h*llo', 'hllo', true],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-b]llo', 'hbllo', true],
    ['h[a-b]llo', 'hcllo', false],
    ['h[b-a]llo', 'hallo', true], // reversed range is swapped
    ['h\\*llo', 'h*llo', true],
    ['h\\*llo', 'hello', false],
    ['[\\]]', ']', true],
    ['[\\-]', '-', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['*a', 'bbba', true],
    ['*a*a*a*b', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', false],
    ['user:[0-9]*', 'user:42:name', true],
    ['user:[0-9]*', 'user:x', false],
    ['[abc', 'b', true], // unterminated set ends at the pattern's end
    ['[abc', 'bc', false],
    ['ab\\', 'ab\\', true], // trailing lone backslash matches a backslash
    ['[]', 'x', false], // an empty set matches nothing
    ['\u00ff?', '\u00ff\u0000', true],
    ['k[\u0080-\u00ff]', 'k\u00c8', true],
    ['k[\u0080-\u00ff]', 'kz', false],
  ];
  it.each(cases)('%j against %j is %s', (pattern, text, expected) => {
    expect(globMatches(compileGlob(pattern), text)).toBe(expected);
  });
});

describe('expiredKeys (the reaper scan)', () => {
  it('pages through the keys and reports only those expired at nowMs', () => {
    const h = new Harness();
    for (let i = 0; i < 10; i++) h.write({ op: 'set', key: `k${i}`, value: 'v', ...(i % 3 === 0 && { expireAtMs: h.nowMs + 5 }) });
    h.nowMs += 5;
    const found: string[] = [];
    let cursor = '0';
    do {
      const page = h.sm.expiredKeys(cursor, 4, h.nowMs);
      found.push(...page.keys);
      cursor = page.cursor;
    } while (cursor !== '0');
    expect(found).toEqual(['k0', 'k3', 'k6', 'k9']);
    expect(h.write({ op: 'purgeExpired', keys: found }, '')).toEqual({ kind: 'int', value: 4n });
    expect(h.read({ op: 'dbsize' })).toEqual({ kind: 'int', value: 6n });
  });
});
