// The `crash-new-leader` fault that the Figure 8 scenario is built on: armed at `at`, it crashes the
// next node to take office `afterMs` later. At 0 (with instant fsync) the leader dies before its first
// appends arrive, so its no-op stays on its own disk; a few ms later they have reached the others.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run/run-scenario.ts';
import { validateScenario } from '../../sim/scenario/validate.ts';

interface TraceEvent {
  t: number;
  node: number | null;
  kind: string;
  [field: string]: unknown;
}

function scenario(afterMs: number) {
  return validateScenario(
    {
      name: 'crash-new-leader',
      cluster: { nodes: 3 },
      disk: { fsyncLatency: { kind: 'constant', us: 0 } },
      workload: { clients: 2, ratePerClient: 20, keys: 2 },
      faults: [{ at: 0, fault: 'crash-new-leader', afterMs, durationMs: 300 }],
      phases: { faultsMs: 600, healMs: 100, livenessMs: 4500 },
    },
    'test',
  );
}

/** The crashed leader, its term, and the terms of entries that reached any other node. */
function observe(afterMs: number, seed: number) {
  const { report, traceText } = runScenario(scenario(afterMs), { seed, trace: true });
  const events = traceText!.trim().split('\n').slice(1).map((line) => JSON.parse(line) as TraceEvent);
  const fired = events.find((e) => e.kind === 'fault.crashNewLeader')!;
  const victim = fired.node as number;
  const tookOffice = events.filter((e) => e.kind === 'raft.role' && e.to === 'leader' && e.t <= fired.t).at(-1)!;
  const crashedAt = events.find((e) => e.kind === 'node.lifecycle' && e.node === victim && e.to === 'crashed')!.t;
  const restartedAt = events.find((e) => e.kind === 'node.lifecycle' && e.node === victim && e.event === 'restart')?.t;
  const termsElsewhere = new Set(events.filter((e) => e.kind === 'raft.append' && e.node !== victim && e.t <= fired.t + 50).flatMap((e) => e.terms as number[]));
  return { report, victim, leaderNode: tookOffice.node, term: tookOffice.term as number, elected: tookOffice.t, crashedAt, restartedAt, termsElsewhere };
}

describe('crash-new-leader', () => {
  it.each([1, 2, 3])('at afterMs 0 the first leader dies before any entry of its term leaves it (seed %i)', (seed) => {
    const o = observe(0, seed);
    expect(o.victim).toBe(o.leaderNode);
    expect(o.crashedAt).toBe(o.elected);
    expect(o.termsElsewhere.has(o.term)).toBe(false);
    expect(o.restartedAt).toBeCloseTo(o.crashedAt + 300, 3);
    expect(o.report.verdict).toBe('pass');
  });

  it('at afterMs 8 its no-op has reached the others first', () => {
    const o = observe(8, 1);
    expect(o.victim).toBe(o.leaderNode);
    expect(o.crashedAt).toBeCloseTo(o.elected + 8, 3);
    expect(o.termsElsewhere.has(o.term)).toBe(true);
    expect(o.report.verdict).toBe('pass');
  });
});
