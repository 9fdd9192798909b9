// A fast subset of the scenario library in CI: every scenario (but the soak) with one seed, plus the
// (scenario, seed) pairs that once found a bug. The full sweep over seeds 1..200 is `npm run sweep:library`.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run/run-scenario.ts';
import { loadScenario } from '../../sim/scenario/load.ts';

const dir = join(import.meta.dirname, '..', '..', 'scenarios');
const library = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('bug-') && f !== 'scenario.schema.json' && f !== 'soak.json');

/** Seeds that once failed, with what they found. */
const regressions: Array<[string, number, string]> = [
  ['lease-reads.json', 3, 'a paused leader woke up believing its lease held (ticks counted timer firings, not elapsed time) and served a stale read'],
  ['slow-disk.json', 4, 'a slow fsync made the host report leadership with the term read after the fsync, not the term it was won in'],
  ['membership-churn.json', 40, 'durable-before-ack judged a write against a configuration the leader had appended but not yet applied'],
  ['membership-churn.json', 14, 'the liveness check asked a spare whose addition never committed to converge'],
  ['membership-churn.json', 1, 'the durable-before-ack check judged writes against the current voters, not the configuration that committed them, and ignored durable snapshots'],
  ...[13, 15, 20, 25, 32, 35].map((seed): [string, number, string] => [
    'two-voter-leader-removal-deadlock.json',
    seed,
    'two voters deadlocked after the leader removed itself: the removed node refused votes (longer log) and never campaigned (issue 17)',
  ]),
  ['corrupt-snapshot.json', 188, 'durable-before-ack did not count entries a restarted node read from its WAL and synced before rejoining (a crash had kept them unsynced)'],
];

function expectPass(file: string, seed: number): void {
  const { report } = runScenario(loadScenario(join(dir, file)), { seed });
  const failed = report.checks.filter((c) => c.verdict === 'fail');
  expect(failed, `npx kvlab run scenarios/${file} --seed ${seed}: ${JSON.stringify(failed)}`).toEqual([]);
  expect(report.verdict).toBe('pass');
}

describe('the scenario library passes (one seed each)', () => {
  it.each(library)('%s', (file) => expectPass(file, 1));
});

describe('seeds that once found bugs stay fixed', () => {
  it.each(regressions)('%s seed %i (%s)', (file, seed) => expectPass(file, seed));
});
