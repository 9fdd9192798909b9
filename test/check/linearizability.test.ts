// The linearizability checker on hand-made histories: the files in histories/ and inline ones written
// in the notation of history-dsl.ts (line n happens at time 10 * n).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHistory } from '../../check/history.ts';
import { checkLinearizability, type LinearizabilityResult } from '../../check/linearizability.ts';
import { history } from './history-dsl.ts';

const check = (source: string, options = {}): LinearizabilityResult => checkLinearizability(history(source).operations, options);
const fileOps = (name: string) => parseHistory(readFileSync(join(import.meta.dirname, 'histories', name), 'utf8'), name).operations;

describe('hand-made history files', () => {
  const expected: Array<{ file: string; verdict: string; key?: string; op?: number; window?: number[] }> = [
    // p3's read of v1 overlaps p2's read of v2 after v2 was written: the two reads contradict each other.
    { file: 'stale-read.jsonl', verdict: 'not-linearizable', key: 'x', op: 6, window: [6, 7] },
    // c is acknowledged, then a later read sees a.
    { file: 'lost-write.jsonl', verdict: 'not-linearizable', key: 'x', op: 8, window: [4, 8] },
    // two cas from 0 to 1 both succeed with no write of 0 between them.
    { file: 'cas-twice.jsonl', verdict: 'not-linearizable', key: 'counter', op: 3, window: [2, 3] },
    { file: 'info-write-took-effect.jsonl', verdict: 'linearizable' },
    // an unknown write was seen, then the value before it came back.
    { file: 'info-write-seen-then-gone.jsonl', verdict: 'not-linearizable', key: 'x', op: 6, window: [2, 4, 6] },
    { file: 'concurrent-orders.jsonl', verdict: 'linearizable' },
    { file: 'deletes-and-null-reads.jsonl', verdict: 'linearizable' },
    { file: 'pending-at-end.jsonl', verdict: 'linearizable' },
    { file: 'multi-key-one-bad.jsonl', verdict: 'not-linearizable', key: 'b', op: 8, window: [4, 8] },
  ];
  for (const e of expected) {
    it(`${e.file}: ${e.verdict}`, () => {
      const result = checkLinearizability(fileOps(e.file));
      expect(result.verdict).toBe(e.verdict);
      if (e.verdict === 'linearizable') return expect(result.violations).toEqual([]);
      expect(result.violations).toHaveLength(1);
      const [violation] = result.violations;
      expect(violation).toMatchObject({ key: e.key, op: e.op, window: { ops: e.window } });
      expect(violation.explanation).toContain(`(op ${e.op})`);
    });
  }

  it('multi-key-one-bad.jsonl: checks each key and reports only the bad one', () => {
    const result = checkLinearizability(fileOps('multi-key-one-bad.jsonl'));
    expect(result.keysChecked).toBe(3);
    expect(result.violations.map((v) => v.key)).toEqual(['b']);
    expect(result.violations[0].possibleValues).toEqual([null]);
    expect(result.violations[0].explanation).toMatch(/could only be absent/);
  });
});

