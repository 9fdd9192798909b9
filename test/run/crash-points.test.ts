// Crash and restart at every step of the write path: a node crashes right after its k-th mutating
// disk operation (after an append but before its fsync, after the fsync, in the middle of a segment
// rotation or a snapshot's temp-file/rename/directory-fsync dance), loses or tears what was unsynced,
// and restarts. No acknowledged write may be lost and the history must stay linearizable.
//
// The crash points are chosen from a dry run's sequence of disk operations: for every kind of
// operation, its first, middle and last occurrences, plus evenly spaced points in between.
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
const seed = 1000;

function crashPoints(node: number): number[] {
  const dry = runScenario(scenario, { seed, crashPoints: [{ node: nodeId(node), afterDiskOps: Number.MAX_SAFE_INTEGER, restartAfterMs: 0 }] });
  const ops = dry.diskOps ?? [];
  const picks = new Set<number>();
  for (const kind of new Set(ops)) {
    const at = ops.flatMap((op, i) => (op === kind ? [i + 1] : []));
    for (const k of [at[0], at[Math.floor(at.length / 2)], at[at.length - 1]]) picks.add(k);
  }
  for (let i = 1; i <= 12; i++) picks.add(Math.max(1, Math.floor((ops.length * i) / 13)));
  return [...picks].sort((a, b) => a - b);
}

describe.each([1, 2])('node %i crashes after its k-th disk operation, then restarts', (node) => {
  const points = crashPoints(node);
  const opsHit = new Set<string>();

  it.each(points)('after disk op %i: nothing acknowledged is lost', (k) => {
    const result = runScenario(scenario, { seed, crashPoints: [{ node: nodeId(node), afterDiskOps: k, restartAfterMs: 40 }] });
    const failed = result.report.checks.filter((c) => c.verdict !== 'pass');
    expect(failed, `crash point node ${node} op ${k}, seed ${seed}: ${JSON.stringify(failed)}`).toEqual([]);
    for (const op of result.crashPointsHit ?? []) opsHit.add(op);
  });

  it('the crashes followed every kind of disk operation: appends, fsyncs, creations, renames, removals, directory fsyncs', () => {
    for (const op of ['append', 'fsync', 'open', 'rename', 'remove', 'fsyncDir']) expect([...opsHit]).toContain(op);
  });
});
