// Sessions (the connection an op was sent on: its ops take effect in invoke order) and refused cas (an
// `ok` cas with "swapped": false, an observation that the key held something else), in the history
// format and in the checker. Histories in the notation of history-dsl.ts; `@s` puts an invoke on session s.
import { describe, expect, it } from 'vitest';
import { HistoryError, HistoryWriter, parseHistory } from '../../check/history.ts';
import { checkLinearizability, type LinearizabilityResult } from '../../check/linearizability.ts';
import { history } from './history-dsl.ts';

const check = (source: string, options = {}): LinearizabilityResult => checkLinearizability(history(source).operations, options);
/** The same history with every session tag removed: the order the checker sees without sessions. */
const withoutSessions = (source: string): string => source.replace(/ @\w+/g, '');

function rejection(text: string): HistoryError {
  try {
    parseHistory(text, 'bad.jsonl');
  } catch (error) {
    if (error instanceof HistoryError) return error;
    throw error;
  }
  throw new Error(`accepted a bad history:\n${text}`);
}

describe('the history format', () => {
  it('writes session and swapped only when given, and parses them back', () => {
    const lines: string[] = [];
    const writer = new HistoryWriter((l) => lines.push(l));
    writer.invoke(1, { f: 'put', key: 'k', value: 'a' }, 10, 7);
    writer.invoke(2, { f: 'cas', key: 'k', expected: 'z', value: 'b' }, 20, 7);
    writer.ok(1, 30);
    writer.refused(2, 40);
    writer.invoke(3, { f: 'get', key: 'k' }, 50);
    writer.ok(3, 60, 'a');
    expect(lines).toEqual([
      '{"index":0,"process":1,"session":7,"type":"invoke","f":"put","key":"k","value":"a","time":10}\n',
      '{"index":1,"process":2,"session":7,"type":"invoke","f":"cas","key":"k","value":["z","b"],"time":20}\n',
      '{"index":2,"process":1,"session":7,"type":"ok","f":"put","key":"k","value":"a","time":30}\n',
      '{"index":3,"process":2,"session":7,"type":"ok","f":"cas","key":"k","value":["z","b"],"swapped":false,"time":40}\n',
      '{"index":4,"process":3,"type":"invoke","f":"get","key":"k","value":null,"time":50}\n',
      '{"index":5,"process":3,"type":"ok","f":"get","key":"k","value":"a","time":60}\n',
    ]);
    for (const l of lines) expect(JSON.parse(l)).toBeTypeOf('object');
    const ops = parseHistory(lines.join(''), 'h').operations;
    expect(ops.map((op) => [op.session, op.refused])).toEqual([[7, false], [7, true], [undefined, false]]);
    expect('session' in ops[2]).toBe(false);
  });

  it('reads "swapped": true as an ordinary ok cas, and a string session', () => {
    const text = [
      '{"index":0,"process":1,"session":"conn-a","type":"invoke","f":"cas","key":"k","value":[null,"b"],"time":1}',
      '{"index":1,"process":1,"type":"ok","f":"cas","key":"k","swapped":true,"time":2}',
    ].join('\n');
    const [op] = parseHistory(text, 'h').operations;
    expect(op).toMatchObject({ session: 'conn-a', refused: false, outcome: 'ok' });
  });

  it.each([
    ['a negative session', '{"index":0,"process":1,"session":-1,"type":"invoke","f":"get","key":"k","time":1}', 1, 'session'],
    ['an empty session', '{"index":0,"process":1,"session":"","type":"invoke","f":"get","key":"k","time":1}', 1, 'session'],
    ['a session that is an object', '{"index":0,"process":1,"session":{},"type":"invoke","f":"get","key":"k","time":1}', 1, 'session'],
    ['swapped on a put', '{"index":0,"process":1,"type":"invoke","f":"put","key":"k","value":"a","time":1}\n{"index":1,"process":1,"type":"ok","f":"put","key":"k","swapped":false,"time":2}', 2, 'swapped'],
    ['swapped on a cas invoke', '{"index":0,"process":1,"type":"invoke","f":"cas","key":"k","value":["a","b"],"swapped":false,"time":1}', 1, 'swapped'],
    ['swapped that is not a boolean', '{"index":0,"process":1,"type":"invoke","f":"cas","key":"k","value":["a","b"],"time":1}\n{"index":1,"process":1,"type":"ok","f":"cas","key":"k","swapped":"no","time":2}', 2, 'swapped'],
    ['a completion on another session', '{"index":0,"process":1,"session":3,"type":"invoke","f":"get","key":"k","time":1}\n{"index":1,"process":1,"session":4,"type":"ok","f":"get","key":"k","value":null,"time":2}', 2, 'session'],
  ])('rejects %s, naming the line and field', (_what, text, line, field) => {
    const error = rejection(text);
    expect(error).toMatchObject({ file: 'bad.jsonl', line, field });
    expect(error.message).toContain(`bad.jsonl:${line}: field "${field}"`);
  });
});

