import { describe, expect, it } from 'vitest';
import { readTimeline } from '../../viz/model/timeline-model.ts';
import { traceText, type EventSpec } from './trace-builder.ts';

const op = (t: number, type: string, index: number, process: number, f = 'put', value: unknown = 'v'): EventSpec =>
  [t, null, `client.${type}`, { op: index, process, f, key: 'k', value }];

const events: EventSpec[] = [
  op(10, 'invoke', 0, 1),
  op(12, 'invoke', 1, 2, 'get', null),
  op(20, 'ok', 0, 1),
  op(30, 'info', 1, 2, 'get', null),
  op(31, 'invoke', 4, 3, 'get', null),
  op(40, 'fail', 4, 3, 'get', null),
  op(50, 'invoke', 6, 1, 'cas', ['v', 'w']),
  [60, null, 'check.violation', { check: 'linearizability', detail: 'read of v after w', ops: [0, 6] }],
];

describe('client operations', () => {
  it('pairs invokes with outcomes, leaving unfinished ones pending to the end', () => {
    const model = readTimeline(traceText(events));
    expect(model.ops.map((o) => [o.op, o.process, o.f, o.start, o.end, o.outcome])).toEqual([
      [0, 1, 'put', 10, 20, 'ok'],
      [1, 2, 'get', 12, 30, 'info'],
      [4, 3, 'get', 31, 40, 'fail'],
      [6, 1, 'cas', 50, 1000, 'pending'],
    ]);
  });

  it('packs processes into rows, reusing a row once its process is done', () => {
    const model = readTimeline(traceText(events));
    const rowOf = (p: number) => model.ops.find((o) => o.process === p)!.row;
    expect(rowOf(1)).not.toBe(rowOf(2));
    expect(rowOf(3)).toBe(rowOf(2)); // process 2 ended (info) at 30, process 3 started at 31
    expect(model.opRows).toBe(2);
  });

  it('resolves the operations a violation names', () => {
    const model = readTimeline(traceText(events));
    expect(model.violations).toHaveLength(1);
    const [violation] = model.violations;
    expect(violation).toMatchObject({ t: 60, check: 'linearizability', ops: [0, 6], eventIndex: 7 });
    expect(violation.resolved.map((o) => o.op)).toEqual([0, 6]);
  });

  it('reads operations from history.jsonl when the trace has none, in trace milliseconds', () => {
    const history = [
      { index: 0, process: 1, type: 'invoke', f: 'put', key: 'k', value: 'a', time: 1000 },
      { index: 1, process: 1, type: 'ok', f: 'put', key: 'k', value: 'a', time: 2500 },
    ].map((line) => JSON.stringify(line)).join('\n');
    const model = readTimeline(traceText([[60, null, 'check.violation', { check: 'lin', ops: [1] }]]), { historyText: history });
    expect(model.ops.map((o) => [o.start, o.end, o.outcome])).toEqual([[1, 2.5, 'ok']]);
    // The checker named the completion's index; it resolves to the same operation.
    expect(model.violations[0].resolved.map((o) => o.op)).toEqual([0]);
  });

  it('reports a broken history line by number without hiding the trace', () => {
    const model = readTimeline(traceText(events), { historyText: '{"index":0,"process":1,"type":"invoke","f":"put","time":1}\n{"index":"x"}\n{}' });
    expect(model.problems.map((p) => [p.file, p.line, p.message])).toEqual([['history.jsonl', 2, 'expected "index" to be an integer, got "x"']]);
    expect(model.ops).toHaveLength(4);
  });

  it('takes violations from a failing report when the trace has none', () => {
    const report = JSON.stringify({ scenario: 's', seed: 1, verdict: 'fail', checks: [{ name: 'linearizability', verdict: 'fail', detail: { ops: [4] } }], stats: {} });
    const model = readTimeline(traceText(events.slice(0, 6)), { reportText: report });
    expect(model.report?.verdict).toBe('fail');
    expect(model.violations.map((v) => [v.check, v.t, v.resolved.map((o) => o.op)])).toEqual([["linearizability", 40, [4]]]);
  });
});

describe('violations from report.json', () => {
  it('reads the ops a failed check names and places a stated time on the timeline', () => {
    const report = JSON.stringify({
      scenario: 's', seed: 1, verdict: 'fail', checks: [
        { name: 'linearizability', verdict: 'fail', detail: 'ops 0 and 4 disagree', ops: [0, 4] },
        { name: 'raft-invariants', verdict: 'fail', detail: 'state-machine-safety at 321.5 ms: group 1 index 58' },
        { name: 'durability', verdict: 'pass', detail: 'ok' },
      ],
    });
    const model = readTimeline(traceText(events.slice(0, 6)), { reportText: report });
    expect(model.violations.map((v) => [v.check, v.t, v.ops])).toEqual([
      ['linearizability', 40, [0, 4]],
      ['raft-invariants', 321.5, []],
    ]);
  });
});
