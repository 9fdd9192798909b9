// The simulated workload records a cas whose expectation did not hold as an observation (ok,
// "swapped": false), which the checker then verifies; the run still passes on the correct code.
import { describe, expect, it } from 'vitest';
import { parseHistory } from '../../check/history.ts';
import { runScenario } from '../../sim/run/run-scenario.ts';
import { validateScenario } from '../../sim/scenario/validate.ts';

const casHeavy = validateScenario(
  {
    name: 'cas-heavy',
    cluster: { nodes: 3, requestTimeoutMs: 1000 },
    workload: { clients: 4, ratePerClient: 40, keys: 2, mix: { get: 1, put: 1, delete: 0, cas: 4 } },
    nemesis: { kinds: ['partition', 'crash-leader'], intervalMs: [500, 1500], durationMs: [200, 800] },
    phases: { faultsMs: 3000, healMs: 1000, livenessMs: 2500 },
  },
  'test',
);

describe('refused cas in simulated histories', () => {
  it.each([1, 2])('seed %i: refused cas are recorded as ok with "swapped": false, and the run passes', (seed) => {
    const { report, historyText } = runScenario(casHeavy, { seed });
    const refused = historyText.split('\n').filter((l) => l.includes('"swapped":false'));
    expect(refused.length, `npx kvlab run <cas-heavy> --seed ${seed}`).toBeGreaterThan(10);
    for (const line of refused.slice(0, 20)) expect(JSON.parse(line)).toMatchObject({ type: 'ok', f: 'cas', swapped: false });
    const ops = parseHistory(historyText, 'history.jsonl').operations;
    expect(ops.filter((op) => op.refused).length).toBe(refused.length);
    expect(report.checks.find((c) => c.name === 'linearizability')?.verdict, `seed ${seed}`).toBe('pass');
  });
});
