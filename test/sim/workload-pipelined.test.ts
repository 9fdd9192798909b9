// Pipelining simulated clients: several operations in flight per connection, recorded with their
// session; the node serves each connection through an ordered session, and without it (the bug-zoo
// switch sessionOrderIgnored) the checker catches reads that overtake the writes sent before them.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Operation, parseHistory } from '../../check/history.ts';
import { runScenario } from '../../sim/run/run-scenario.ts';
import { loadScenario } from '../../sim/scenario/load.ts';
import { validateScenario } from '../../sim/scenario/validate.ts';

const root = join(import.meta.dirname, '..', '..');
const scenario = loadScenario(join(root, 'scenarios/bug-session-order-ignored.json'));

/** The most operations of one session in flight at once. */
function deepestPipeline(ops: readonly Operation[]): number {
  const events: Array<[number, number, number]> = []; // [position, +1/-1, session]
  for (const op of ops) {
    if (typeof op.session !== 'number') continue;
    events.push([op.invokeIndex, 1, op.session], [op.completeIndex ?? Infinity, -1, op.session]);
  }
  events.sort((a, b) => a[0] - b[0]);
  const open = new Map<number, number>();
  let deepest = 0;
  for (const [, delta, session] of events) {
    const now = (open.get(session) ?? 0) + delta;
    open.set(session, now);
    deepest = Math.max(deepest, now);
  }
  return deepest;
}

describe('pipelining clients', () => {
  it('keep several operations in flight per session, recorded with it, and the run passes', () => {
    const { report, historyText } = runScenario(scenario, { seed: 1 });
    const ops = parseHistory(historyText, 'history.jsonl').operations;
    expect(ops.every((op) => typeof op.session === 'number')).toBe(true);
    expect(deepestPipeline(ops)).toBeGreaterThanOrEqual(4);
    expect(report.stats.operations.ok).toBeGreaterThan(500);
    expect(report.checks.filter((c) => c.verdict !== 'pass'), 'npx kvlab run scenarios/bug-session-order-ignored.json --seed 1').toEqual([]);
  });

  it('without the ordered session on the node, a broken session order is caught and named', () => {
    const { report } = runScenario(scenario, { seed: 1, bugs: ['sessionOrderIgnored'] });
    const check = report.checks.find((c) => c.name === 'linearizability');
    expect(check?.verdict, 'npx kvlab run scenarios/bug-session-order-ignored.json --seed 1 --bug sessionOrderIgnored').toBe('fail');
    expect(check?.detail).toMatch(/Session order broken: on session \d+, op \d+ was invoked before op \d+/);
  });

  it('depth 1 (the default) records no sessions', () => {
    const plain = validateScenario({ ...JSON.parse(JSON.stringify(scenario)), workload: { clients: 2, ratePerClient: 40, keys: 3 } }, 'test');
    const { historyText } = runScenario(plain, { seed: 1 });
    expect(historyText.length).toBeGreaterThan(1000);
    expect(historyText).not.toContain('"session"');
  });
});