describe('session order', () => {
  it('a pipelined SET then GET on one connection: the GET must see the SET', () => {
    // Both in flight at once: by real time alone the get may go first.
    const source = 'p1 put k v @1\np2 get k @1\np2 ok nil\np1 ok';
    expect(check(withoutSessions(source)).verdict).toBe('linearizable');
    const result = check(source);
    expect(result.verdict).toBe('not-linearizable');
    expect(result.violations[0].sessionOrder).toEqual({ session: 1, before: 0, after: 1 });
    expect(result.violations[0].explanation).toMatch(/Session order broken: on session 1, op 0 was invoked before op 1/);
  });

  it('GET, SET, GET on one connection: the first GET must not see the SET', () => {
    const source = 'p0 put k old\np0 ok\np1 get k @c\np2 put k new @c\np3 get k @c\np1 ok new\np2 ok\np3 ok new';
    expect(check(withoutSessions(source)).verdict).toBe('linearizable');
    const result = check(source);
    expect(result.verdict).toBe('not-linearizable');
    expect(result.violations[0].sessionOrder).toEqual({ session: 'c', before: 2, after: 3 });
    expect(check(source.replace('p1 ok new', 'p1 ok old')).verdict).toBe('linearizable');
  });

  it('a pipeline of writes that later reads see out of order', () => {
    const source = 'p1 put k a @s\np2 put k b @s\np3 put k c @s\np1 ok\np2 ok\np3 ok\np4 get k\np4 ok b';
    expect(check(withoutSessions(source)).verdict).toBe('linearizable');
    expect(check(source).verdict).toBe('not-linearizable');
    expect(check(source.replace('p4 ok b', 'p4 ok c')).verdict).toBe('linearizable');
  });

  it('different sessions are not ordered with each other', () => {
    expect(check('p1 put k v @1\np2 get k @2\np2 ok nil\np1 ok').verdict).toBe('linearizable');
  });

  it('an info op of a session happened before its later ops, or never', () => {
    // a never happened: fine. a happened: it must be before the read of b, so the later read of a is stale.
    expect(check('p1 put k a @s\np2 put k b @s\np2 ok\np3 get k\np3 ok b\np1 info').verdict).toBe('linearizable');
    expect(check('p1 put k a @s\np2 put k b @s\np2 ok\np3 get k\np3 ok b\np3 get k\np3 ok a\np1 info').verdict).toBe('not-linearizable');
    expect(check('p1 put k a\np2 put k b\np2 ok\np3 get k\np3 ok b\np3 get k\np3 ok a\np1 info').verdict).toBe('linearizable');
  });

  it('a failed op binds nothing', () => {
    expect(check('p1 put k v @1\np2 get k @1\np2 ok nil\np1 fail').verdict).toBe('linearizable');
  });

  it('keeps old histories as they were: ops without a session are not ordered', () => {
    const result = check('p1 put k v\np2 get k\np2 ok nil\np1 ok');
    expect(result.verdict).toBe('linearizable');
  });

  it('a violation that does not need session order names no pair', () => {
    const result = check('p1 put k v @1\np1 ok\np2 get k @1\np2 ok w');
    expect(result.verdict).toBe('not-linearizable');
    expect(result.violations[0].sessionOrder).toBeUndefined();
  });
});

describe('a refused cas is an observation', () => {
  it('a store that refuses a cas whose expectation held is caught', () => {
    const source = 'p1 put k a\np1 ok\np2 cas k a b\np2 refused';
    const result = check(source);
    expect(result.verdict).toBe('not-linearizable');
    expect(result.violations[0]).toMatchObject({ key: 'k', op: 2, possibleValues: ['a'] });
    expect(result.violations[0].explanation).toMatch(/was refused \(the key did not hold "a"\)/);
    // The old form, fail, says only "did not happen": the same store passes.
    expect(check(source.replace('refused', 'fail')).verdict).toBe('linearizable');
  });

  it('a refused cas from absent on an absent key is caught; on a written key it is fine', () => {
    expect(check('p1 cas k nil a\np1 refused').verdict).toBe('not-linearizable');
    expect(check('p0 put k x\np0 ok\np1 cas k nil a\np1 refused').verdict).toBe('linearizable');
  });

  it('writes nothing', () => {
    expect(check('p1 put k a\np1 ok\np2 cas k z b\np2 refused\np3 get k\np3 ok b').verdict).toBe('not-linearizable');
    expect(check('p1 put k a\np1 ok\np2 cas k z b\np2 refused\np3 get k\np3 ok a').verdict).toBe('linearizable');
  });

  it('may be explained by a concurrent write, or by an info write that happened', () => {
    expect(check('p1 put k a\np1 ok\np2 cas k a b\np3 put k c\np2 refused\np3 ok').verdict).toBe('linearizable');
    // The info write of c is observed by nobody but the refused cas: it must still count.
    expect(check('p1 put k a\np1 ok\np3 put k c\np3 info\np2 cas k a b\np2 refused').verdict).toBe('linearizable');
    expect(check('p1 put k a\np1 ok\np2 cas k a b\np2 refused\np3 put k c\np3 info').verdict).toBe('not-linearizable');
  });
});
