// Vitest configuration for mutation runs only (stryker.config.mjs points here); `npm test` never loads it.
// It chooses the test files (here rather than with Stryker's `testFiles`, which makes Stryker activate
// module-level mutants too late, so they falsely survive: stryker-js issue 6144) and their order. Stryker stops a mutant at its first failing test, so
// files that fail for the current mutant's neighbours, then fast unit files, go first, and the
// end-to-end simulations (test/run, a minute or more together) go last. A surviving mutant still runs
// every test that covers it; a killed one usually costs a unit file or two.
import { relative } from 'node:path';
import { BaseSequencer } from 'vitest/node';
import type { TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.ts';

/** Unit tests of core/raft and core/kv (and the tests added to kill their mutants). */
const unitTestFiles = [
  'test/raft/**/*.test.ts',
  'test/kv/**/*.test.ts',
  'test/codec/**/*.test.ts',
  'test/raft-mutation/**/*.test.ts',
  'test/kv-mutation/**/*.test.ts',
];
/** End-to-end simulated runs: each reaches nearly all of core/raft and core/kv, so they run last. */
const simulationTestFiles = ['test/run/**/*.test.ts'];
const slowTestDirs = ['test/run/'];

/**
 * STRYKER_TESTS=unit leaves the simulations out (an hour and a half instead of days on 2 cores);
 * STRYKER_TESTS=simulation runs only them (to recheck what survived the unit tests); unset runs both.
 */
const testSets: Record<string, string[]> = {
  unit: unitTestFiles,
  simulation: simulationTestFiles,
  all: [...unitTestFiles, ...simulationTestFiles],
};
const testSet = process.env.STRYKER_TESTS ?? 'all';
const include = testSets[testSet];
if (include === undefined) throw new Error(`STRYKER_TESTS=${testSet}: expected one of ${Object.keys(testSets).join(', ')}`);

class KillFastSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache;
    const rank = (file: TestSpecification): [number, number, number] => {
      const path = relative(this.ctx.config.root, file.moduleId).replaceAll('\\', '/');
      const key = `${file.project.name}:${path}`;
      const results = cache.getFileTestResults(key);
      const failedBefore = results?.failed === true ? 0 : 1;
      const slow = slowTestDirs.some((dir) => path.startsWith(dir)) ? 1 : 0;
      const cost = results?.duration ?? cache.getFileStats(key)?.size ?? 0;
      return [failedBefore, slow, cost];
    };
    const ranked = files.map((file) => ({ file, rank: rank(file) }));
    ranked.sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.rank[2] - b.rank[2]);
    return ranked.map((r) => r.file);
  }
}

// Spread rather than mergeConfig: mergeConfig would concatenate `include` onto the base's test/**.
export default defineConfig({
  ...base,
  test: { ...base.test, include, sequence: { sequencer: KillFastSequencer } },
});
