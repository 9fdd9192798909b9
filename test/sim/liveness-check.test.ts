// The liveness check judges the cluster, not the workload's length: a fault-free run whose opsMax
// budget was spent before the first election (every operation failed: no leader yet) must pass, on
// the evidence of the liveness probe's read through the leader after the heal.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run/run-scenario.ts';
import { validateScenario } from '../../sim/scenario/validate.ts';

const early = (opsMax: number, clients = 5) =>
  validateScenario(
    { name: 'ops-before-election', workload: { clients, ratePerClient: 50, opsMax }, phases: { faultsMs: 1000, healMs: 1000, livenessMs: 5000 } },
    'test',
  );

describe('liveness with workload.opsMax', () => {
  it.each([1, 2, 3])('seed %i: every operation ran before the first election, and the fault-free run passes', (seed) => {
    const { report } = runScenario(early(10), { seed });
    expect(report.stats.operations.ok, 'the premise: no operation succeeded').toBe(0);
    const liveness = report.checks.find((c) => c.name === 'liveness')!;
    expect(liveness.verdict, `npx kvlab run <ops-before-election> --seed ${seed}: ${liveness.detail}`).toBe('pass');
    expect(liveness.detail).toContain('liveness probe');
    expect(report.verdict).toBe('pass');
  });

  it('without clients, the probe is what shows liveness', () => {
    const { report } = runScenario(early(10, 0), { seed: 1 });
    expect(report.checks.find((c) => c.name === 'liveness')?.detail).toContain('liveness probe');
  });

  it('a workload that runs after the heal still needs one of its own operations to succeed (the probe stays out)', () => {
    const { report } = runScenario(early(100_000), { seed: 1 });
    const liveness = report.checks.find((c) => c.name === 'liveness')!;
    expect(liveness.verdict).toBe('pass');
    expect(liveness.detail).toContain('first successful operation');
  });
});
