// Issue 17 §3: nothing passes silently. A node that stops on a failed assertion fails the run under
// `assertions` (an expected fail-stop, such as detected disk corruption, does not); an exception out of
// the run ends it with verdict `exception` and a report; a sweep counts that seed as failed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryEngine } from '../../core/kv/memory-engine.ts';
import { GroupReplica } from '../../core/node/group-replica.ts';
import { AssertionFailure, KvlabError } from '../../core/types.ts';
import { failStopKind } from '../../sim/run/fail-stops.ts';
import { runScenario } from '../../sim/run/run-scenario.ts';
import { loadScenario } from '../../sim/scenario/load.ts';
import { validateScenario } from '../../sim/scenario/validate.ts';
import { runSeed } from '../../sim/sweep/run-seed.ts';
import { DiskError } from '../../core/env/disk.ts';
import { StorageCorruption, storageFailed } from '../../core/storage/errors.ts';

const short = validateScenario(
  {
    name: 'nothing-silent',
    cluster: { nodes: 3, requestTimeoutMs: 500 },
    workload: { clients: 2, ratePerClient: 20, keys: 3 },
    phases: { faultsMs: 1500, healMs: 200, livenessMs: 1300 },
  },
  'test',
);

afterEach(() => vi.restoreAllMocks());

/** Makes the `nth` call of `method` (across all instances) throw `error`; the others run as usual. */
function throwOnCall<T extends object>(proto: T, method: keyof T & string, nth: number, error: () => Error): void {
  const original = proto[method] as (...args: unknown[]) => unknown;
  let calls = 0;
  vi.spyOn(proto as Record<string, (...args: unknown[]) => unknown>, method).mockImplementation(function (this: unknown, ...args: unknown[]) {
    if (++calls === nth) throw error();
    return original.apply(this, args);
  });
}

describe('a node that stops on a bug fails the run', () => {
  it('the correct code passes this scenario', () => {
    expect(runScenario(short, { seed: 3 }).report.verdict).toBe('pass');
  });

  it('an assertion failing while a node applies entries: node.fatal, and the run fails under assertions', () => {
    throwOnCall(MemoryEngine.prototype, 'write', 40, () => new AssertionFailure('injected: applied index out of order'));
    const { report, traceText } = runScenario(short, { seed: 3, trace: true });
    expect(traceText).toContain('"kind":"node.fatal"');
    expect(report.verdict).toBe('fail');
    const assertions = report.checks.find((c) => c.name === 'assertions');
    expect(assertions?.verdict).toBe('fail');
    expect(assertions?.detail).toMatch(/^node \d stopped at [\d.]+ ms on AssertionFailure: injected: applied index out of order/);
  });

  it('classifies fail-stops: corruption and disk errors are expected, assertions and type errors are bugs', () => {
    expect(failStopKind(new StorageCorruption('raft/g1/wal/x', 10, 'bad CRC'))).toBe('expected');
    expect(failStopKind(new KvlabError('corruptSnapshot', 'kv/g1/snapshot is damaged'))).toBe('expected');
    expect(failStopKind(new DiskError('EIO', 'raft/g1/wal/x'))).toBe('expected');
    expect(failStopKind(new AssertionFailure('commit regressed'))).toBe('bug');
    expect(failStopKind(new TypeError('x is undefined'))).toBe('bug');
    expect(failStopKind(storageFailed('fsync of raft/g1/wal/x', new DiskError('EIO', 'raft/g1/wal/x')))).toBe('expected');
    expect(failStopKind(storageFailed('writing of snapshot s', new AssertionFailure('offset beyond the file')))).toBe('bug');
  });
});

describe('an exception out of a run', () => {
  it('ends the run with verdict exception and a report naming it', () => {
    throwOnCall(GroupReplica.prototype, 'tick', 500, () => new TypeError("Cannot read properties of undefined (reading 'term')"));
    const { report, traceText } = runScenario(short, { seed: 3, trace: true });
    expect(report.verdict).toBe('exception');
    expect(report.seed).toBe(3);
    expect(report.checks).toHaveLength(1);
    expect(report.checks[0]).toMatchObject({ name: 'exception', verdict: 'fail' });
    expect(report.checks[0].detail).toMatch(/^TypeError: Cannot read properties of undefined \(reading 'term'\) at [\d.]+ ms \(the run stopped there; at /);
    expect(report.stats.events).toBeGreaterThan(0);
    expect(traceText!.trimEnd().split('\n').at(-1)).toContain('"kind":"run.exception"');
  });

  it('a sweep counts that seed as failed, under exception', () => {
    throwOnCall(GroupReplica.prototype, 'tick', 500, () => new RangeError('injected'));
    const outcome = runSeed(short, 3, []);
    expect(outcome.verdict).toBe('fail');
    expect(outcome.failedChecks.map((c) => c.name)).toEqual(['exception']);
    expect(outcome.failedChecks[0].detail).toContain('RangeError: injected');
  });
});

describe('a run cut short by a failed assertion', () => {
  it('skips the checks that judge the whole run and reports where it stopped', () => {
    // voteWithoutLogCheck makes two leaders; Raft's invariants() stops the simulation at the first
    // inconsistent step, long before the heal, so liveness and durability cannot be judged.
    const scenario = loadScenario('scenarios/bug-vote-without-log-check.json');
    const { report } = runScenario(scenario, { seed: 1, bugs: ['voteWithoutLogCheck'] });
    const lengthMs = scenario.phases.faultsMs + scenario.phases.healMs + scenario.phases.livenessMs;
    expect(report.verdict).toBe('fail');
    expect(report.checks.find((c) => c.name === 'assertions')?.verdict).toBe('fail');
    expect(report.stats.virtualMs).toBeLessThan(scenario.phases.faultsMs);
    for (const name of ['liveness', 'durability']) {
      const check = report.checks.find((c) => c.name === name);
      if (check) expect(check.verdict, name).toBe('skipped');
      if (check) expect(check.detail).toMatch(/the run stopped at a failed assertion, at [\d.]+ ms/);
    }
    expect(report.stats.virtualMs).toBeLessThan(lengthMs);
  });
});
