// Expiring writes in the simulated workload: puts with a ttl (SET PX) and PTTL reads are recorded and
// checked by the expiry model. With clocks in step the store passes; with clock jumps the model finds
// that an expired value comes back (reads compare the log's expiry with the serving node's clock).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHistory } from '../../check/history.ts';
import { runScenario } from '../../sim/run/run-scenario.ts';
import { loadScenario } from '../../sim/scenario/load.ts';

const scenarios = join(import.meta.dirname, '..', '..', 'scenarios');

describe('expiring writes in the workload', () => {
  it('are recorded (puts with ttlMs, ttl reads of every kind) and pass with clocks in step', () => {
    const { report, historyText } = runScenario(loadScenario(join(scenarios, 'expiring-keys.json')), { seed: 1 });
    const ops = parseHistory(historyText, 'history.jsonl').operations;
    expect(ops.filter((op) => op.call.f === 'put' && op.call.ttlMs !== undefined).length).toBeGreaterThan(50);
    const ttlReads = new Set(ops.filter((op) => op.ttl !== undefined && op.ttl !== null).map((op) => Math.sign(op.ttl as number)));
    expect([...ttlReads].sort()).toEqual([-1, 1]); // -2 and -1 are both negative; ms left positive
    expect(ops.some((op) => op.ttl === -2) && ops.some((op) => op.ttl === -1)).toBe(true);
    expect(report.checks.filter((c) => c.verdict !== 'pass'), 'npx kvlab run scenarios/expiring-keys.json --seed 1').toEqual([]);
  });

  it('clock jumps make an expired value come back, and the checker says so', () => {
    // Kept out of the library (scenarios/) while the store has this bug: 27 of seeds 1..30 fail.
    const scenario = loadScenario(join(import.meta.dirname, 'scenarios', 'expiring-keys-clock-skew.json'));
    const caught = [2, 3, 4, 5, 6, 7, 8].find((seed) => {
      const check = runScenario(scenario, { seed }).report.checks.find((c) => c.name === 'linearizability');
      return check?.verdict === 'fail' && /could only be absent then/.test(check.detail);
    });
    expect(caught, 'npx kvlab run test/sim/scenarios/expiring-keys-clock-skew.json --seed 2..8').toBeDefined();
  });
});
