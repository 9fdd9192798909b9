// The checker's expiry model: a put with a ttl holds its value until an instant the checker cannot
// know, then the key is absent; an expired value never comes back, and ttl reads (PTTL) agree with the
// writes (-2 absent, -1 no expiry, > 0 expiring). Histories in the notation of history-dsl.ts.
import { describe, expect, it } from 'vitest';
import { HistoryError, parseHistory } from '../../check/history.ts';
import { checkLinearizability, type LinearizabilityResult } from '../../check/linearizability.ts';
import { history } from './history-dsl.ts';

const check = (source: string, options = {}): LinearizabilityResult => checkLinearizability(history(source).operations, options);

describe('expiring writes', () => {
  it('a value written with a ttl may be read, and later be gone', () => {
    expect(check('p1 putx k a 500\np1 ok\np2 get k\np2 ok a\np2 get k\np2 ok nil').verdict).toBe('linearizable');
    expect(check('p1 putx k a 500\np1 ok\np2 get k\np2 ok nil').verdict).toBe('linearizable');
  });

  it('an expired value never comes back (a node whose clock lags reads it again)', () => {
    const result = check('p1 putx k a 500\np1 ok\np2 get k\np2 ok nil\np3 get k\np3 ok a');
    expect(result.verdict).toBe('not-linearizable');
    expect(result.violations[0]).toMatchObject({ op: 4, possibleValues: [null] });
    // Also through ttl reads.
    expect(check('p1 putx k a 500\np1 ok\np2 ttl k\np2 ok -2\np3 ttl k\np3 ok 120').verdict).toBe('not-linearizable');
  });

  it('a value without a ttl never expires', () => {
    expect(check('p1 put k a\np1 ok\np2 get k\np2 ok nil').verdict).toBe('not-linearizable');
    // A plain put replaces the expiring value and its expiry.
    expect(check('p1 putx k a 500\np1 ok\np1 put k b\np1 ok\np2 get k\np2 ok nil').verdict).toBe('not-linearizable');
  });

  it('a value never expires before it was written, and a new write brings the key back', () => {
    expect(check('p2 get k\np2 ok nil\np1 putx k a 500\np1 ok\np3 get k\np3 ok a').verdict).toBe('linearizable');
    expect(check('p1 putx k a 500\np1 ok\np2 get k\np2 ok nil\np1 putx k b 500\np1 ok\np3 get k\np3 ok b').verdict).toBe('linearizable');
  });

  it('ttl reads: -1 only for a value without expiry, > 0 only for an expiring one, -2 only when absent', () => {
    expect(check('p1 put k a\np1 ok\np2 ttl k\np2 ok -1').verdict).toBe('linearizable');
    expect(check('p1 put k a\np1 ok\np2 ttl k\np2 ok 300').verdict).toBe('not-linearizable');
    expect(check('p1 putx k a 500\np1 ok\np2 ttl k\np2 ok 300').verdict).toBe('linearizable');
    expect(check('p1 putx k a 500\np1 ok\np2 ttl k\np2 ok -1').verdict).toBe('not-linearizable');
    expect(check('p2 ttl k\np2 ok -2').verdict).toBe('linearizable');
    expect(check('p2 ttl k\np2 ok -1').verdict).toBe('not-linearizable');
    expect(check('p1 put k a\np1 ok\np2 ttl k\np2 ok -2').verdict).toBe('not-linearizable');
  });

  it('a cas from absent may succeed once the value expired; a cas of the expired value may not', () => {
    expect(check('p1 putx k a 500\np1 ok\np2 cas k nil b\np2 ok\np3 get k\np3 ok b').verdict).toBe('linearizable');
    expect(check('p1 putx k a 500\np1 ok\np2 get k\np2 ok nil\np3 cas k a b\np3 ok').verdict).toBe('not-linearizable');
    // Refused because the value had expired: fine; refused although a plain value matched: caught.
    expect(check('p1 putx k a 500\np1 ok\np3 cas k a b\np3 refused').verdict).toBe('linearizable');
    expect(check('p1 put k a\np1 ok\np3 cas k a b\np3 refused').verdict).toBe('not-linearizable');
  });

  it('an info expiring write may explain a read of nothing by expiring', () => {
    expect(check('p1 put k a\np1 ok\np2 putx k b 500\np2 info\np3 get k\np3 ok nil').verdict).toBe('linearizable');
    expect(check('p1 put k a\np1 ok\np2 put k b\np2 info\np3 get k\np3 ok nil').verdict).toBe('not-linearizable');
  });

  it('windows that start from any value do not invent violations around expiring values', () => {
    const rows: string[] = [];
    for (let i = 0; i < 60; i++) rows.push(`p1 put k v${i}`, 'p1 ok', 'p2 get k', `p2 ok v${i}`);
    rows.push('p1 putx k x 500', 'p1 ok', 'p2 get k', 'p2 ok x', 'p2 ttl k', 'p2 ok 40', 'p2 get k', 'p2 ok nil', 'p3 get k', 'p3 ok x');
    const result = check(rows.join('\n'));
    expect(result.verdict).toBe('not-linearizable');
    expect(result.violations[0].window.ops.length).toBeLessThan(10);
    expect(check(rows.slice(0, -2).join('\n')).verdict).toBe('linearizable');
  });
});

describe('the history format', () => {
  it('writes ttlMs on puts and numbers on ttl reads, and parses them back', () => {
    const { text, operations } = history('p1 putx k a 500\np1 ok\np2 ttl k\np2 ok 480');
    expect(text.split('\n')[0]).toBe('{"index":0,"process":1,"type":"invoke","f":"put","key":"k","value":"a","ttlMs":500,"time":10}');
    expect(text.split('\n')[3]).toBe('{"index":3,"process":2,"type":"ok","f":"ttl","key":"k","value":480,"time":40}');
    expect(operations.map((op) => [op.call, op.ttl])).toEqual([[{ f: 'put', key: 'k', value: 'a', ttlMs: 500 }, undefined], [{ f: 'ttl', key: 'k' }, 480]]);
  });

  it.each([
    ['a ttl of 0', '{"index":0,"process":1,"type":"invoke","f":"put","key":"k","value":"a","ttlMs":0,"time":1}', 'ttlMs'],
    ['a ttl on a get', '{"index":0,"process":1,"type":"invoke","f":"get","key":"k","ttlMs":5,"time":1}', 'ttlMs'],
    ['a ttl read of 0', '{"index":0,"process":1,"type":"invoke","f":"ttl","key":"k","time":1}\n{"index":1,"process":1,"type":"ok","f":"ttl","key":"k","value":0,"time":2}', 'value'],
    ['a ttl read of a string', '{"index":0,"process":1,"type":"invoke","f":"ttl","key":"k","time":1}\n{"index":1,"process":1,"type":"ok","f":"ttl","key":"k","value":"5","time":2}', 'value'],
  ])('rejects %s, naming the field', (_what, text, field) => {
    expect(() => parseHistory(text, 'bad.jsonl')).toThrow(HistoryError);
    try {
      parseHistory(text, 'bad.jsonl');
    } catch (error) {
      expect((error as HistoryError).field).toBe(field);
    }
  });
});
