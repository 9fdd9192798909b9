import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSeed } from '../../sim/sweep/run-seed.ts';
import { firstFailingSeed } from '../../sim/sweep/first-failure.ts';
import { sweep } from '../../sim/sweep/sweep.ts';
import type { SeedOutcome, SweepProgress } from '../../sim/sweep/sweep-types.ts';
import { fakeScenario, powerLossScenarioJson, scenarioOf, tinyScenarioJson } from './tiny-scenarios.ts';

const fakeRunner = fileURLToPath(new URL('./fake-runner.ts', import.meta.url));

/** What must not depend on the worker count: everything but wall-clock time. */
function comparable(o: SeedOutcome) {
  const { wallMs: _wall, ...stats } = o.stats ?? { wallMs: 0 };
  return { seed: o.seed, verdict: o.verdict, failedChecks: o.failedChecks, unknownChecks: o.unknownChecks, stats };
}

describe('sweep over the simulator', () => {
  it('gives each seed the same outcome on 2 workers as a sequential run', async () => {
    const scenario = scenarioOf(powerLossScenarioJson);
    const seeds = [1, 2, 3];
    const bugs = ['ackBeforeFsync'];
    const parallel = await sweep(scenario, seeds, { workers: 2, bugs });
    const sequential = seeds.map((seed) => runSeed(scenario, seed, bugs));
    expect(parallel.outcomes.map(comparable)).toEqual(sequential.map(comparable));
    expect(parallel.failed).toBe(sequential.filter((o) => o.verdict === 'fail').length);
    expect(parallel.failed, 'ackBeforeFsync under power loss should fail every seed').toBe(3);
    expect(parallel.outcomes.every((o) => o.failedChecks.some((c) => c.name === 'raft-invariants'))).toBe(true);
  });

  it('passes a healthy scenario and reports progress once per seed', async () => {
    const progress: SweepProgress[] = [];
    const result = await sweep(scenarioOf(tinyScenarioJson), { first: 1, last: 2 }, { workers: 2 }, (p) => progress.push(p));
    expect(result.outcomes.map((o) => [o.seed, o.verdict, o.failedChecks])).toEqual([
      [1, 'pass', []],
      [2, 'pass', []],
    ]);
    expect(progress.map((p) => p.done)).toEqual([1, 2]);
    expect(progress.every((p) => p.total === 2)).toBe(true);
    expect(result.stopped).toBe(false);
  });
});

describe('sweep machinery (fake runner)', () => {
  it('runs every seed once, in any worker count, with the same outcomes', async () => {
    const scenario = fakeScenario({ failSeeds: [3, 8, 9] });
    const one = await sweep(scenario, { first: 1, last: 12 }, { workers: 1, runnerModule: fakeRunner });
    const three = await sweep(scenario, { first: 1, last: 12 }, { workers: 3, runnerModule: fakeRunner });
    expect(one.outcomes.map((o) => o.seed)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(three.outcomes).toEqual(one.outcomes);
    expect(one.outcomes.filter((o) => o.verdict === 'fail').map((o) => o.seed)).toEqual([3, 8, 9]);
    expect(three.workers).toBe(3);
  });

  it('passes --bug names to the runner', async () => {
    const result = await sweep(fakeScenario({}), [4, 5], { workers: 2, bugs: ['fail-5'], runnerModule: fakeRunner });
    expect(result.outcomes.map((o) => o.verdict)).toEqual(['pass', 'fail']);
    expect(result.bugs).toEqual(['fail-5']);
  });

  it('stops at the first failure and cancels the outstanding seeds', async () => {
    const scenario = fakeScenario({ failSeeds: [2], busyMs: 40 });
    const result = await sweep(scenario, { first: 1, last: 60 }, { workers: 2, stopOnFailure: true, runnerModule: fakeRunner });
    expect(result.stopped).toBe(true);
    expect(result.outcomes.length).toBeLessThan(60);
    expect(result.outcomes.find((o) => o.seed === 2)?.verdict).toBe('fail');
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const result = await sweep(fakeScenario({ busyMs: 20 }), { first: 1, last: 200 }, { workers: 2, runnerModule: fakeRunner, signal: controller.signal }, (p) => {
      if (p.done === 3) controller.abort();
    });
    expect(result.stopped).toBe(true);
    expect(result.outcomes.length).toBeLessThan(200);
  });

  it('counts a seed whose worker dies as a failure and goes on with a fresh worker', async () => {
    const result = await sweep(fakeScenario({ crashSeeds: [3] }), { first: 1, last: 6 }, { workers: 2, runnerModule: fakeRunner });
    expect(result.outcomes.map((o) => o.seed)).toEqual([1, 2, 3, 4, 5, 6]);
    const crashed = result.outcomes.find((o) => o.seed === 3);
    expect(crashed?.verdict).toBe('fail');
    expect(crashed?.failedChecks[0].name).toBe('exception');
    expect(crashed?.failedChecks[0].detail).toContain('exited with code 3');
    expect(result.failed).toBe(1);
  });

  it('rejects a bad worker count', async () => {
    await expect(sweep(fakeScenario({}), [1], { workers: 0, runnerModule: fakeRunner })).rejects.toThrow(/workers: found 0/);
  });

  it('finds the smallest failing seed even when a later one fails first', async () => {
    // Seed 5 is slow and fails; seed 6 is quick and fails: a parallel sweep sees 6 first.
    const scenario = fakeScenario({ failSeeds: [5, 6], busyMs: 5, slowSeeds: { 5: 400 } });
    const result = await firstFailingSeed(scenario, { first: 1, last: 30 }, { workers: 3, runnerModule: fakeRunner });
    expect(result.failure?.seed).toBe(5);
    const none = await firstFailingSeed(fakeScenario({}), { first: 1, last: 5 }, { workers: 2, runnerModule: fakeRunner });
    expect(none.failure).toBeUndefined();
    expect(none.seedsRun).toBe(5);
  });
});
