import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run/run-scenario.ts';
import type { Fault, Scenario } from '../../sim/scenario/schema.ts';
import { minimalScenario } from '../../sim/shrink/minimal-scenario.ts';
import { shrink } from '../../sim/shrink/shrink.ts';
import type { AppliedFault, Trial, TrialRunner } from '../../sim/shrink/trial.ts';
import { powerLossScenarioJson, scenarioOf } from '../sweep/tiny-scenarios.ts';

function trial(failing: string[], ops: number, applied: AppliedFault[] = []): Trial {
  return { failing: new Set(failing), details: new Map(failing.map((c) => [c, `${c} detail`])), ops, faultsApplied: applied.length, applied };
}

/** Ten explicit crashes, five clients and a random nemesis that applies three faults of its own. */
const bigScenario: Scenario = scenarioOf({
  name: 'big',
  cluster: { requestTimeoutMs: 100 },
  workload: { clients: 5, ratePerClient: 50, keys: 8 },
  faults: Array.from({ length: 10 }, (_, i) => ({ at: 100 * (i + 1), fault: 'crash', node: 1 + (i % 3), durationMs: 50 })),
  nemesis: { kinds: ['partition', 'pause'], intervalMs: [100, 200], durationMs: [50, 100] },
  phases: { faultsMs: 4000, healMs: 1000, livenessMs: 5000 },
});

const nemesisFaults: AppliedFault[] = [
  { source: 'nemesis', fault: { at: 150.0004, fault: 'pause', node: 2, durationMs: 60 } },
  { source: 'nemesis', fault: { at: 450, fault: 'partition', groups: [[1], [2, 3]], durationMs: 80 } },
  { source: 'nemesis', fault: { at: 750, fault: 'pause', node: 'leader', durationMs: 70 } },
];

/**
 * A stand-in for the simulator: linearizability fails while the crash at 300 ms, the nemesis's
 * partition at 450 ms and at least two clients are present; liveness fails when livenessMs < 1000.
 */
const fakeRunner: TrialRunner = (s) => {
  const has = (pred: (f: Fault) => boolean) => s.faults.some(pred);
  const partition = s.nemesis !== undefined || has((f) => f.fault === 'partition' && f.at === 450);
  const failing = [];
  if (has((f) => f.fault === 'crash' && f.at === 300) && partition && s.workload.clients >= 2) failing.push('linearizability');
  if (s.phases.livenessMs < 1000) failing.push('liveness');
  const ops = Math.min(s.workload.opsMax ?? 1000, s.workload.clients * 200);
  return trial(failing, ops, s.nemesis ? nemesisFaults : []);
};

