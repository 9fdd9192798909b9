// history.jsonl: the writer's exact output, the parser's pairing of events into operations, and one
// rejection per kind of bad input, each naming file, line, field, what was found and what is allowed.
import { describe, expect, it } from 'vitest';
import { HistoryError, HistoryWriter, parseHistory } from '../../check/history.ts';

const line = (fields: Record<string, unknown>): string =>
  JSON.stringify({ index: 0, process: 1, type: 'invoke', f: 'get', key: 'k', value: null, time: 0, ...fields });

/** Parses `lines` and returns the HistoryError thrown (fails the test if none). */
function rejection(lines: string[]): HistoryError {
  try {
    parseHistory(lines.join('\n'), 'bad.jsonl');
  } catch (error) {
    if (error instanceof HistoryError) return error;
    throw error;
  }
  throw new Error(`accepted a bad history:\n${lines.join('\n')}`);
}

describe('HistoryWriter', () => {
  it('writes the contract fields in contract order, one line per event', () => {
    const lines: string[] = [];
    const writer = new HistoryWriter((l) => lines.push(l));
    expect(writer.invoke(3, { f: 'put', key: 'k7', value: 'v12' }, 1250)).toBe(0);
    expect(writer.ok(3, 1310)).toBe(1);
    writer.invoke(4, { f: 'cas', key: 'k7', expected: null, value: 'v13' }, 1400);
    writer.fail(4, 1500);
    writer.invoke(5, { f: 'get', key: 'k7' }, 1600);
    writer.ok(5, 1700, null);
    expect(lines).toEqual([
      '{"index":0,"process":3,"type":"invoke","f":"put","key":"k7","value":"v12","time":1250}\n',
      '{"index":1,"process":3,"type":"ok","f":"put","key":"k7","value":"v12","time":1310}\n',
      '{"index":2,"process":4,"type":"invoke","f":"cas","key":"k7","value":[null,"v13"],"time":1400}\n',
      '{"index":3,"process":4,"type":"fail","f":"cas","key":"k7","value":[null,"v13"],"time":1500}\n',
      '{"index":4,"process":5,"type":"invoke","f":"get","key":"k7","value":null,"time":1600}\n',
      '{"index":5,"process":5,"type":"ok","f":"get","key":"k7","value":null,"time":1700}\n',
    ]);
    expect(writer.eventCount).toBe(6);
  });

  it('round-trips through the parser into operations', () => {
    const lines: string[] = [];
    const writer = new HistoryWriter((l) => lines.push(l));
    writer.invoke(1, { f: 'put', key: 'a', value: 'x' }, 10);
    writer.invoke(2, { f: 'get', key: 'a' }, 11);
    writer.ok(2, 12, 'x');
    writer.info(1, 13);
    writer.invoke(9, { f: 'delete', key: 'a' }, 14);
    const { operations, eventCount } = parseHistory(lines.join(''), 'w.jsonl');
    expect(eventCount).toBe(5);
    expect(operations.map((op) => [op.invokeIndex, op.process, op.call.f, op.outcome, op.read, op.completed, op.completeTime])).toEqual([
      [0, 1, 'put', 'info', null, true, 13],
      [1, 2, 'get', 'ok', 'x', true, 12],
      [4, 9, 'delete', 'info', null, false, null],
    ]);
  });

  it('refuses misuse the parser would reject', () => {
    const writer = new HistoryWriter(() => {});
    writer.invoke(1, { f: 'get', key: 'a' }, 10);
    expect(() => writer.invoke(1, { f: 'get', key: 'a' }, 11)).toThrow(HistoryError);
    writer.info(1, 12);
    expect(() => writer.invoke(1, { f: 'get', key: 'b' }, 13)).toThrow(/after info a client continues as a new process/);
    expect(() => writer.invoke(2, { f: 'get', key: 'b' }, 5)).toThrow(/time must not go backwards/);
  });
});

describe('parseHistory accepts', () => {
  it('blank lines, omitted completion values, and extra fields', () => {
    const text = [
      line({ type: 'invoke', f: 'put', value: 'v', node: 3 }),
      '',
      JSON.stringify({ index: 1, process: 1, type: 'ok', f: 'put', key: 'k', time: 5 }),
      line({ index: 2, type: 'invoke', f: 'delete', value: undefined, time: 6 }),
      '',
    ].join('\n');
    const { operations } = parseHistory(text, 'ok.jsonl');
    expect(operations).toHaveLength(2);
    expect(operations[0]).toMatchObject({ call: { f: 'put', key: 'k', value: 'v' }, outcome: 'ok', completeIndex: 1, invokeLine: 1 });
    expect(operations[1]).toMatchObject({ call: { f: 'delete', key: 'k' }, outcome: 'info', completed: false, invokeLine: 4 });
  });
});

