// A skipped fault says why it was skipped.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run/run-scenario.ts';
import { validateScenario } from '../../sim/scenario/validate.ts';

function skips(faults: unknown[]): Array<{ fault: string; reason: string }> {
  const scenario = validateScenario({ name: 'skips', workload: { clients: 1, ratePerClient: 10 }, faults, phases: { faultsMs: 2000, healMs: 500, livenessMs: 5000 } }, 'test');
  const { traceText } = runScenario(scenario, { seed: 1, trace: true });
  return traceText!
    .split('\n')
    .filter((l) => l.includes('"kind":"fault.skip"'))
    .map((l) => JSON.parse(l) as { fault: string; reason: string });
}

describe('fault.skip reasons', () => {
  it('a transfer to the current leader says the node already leads', () => {
    const [skip] = skips([{ at: 1000, fault: 'transfer-leader', to: 'leader' }]);
    expect(skip.fault).toBe('transfer-leader');
    expect(skip.reason).toMatch(/^node \d already leads$/);
  });

  it('a transfer before any election says there is no leader', () => {
    expect(skips([{ at: 0, fault: 'transfer-leader', to: 2 }])).toEqual([expect.objectContaining({ reason: 'no leader to hand leadership from' })]);
  });

  it('a selector that names nobody still says so', () => {
    expect(skips([{ at: 0, fault: 'crash', node: 'leader' }])).toEqual([expect.objectContaining({ reason: 'its selector named no node at this moment' })]);
  });
});