describe('shrink (fake runner)', () => {
  it('keeps only what the failure needs, and never trades it for a new failing check', () => {
    const result = shrink(bigScenario, 7, { runner: fakeRunner });
    expect(result.kind).toBe('shrunk');
    if (result.kind !== 'shrunk') return;
    const s = result.shrunk;
    expect(s.nemesis).toBeUndefined();
    expect(s.faults).toEqual([
      { at: 300, fault: 'crash', node: 3, durationMs: 50 },
      { at: 450, fault: 'partition', groups: [[1], [2, 3]], durationMs: 80 },
    ]);
    expect(s.workload.clients).toBe(2);
    expect(s.phases.livenessMs).toBeGreaterThanOrEqual(1000);
    expect(s.phases.livenessMs).toBeLessThan(5000);
    // The crash it needs names node 3: a smaller cluster would lose it.
    expect(s.cluster.nodes).toBe(3);
    expect(result.target).toEqual(['linearizability']);
    expect(result.finalTrial.failing).toEqual(new Set(['linearizability']));
    expect(result.steps.some((step) => step.includes('random nemesis replaced by the 3 faults it applied'))).toBe(true);
    expect(s.name).toBe('big-shrunk-7');
    expect(s.seed).toBe(7);
    expect(result.exhausted).toBe(false);
  });

  it('is deterministic', () => {
    const a = shrink(bigScenario, 7, { runner: fakeRunner });
    const b = shrink(bigScenario, 7, { runner: fakeRunner });
    expect(a).toEqual(b);
  });

  it('says when the original does not fail', () => {
    const result = shrink(bigScenario, 1, { runner: () => trial([], 10) });
    expect(result.kind).toBe('not-failing');
  });

  it('says when a focused check does not fail', () => {
    const result = shrink(bigScenario, 1, { runner: () => trial(['liveness'], 10), checks: ['durability'] });
    expect(result.kind).toBe('not-failing');
  });

  it('stops at the run budget and reports it', () => {
    let runs = 0;
    const counting: TrialRunner = (s, seed) => {
      runs++;
      return fakeRunner(s, seed);
    };
    const result = shrink(bigScenario, 7, { runner: counting, runsMax: 6 });
    expect(result.kind).toBe('shrunk');
    if (result.kind !== 'shrunk') return;
    expect(runs).toBe(6);
    expect(result.runs).toBe(6);
    expect(result.exhausted).toBe(true);
    expect(result.finalTrial.failing.has('linearizability')).toBe(true);
  });

  it('without applied faults from the harness, removes the nemesis if the failure does not need it', () => {
    const needsNoPartition: TrialRunner = (s, seed) => {
      const t = fakeRunner({ ...s, faults: [...s.faults, { at: 450, fault: 'partition', groups: [[1], [2]] }] }, seed);
      return { ...t, applied: [], faultsApplied: s.nemesis ? 3 : 0 };
    };
    const result = shrink(bigScenario, 7, { runner: needsNoPartition });
    if (result.kind !== 'shrunk') throw new Error('expected a shrunk result');
    expect(result.shrunk.nemesis).toBeUndefined();
    expect(result.steps).toContain('random nemesis removed');
  });

  it('without applied faults from the harness, keeps a nemesis the failure needs but drops the kinds it does not', () => {
    const silent: TrialRunner = (s, seed) => ({ ...fakeRunner(s, seed), applied: [], faultsApplied: s.nemesis ? 3 : 0 });
    const result = shrink(bigScenario, 7, { runner: silent });
    if (result.kind !== 'shrunk') throw new Error('expected a shrunk result');
    expect(result.shrunk.nemesis?.kinds).toHaveLength(1);
    expect(result.steps.some((step) => step.startsWith('nemesis kinds 2 -> 1'))).toBe(true);
    expect(result.finalTrial.failing).toEqual(new Set(['linearizability']));
  });
});

describe('shrink (simulator)', () => {
  it('turns a failing bug-zoo run into a scenario with at most a tenth of the operations that fails the same check', () => {
    const scenario = scenarioOf(powerLossScenarioJson);
    const seed = 1;
    const result = shrink(scenario, seed, { bugs: ['ackBeforeFsync'], runsMax: 40 });
    expect(result.kind, `seed ${seed}`).toBe('shrunk');
    if (result.kind !== 'shrunk') return;
    const before = result.originalTrial.ops ?? 0;
    const after = result.finalTrial.ops ?? Number.POSITIVE_INFINITY;
    expect(result.target).toContain('raft-invariants');
    expect(before, `seed ${seed}`).toBeGreaterThan(100);
    expect(after, `seed ${seed}: ${before} -> ${after} ops; steps ${result.steps.join('; ')}`).toBeLessThanOrEqual(before / 10);
    expect(result.shrunk.bugs).toEqual(['ackBeforeFsync']);
    // The file reproduces on its own: a fresh run of the shrunk scenario fails the same check.
    const again = runScenario(result.shrunk, { seed });
    const failing = again.report.checks.filter((c) => c.verdict === 'fail').map((c) => c.name);
    expect(failing, `seed ${seed}`).toEqual([...result.finalTrial.failing]);
    const ops = again.report.stats.operations;
    expect(ops.ok + ops.fail + ops.info).toBe(after);
  });
});

describe('minimalScenario', () => {
  it('keeps only what differs from the defaults, and parses back to the same scenario', () => {
    const full = scenarioOf({
      $schema: './scenario.schema.json',
      name: 'mini',
      cluster: { nodes: 5, tickMs: 10 },
      workload: { clients: 2, mix: { get: 1, put: 0.3, delete: 0.05, cas: 0.15 } },
      network: { latency: { kind: 'constant', ms: 2 } },
      faults: [{ at: 5, fault: 'crash', node: 2 }],
    });
    const minimal = minimalScenario(full);
    expect(minimal).toEqual({
      name: 'mini',
      cluster: { nodes: 5 },
      network: { latency: { kind: 'constant', ms: 2 } },
      workload: { clients: 2, mix: { get: 1, put: 0.3, delete: 0.05, cas: 0.15 } },
      faults: [{ at: 5, fault: 'crash', node: 2 }],
    });
    const { $schema: _schema, ...rest } = full;
    expect(scenarioOf(minimal)).toEqual(rest);
  });
});