describe('semantics', () => {
  it('a read must see the last write completed before it', () => {
    expect(check('p1 put x a\np1 ok\np1 put x b\np1 ok\np2 get x\np2 ok b').verdict).toBe('linearizable');
    const stale = check('p1 put x a\np1 ok\np1 put x b\np1 ok\np2 get x\np2 ok a');
    expect(stale.verdict).toBe('not-linearizable');
    expect(stale.violations[0]).toMatchObject({ op: 4, possibleValues: ['b'], window: { ops: [2, 4], fromAnyValue: true } });
  });

  it('concurrent writes may be ordered either way, but only one way at a time', () => {
    const overlap = 'p1 put x a\np2 put x b\np3 get x\np3 ok a\np4 get x\np4 ok b\np1 ok\np2 ok\n';
    expect(check(overlap).verdict).toBe('linearizable');
    expect(check(overlap.replace('p3 ok a', 'p3 ok b').replace('p4 ok b', 'p4 ok a')).verdict).toBe('linearizable');
    // a, then b, then a again: a was written once.
    expect(check(`${overlap}p5 get x\np5 ok a`).verdict).toBe('not-linearizable');
    expect(check(`${overlap}p5 get x\np5 ok b`).verdict).toBe('linearizable');
  });

  it('an ok write takes effect between its invoke and completion, not before', () => {
    expect(check('p1 get x\np1 ok v\np2 put x v\np2 ok').verdict).toBe('not-linearizable');
    expect(check('p1 get x\np2 put x v\np1 ok v\np2 ok').verdict).toBe('linearizable');
  });

  it('a failed op never happened, a failed cas included', () => {
    expect(check('p1 put x a\np1 fail\np2 get x\np2 ok a').verdict).toBe('not-linearizable');
    expect(check('p1 put x a\np1 fail\np2 get x\np2 ok nil').verdict).toBe('linearizable');
    expect(check('p1 put x a\np1 ok\np2 cas x b c\np2 fail\np3 get x\np3 ok a').verdict).toBe('linearizable');
  });

  it('an info write may have happened at any time after its invoke, or never', () => {
    const base = 'p1 put x a\np1 ok\np2 put x b\np2 info\n';
    expect(check(`${base}p3 get x\np3 ok a\np3 get x\np3 ok b`).verdict).toBe('linearizable');
    expect(check(`${base}p3 get x\np3 ok a\np3 get x\np3 ok a`).verdict).toBe('linearizable');
    expect(check(`${base}p3 get x\np3 ok b\np3 get x\np3 ok a`).verdict).toBe('not-linearizable');
    // but not before its invoke
    expect(check('p3 get x\np3 ok b\np2 put x b\np2 info').verdict).toBe('not-linearizable');
  });

  it('an info write happens at most once', () => {
    const result = check('p2 put x b\np1 put x a\np1 ok\np3 get x\np3 ok b\np1 put x c\np1 ok\np3 get x\np3 ok b\np2 info');
    expect(result.verdict).toBe('not-linearizable');
  });

  it('an op still outstanding when the history ends counts as info', () => {
    expect(check('p1 put x a\np2 get x\np2 ok a').verdict).toBe('linearizable');
    expect(check('p1 put x a\np2 get x\np2 ok a\np2 get x\np2 ok nil').verdict).toBe('not-linearizable');
  });

  it('an info get constrains nothing', () => {
    expect(check('p1 get x\np1 info\np2 put x a\np2 ok').verdict).toBe('linearizable');
    expect(check('p1 get x\np1 info').operationsChecked).toBe(0);
  });

  it('an info cas, if it happened, happened only when its expectation held', () => {
    const base = 'p1 put x a\np1 ok\np2 cas x a b\np2 info\n';
    expect(check(`${base}p3 get x\np3 ok b`).verdict).toBe('linearizable');
    expect(check(`${base}p3 get x\np3 ok a`).verdict).toBe('linearizable');
    expect(check('p1 put x a\np1 ok\np2 cas x z b\np2 info\np3 get x\np3 ok b').verdict).toBe('not-linearizable');
  });

  it('keys start absent; delete makes them absent; cas from nil needs an absent key', () => {
    expect(check('p1 get x\np1 ok nil').verdict).toBe('linearizable');
    expect(check('p1 get x\np1 ok a').verdict).toBe('not-linearizable');
    expect(check('p1 cas x nil a\np1 ok\np1 get x\np1 ok a').verdict).toBe('linearizable');
    expect(check('p1 put x a\np1 ok\np1 cas x nil b\np1 ok').verdict).toBe('not-linearizable');
    expect(check('p1 put x a\np1 ok\np1 delete x\np1 ok\np1 cas x nil b\np1 ok').verdict).toBe('linearizable');
    expect(check('p1 put x a\np1 ok\np1 delete x\np1 ok\np2 get x\np2 ok a').verdict).toBe('not-linearizable');
    // a delete concurrent with a read: either order
    expect(check('p1 put x a\np1 ok\np1 delete x\np2 get x\np2 ok a\np2 get x\np2 ok nil\np1 ok').verdict).toBe('linearizable');
  });

  it("initial 'unknown' lets each key start with any value", () => {
    expect(check('p1 get x\np1 ok a\np1 get x\np1 ok a', { initial: 'unknown' }).verdict).toBe('linearizable');
    const result = check('p1 get x\np1 ok a\np1 get x\np1 ok b', { initial: 'unknown' });
    expect(result.verdict).toBe('not-linearizable');
    expect(result.violations[0].window.fromAnyValue).toBe(true);
  });

  it('a cas that succeeded twice from the same value, concurrently', () => {
    const result = check('p1 put c 0\np1 ok\np1 cas c 0 1\np2 cas c 0 1\np1 ok\np2 ok');
    expect(result.verdict).toBe('not-linearizable');
    expect(result.violations[0]).toMatchObject({ possibleValues: ['1'], window: { ops: [2, 3] } });
    expect(result.violations[0].explanation).toMatch(/cas .* succeeded swapping "0" for "1"/);
  });
});