describe('parseHistory rejects', () => {
  const invokeGet = line({});
  const cases: Array<{ name: string; lines: string[]; line: number; field: string; found: RegExp; allowed: RegExp }> = [
    { name: 'a line that is not JSON', lines: [invokeGet, '{"index":1,'], line: 2, field: '', found: /\{"index":1,/, allowed: /one JSON object per line/ },
    { name: 'a JSON value that is not an object', lines: ['[1,2]'], line: 1, field: '', found: /\[1,2\]/, allowed: /JSON object/ },
    { name: 'a missing index', lines: [line({ index: undefined })], line: 1, field: 'index', found: /missing/, allowed: /integer >= 0/ },
    { name: 'a fractional time', lines: [line({ time: 1.5 })], line: 1, field: 'time', found: /1\.5/, allowed: /integer >= 0/ },
    { name: 'a negative process', lines: [line({ process: -1 })], line: 1, field: 'process', found: /-1/, allowed: /integer >= 0/ },
    { name: 'an unknown type', lines: [line({ type: 'done' })], line: 1, field: 'type', found: /"done"/, allowed: /invoke \| ok \| fail \| info/ },
    { name: 'an unknown f', lines: [line({ f: 'incr' })], line: 1, field: 'f', found: /"incr"/, allowed: /get \| put \| delete \| cas/ },
    { name: 'a key that is not a string', lines: [line({ key: 7 })], line: 1, field: 'key', found: /7/, allowed: /a string/ },
    { name: 'a put without a string value', lines: [line({ f: 'put', value: 12 })], line: 1, field: 'value', found: /12/, allowed: /value written/ },
    { name: 'a cas value that is not a pair', lines: [line({ f: 'cas', value: ['a'] })], line: 1, field: 'value', found: /\["a"\]/, allowed: /\[expected, new\]/ },
    { name: 'a cas whose new value is null', lines: [line({ f: 'cas', value: ['a', null] })], line: 1, field: 'value', found: /\["a",null\]/, allowed: /new is a string/ },
    { name: 'a cas value given as a string', lines: [line({ f: 'cas', value: 'a' })], line: 1, field: 'value', found: /"a"/, allowed: /\[expected, new\]/ },
    { name: 'a get ok without the value read', lines: [invokeGet, line({ index: 1, type: 'ok', value: undefined })], line: 2, field: 'value', found: /missing/, allowed: /value read/ },
    { name: 'a delete with a value', lines: [line({ f: 'delete', value: 'x' })], line: 1, field: 'value', found: /"x"/, allowed: /null/ },
    { name: 'time going backwards', lines: [line({ time: 50 }), line({ index: 1, type: 'ok', time: 40 })], line: 2, field: 'time', found: /40/, allowed: />= 50 \(time must not go backwards; line 1/ },
    { name: 'an index that does not increase', lines: [line({ index: 4 }), line({ index: 4, type: 'ok' })], line: 2, field: 'index', found: /4/, allowed: /> 4/ },
    { name: 'a completion without an invoke', lines: [line({ type: 'ok', value: 'x' })], line: 1, field: 'type', found: /"ok"/, allowed: /outstanding invoke of process 1/ },
    { name: 'two outstanding ops for one process', lines: [invokeGet, line({ index: 1, key: 'j' })], line: 2, field: 'process', found: /1/, allowed: /invoked at line 1 and has not completed/ },
    {
      name: 'a process reused after info',
      lines: [invokeGet, line({ index: 1, type: 'info' }), line({ index: 2 })],
      line: 3, field: 'process', found: /1/, allowed: /ended with info at line 2/,
    },
    { name: 'a completion of another f', lines: [invokeGet, line({ index: 1, type: 'fail', f: 'delete' })], line: 2, field: 'f', found: /"delete"/, allowed: /"get", as in the invoke of process 1 at line 1/ },
    { name: 'a completion of another key', lines: [invokeGet, line({ index: 1, type: 'fail', key: 'q' })], line: 2, field: 'key', found: /"q"/, allowed: /"k", as in the invoke/ },
    {
      name: 'a put completion with another value',
      lines: [line({ f: 'put', value: 'a' }), line({ index: 1, type: 'ok', f: 'put', value: 'b' })],
      line: 2, field: 'value', found: /"b"/, allowed: /"a" \(the value of the invoke at line 1\)/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const error = rejection(c.lines);
      expect(error.file).toBe('bad.jsonl');
      expect(error.line).toBe(c.line);
      expect(error.field).toBe(c.field);
      expect(error.found).toMatch(c.found);
      expect(error.allowed).toMatch(c.allowed);
      expect(error.message).toContain(`bad.jsonl:${c.line}: `);
      if (c.field) expect(error.message).toContain(`field "${c.field}"`);
    });
  }
});
