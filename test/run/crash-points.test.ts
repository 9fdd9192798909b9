// Crash and restart at every step of the write path: a node crashes right after its k-th mutating
// disk operation (after an append but before its fsync, after the fsync, in the middle of a segment
// rotation or a snapshot's temp-file/rename/directory-fsync dance), loses or tears what was unsynced,
// and restarts. No acknowledged write may be lost and the history must stay linearizable.
import { describe, expect, it } from 'vitest';
import { nodeId } from '../../core/types.ts';
import { runScenario } from '../../sim/run/run-scenario.ts';
import { validateScenario } from '../../sim/scenario/validate.ts';

const scenario = validateScenario(
  {
    name: 'crash-points',
    cluster: { nodes: 3, requestTimeoutMs: 500, snapshotEntries: 15, walSegmentBytesMax: 4096 },
    disk: { crash: { file: { lostProbability: 0.5, keptProbability: 0, tornProbability: 0.5 } } },
    workload: { clients: 3, ratePerClient: 60, keys: 4, valueBytes: 40 },
    phases: { faultsMs: 2500, healMs: 500, livenessMs: 1500 },
  },
  'crash-points',
);

const points = Array.from({ length: 24 }, (_, i) => 3 + i * 11);

describe('crash at the k-th disk operation of a node, then restart', () => {
  const opsSeen = new Set<string>();

  it.each(points.flatMap((k) => [1, 2].map((n) => [n, k] as const)))('node %i after disk op %i: nothing acknowledged is lost', (node, k) => {
    const seed = 1000 + k;
    const result = runScenario(scenario, { seed, crashPoints: [{ node: nodeId(node), afterDiskOps: k, restartAfterMs: 40 }] });
    const failed = result.report.checks.filter((c) => c.verdict !== 'pass');
    expect(failed, `crash point node ${node} op ${k}, seed ${seed}: ${JSON.stringify(failed)}`).toEqual([]);
    expect(result.report.stats.acknowledgedWrites).toBeGreaterThan(10);
    for (const op of result.crashPointsHit ?? []) opsSeen.add(op);
  });

  it('the crash points covered appends, fsyncs, file creation, renames and directory fsyncs', () => {
    for (const op of ['append', 'fsync', 'open', 'rename', 'fsyncDir']) expect(opsSeen, `ops seen: ${[...opsSeen].join(', ')}`).toContain(op);
  });
});