describe('the failing window', () => {
  it('stays small inside a long history and names the contradicting ops', () => {
    const rows: string[] = [];
    for (let i = 0; i < 200; i++) rows.push(`p1 put x v${i}`, 'p1 ok', 'p2 get x', `p2 ok v${i}`);
    rows.push('p1 put x last', 'p1 ok', 'p2 get x', 'p2 ok v150', 'p1 put x more', 'p1 ok');
    const result = check(rows.join('\n'));
    expect(result.verdict).toBe('not-linearizable');
    expect(result.violations[0]).toMatchObject({ op: 802, window: { ops: [800, 802], optionalOps: [], fromAnyValue: true } });
    expect(result.violations[0].window.timeMin).toBe(8010);
    expect(result.violations[0].window.timeMax).toBe(8040);
  });

  it('keeps info writes that may have happened inside it, marked optional', () => {
    // put a completed before the window: it is part of "whatever the key held before".
    const result = check('p9 put x z\np9 info\np1 put x a\np1 ok\np2 get x\np2 ok z\np2 get x\np2 ok a');
    expect(result.verdict).toBe('not-linearizable');
    expect(result.violations[0].window).toMatchObject({ ops: [0, 4, 6], optionalOps: [0], fromAnyValue: true });
  });

  it('falls back to the whole prefix when only the initial value explains the failure', () => {
    const result = check('p1 get x\np1 ok a');
    expect(result.violations[0].window).toMatchObject({ ops: [0], fromAnyValue: false });
    expect(result.violations[0].explanation).toMatch(/could only be absent/);
  });
});

describe('the step budget', () => {
  // Many concurrent writers and readers on one key: every order must be explored before failing.
  const hard = (() => {
    const rows: string[] = [];
    for (let p = 1; p <= 8; p++) rows.push(`p${p} put x v${p}`);
    for (let p = 1; p <= 8; p++) rows.push(`p${p} ok`);
    rows.push('p9 get x', 'p9 ok nope');
    return rows.join('\n');
  })();

  it('answers unknown when a key needs more steps than it may use', () => {
    const result = check(hard, { keyStepsMax: 50 });
    expect(result.verdict).toBe('unknown');
    expect(result.unknownKeys).toEqual(['x']);
    expect(check(hard).verdict).toBe('not-linearizable');
  });

  it('keeps a hard key from starving the others, and a violation elsewhere still decides the verdict', () => {
    const twoKeys = `${hard}\np10 get y\np10 ok a`;
    const result = check(twoKeys, { keyStepsMax: 40, stepsMax: 100 });
    expect(result.verdict).toBe('not-linearizable');
    expect(result.violations.map((v) => v.key)).toEqual(['y']);
    expect(result.unknownKeys).toEqual(['x']);
    expect(result.steps).toBeLessThanOrEqual(100);
  });

  it('leaves the keys after an exhausted total unknown', () => {
    const result = check(`${hard}\np10 get y\np10 ok a`, { stepsMax: 50 });
    expect(result.verdict).toBe('unknown');
    expect(result.unknownKeys).toEqual(['x', 'y']);
    expect(result.steps).toBe(50);
  });

  it('needs no steps for keys whose ops can all be skipped', () => {
    expect(check('p1 put x a\np1 info', { stepsMax: 0 }).verdict).toBe('linearizable');
  });
});
