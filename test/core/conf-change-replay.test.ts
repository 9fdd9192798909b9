// A node restarted with a persistent engine ahead of its Raft snapshot is handed the committed entries
// between the two again; the engine skips them, but a configuration change among them must still reach
// Raft, which otherwise keeps the snapshot's older configuration (and, e.g., counts votes of removed
// nodes). Membership changes under crashes with the persistent engine: these seeds lost liveness
// (no leader after the heal) when replayed configuration changes were skipped.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run/run-scenario.ts';
import { validateScenario } from '../../sim/scenario/validate.ts';

const membershipWithCrashes = validateScenario(
  {
    name: 'membership-persistent-crashes',
    cluster: { nodes: 3, snapshotEntries: 100, engine: 'persistent' },
    workload: { clients: 5, ratePerClient: 30, keys: 6 },
    faults: [
      { at: 2000, fault: 'add-node', promote: true },
      { at: 6000, fault: 'add-node', promote: true },
      { at: 10000, fault: 'remove-node', node: 'random-follower' },
      { at: 14000, fault: 'remove-node', node: 'leader' },
    ],
    nemesis: { kinds: ['crash', 'crash-leader'], intervalMs: [1000, 3000], durationMs: [300, 2000] },
    phases: { faultsMs: 20000, healMs: 3000, livenessMs: 15000 },
  },
  'test',
);

describe('configuration changes replayed after a restart', () => {
  it.each([2, 4])('seed %i: membership changes and crashes with the persistent engine pass every check', (seed) => {
    const { report } = runScenario(membershipWithCrashes, { seed });
    const failed = report.checks.filter((c) => c.verdict !== 'pass');
    expect(failed, `membership-persistent-crashes seed ${seed}: ${JSON.stringify(failed)}`).toEqual([]);
    expect(report.stats.acknowledgedWrites).toBeGreaterThan(20);
  });
});
