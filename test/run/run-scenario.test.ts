// End-to-end simulated runs: the real node host over SimDisk and SimNetwork, with faults, checked
// by every checker. Short scenarios so the suite stays fast; failures print the repro seed.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run/run-scenario.ts';
import { validateScenario } from '../../sim/scenario/validate.ts';

const short = validateScenario(
  {
    name: 'short-chaos',
    cluster: { nodes: 3, requestTimeoutMs: 1000 },
    workload: { clients: 4, ratePerClient: 40, keys: 4 },
    nemesis: { kinds: ['partition', 'crash', 'crash-leader', 'pause'], intervalMs: [400, 1200], durationMs: [200, 1000] },
    phases: { faultsMs: 5000, healMs: 1000, livenessMs: 2500 },
  },
  'test',
);

describe('simulated runs of the real node host', () => {
  it('the same seed gives a byte-identical trace and history', () => {
    const a = runScenario(short, { seed: 7, trace: true });
    const b = runScenario(short, { seed: 7, trace: true });
    expect(a.traceText!.length).toBeGreaterThan(10_000);
    expect(b.traceText).toBe(a.traceText);
    expect(b.historyText).toBe(a.historyText);
  });

  it('another seed gives a different trace', () => {
    const a = runScenario(short, { seed: 7, trace: true });
    const c = runScenario(short, { seed: 8, trace: true });
    expect(c.traceText).not.toBe(a.traceText);
  });

  it.each([1, 2, 3, 4, 5])('seed %i: every check passes under partitions, crashes and pauses', (seed) => {
    const { report } = runScenario(short, { seed });
    const failed = report.checks.filter((c) => c.verdict !== 'pass');
    expect(failed, `npx kvlab run <short-chaos> --seed ${seed}: ${JSON.stringify(failed)}`).toEqual([]);
    expect(report.stats.operations.ok).toBeGreaterThan(100);
    expect(report.stats.acknowledgedWrites).toBeGreaterThan(20);
    expect(report.stats.faults).toBeGreaterThan(2);
  });
});
