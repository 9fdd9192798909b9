// Shrinking keeps the failure, not just the check's name: a candidate counts only if every target
// check fails with the same kind of violation. The two-voter deadlock (issue 17) once shrank to an
// opsMax artifact that failed liveness for another reason (no operation left, 1 node, no faults).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run/run-scenario.ts';
import { loadScenario } from '../../sim/scenario/load.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';
import { shrink } from '../../sim/shrink/shrink.ts';
import type { Trial, TrialRunner } from '../../sim/shrink/trial.ts';
import { scenarioOf } from '../sweep/tiny-scenarios.ts';

function livenessTrial(kind: string, ops: number): Trial {
  return { failing: new Set(['liveness']), details: new Map([['liveness', kind]]), kinds: new Map([['liveness', kind]]), ops, faultsApplied: 0, applied: [] };
}

const scenario: Scenario = scenarioOf({
  name: 'deadlock-like',
  workload: { clients: 4, ratePerClient: 20 },
  faults: [{ at: 1000, fault: 'crash', node: 2, durationMs: 500 }],
  phases: { faultsMs: 3000, healMs: 1000, livenessMs: 6000 },
});

/** No leader while the crash and two clients are there; any other candidate fails liveness only for want of operations. */
const runner: TrialRunner = (s) => {
  const deadlock = s.faults.length > 0 && s.workload.clients >= 2;
  return livenessTrial(deadlock ? 'no-leader-after-heal' : 'no-operation-after-heal', 100);
};

describe('shrinking keeps the failure signature', () => {
  it('a candidate failing the same check with another kind of violation is not kept', () => {
    const result = shrink(scenario, 3, { runner });
    expect(result.kind).toBe('shrunk');
    if (result.kind !== 'shrunk') return;
    expect(result.shrunk.faults).toHaveLength(1);
    expect(result.shrunk.workload.clients).toBe(2);
    expect(result.finalTrial.kinds?.get('liveness')).toBe('no-leader-after-heal');
    expect(result.shrunk.description).toContain('liveness (no-leader-after-heal)');
  });

  it('the two-voter leader-removal deadlock (seed 13) shrinks to a scenario that still deadlocks', () => {
    const original = loadScenario(join(import.meta.dirname, 'fixtures', 'two-voter-leader-removal-deadlock.json'));
    const before = runScenario(original, { seed: 13 }).report.checks.find((c) => c.name === 'liveness');
    if (before?.verdict !== 'fail') return; // the Raft fix (issue 17 §1) makes it pass: nothing to shrink
    expect(before.kind).toBe('no-leader-after-heal');
    const result = shrink(original, 13, { runsMax: 40 });
    expect(result.kind).toBe('shrunk');
    if (result.kind !== 'shrunk') return;
    const after = runScenario(result.shrunk, { seed: 13 }).report.checks.find((c) => c.name === 'liveness');
    expect(after?.verdict).toBe('fail');
    expect(after?.kind, `shrunk: ${JSON.stringify(result.shrunk)}`).toBe('no-leader-after-heal');
    expect(result.shrunk.faults.some((f) => f.fault === 'remove-node' && f.node === 'leader')).toBe(true);
  });
});
