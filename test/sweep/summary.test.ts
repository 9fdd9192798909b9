import { describe, expect, it } from 'vitest';
import { ProgressReporter, bar, formatDuration, plainLine } from '../../sim/sweep/progress.ts';
import { failuresByCheck, formatSweepSummary, reprosPerCheckMax } from '../../sim/sweep/summary.ts';
import type { SeedOutcome, SweepProgress, SweepResult } from '../../sim/sweep/sweep-types.ts';

function outcome(seed: number, ...checks: string[]): SeedOutcome {
  return { seed, verdict: checks.length ? 'fail' : 'pass', failedChecks: checks.map((name) => ({ name, detail: `${name} broke on ${seed}` })), unknownChecks: [] };
}

function result(outcomes: SeedOutcome[], extra: Partial<SweepResult> = {}): SweepResult {
  return {
    scenario: 'demo',
    outcomes,
    seedsTotal: outcomes.length,
    failed: outcomes.filter((o) => o.verdict === 'fail').length,
    stopped: false,
    workers: 2,
    wallMs: 4000,
    bugs: ['ackBeforeFsync'],
    scenarioPath: 'scenarios/demo.json',
    ...extra,
  };
}

describe('sweep summary', () => {
  const outcomes = [
    outcome(1),
    outcome(2, 'linearizability'),
    outcome(3, 'durability', 'linearizability'),
    ...[4, 5, 6, 7].map((s) => outcome(s, 'linearizability')),
    outcome(8),
  ];

  it('groups failing seeds by check, the most frequent first', () => {
    const groups = failuresByCheck(outcomes);
    expect(groups.map((g) => [g.check, g.seeds])).toEqual([
      ['linearizability', [2, 3, 4, 5, 6, 7]],
      ['durability', [3]],
    ]);
    expect(groups[0].first.map((o) => o.seed)).toEqual([2, 3, 4].slice(0, reprosPerCheckMax));
  });

  it('prints totals, a repro command per shown seed, and counts the rest', () => {
    const text = formatSweepSummary(result(outcomes));
    expect(text).toContain('8 of 8 run on 2 workers');
    expect(text).toContain('2 passed, 6 failed');
    expect(text).toContain('linearizability: 6 seeds failed');
    expect(text).toContain('  seed 2: linearizability broke on 2\n    npx kvlab run scenarios/demo.json --seed 2 --bug ackBeforeFsync');
    expect(text).toContain('... and 3 more: seeds 5, 6, 7');
    expect(text).toContain('durability: 1 seed failed');
    expect(text).toContain('npx kvlab run scenarios/demo.json --seed 3 --bug ackBeforeFsync');
    expect(text).not.toContain('--seed 5 ');
  });

  it('says when a sweep stopped early', () => {
    const text = formatSweepSummary(result([outcome(1), outcome(2, 'liveness')], { seedsTotal: 100, stopped: true }));
    expect(text).toContain('2 of 100 run');
    expect(text).toContain('stopped early');
  });
});

describe('sweep progress', () => {
  const p = (done: number, elapsedMs: number, failed = 0): SweepProgress => ({ done, total: 100, failed, elapsedMs, latest: outcome(done) });

  it('draws a bar with rate and ETA', () => {
    const text = bar(p(25, 5000, 1), 'sweep demo');
    expect(text).toContain('[########......................]');
    expect(text).toContain('25/100 seeds (25%)');
    expect(text).toContain('5.0 seeds/s');
    expect(text).toContain('ETA 15s');
    expect(text).toContain('1 failed');
  });

  it('formats durations', () => {
    expect(formatDuration(4_400)).toBe('4s');
    expect(formatDuration(125_000)).toBe('2m05s');
    expect(formatDuration(7_380_000)).toBe('2h03m');
  });

  it('redraws one line on a terminal and ends it at the finish', () => {
    const writes: string[] = [];
    const reporter = new ProgressReporter({ isTTY: true, columns: 200, write: (t) => writes.push(t) }, 'sweep demo');
    reporter.update(p(1, 10));
    reporter.update(p(2, 20)); // within the redraw interval: skipped
    reporter.update(p(3, 500));
    reporter.finish();
    expect(writes).toHaveLength(3);
    expect(writes[0].startsWith('\r')).toBe(true);
    expect(writes[1]).toContain('3/100');
    expect(writes[2]).toBe('\n');
  });

  it('writes a plain line at the start and per tenth of the sweep when not on a terminal', () => {
    const writes: string[] = [];
    const reporter = new ProgressReporter({ isTTY: false, write: (t) => writes.push(t) }, 'sweep demo');
    for (let done = 1; done <= 100; done++) reporter.update(p(done, done * 10));
    reporter.finish();
    expect(writes).toHaveLength(11);
    expect(writes[0]).toContain('1/100 seeds');
    expect(writes.every((w) => w.endsWith('\n') && !w.includes('\r'))).toBe(true);
    expect(writes[10]).toBe(`${plainLine(p(100, 1000), 'sweep demo')}\n`);
  });
});
