// Mutation testing of the pure core (core/raft, core/kv) with StrykerJS and the vitest runner.
// Slow by nature (hours for the whole set on 2 cores), so it is not part of `npm test`; see docs/mutation.md.
// Run one file at a time while working: npm run mutation -- --mutate core/raft/quorum/majority.ts

import { PluginKind, commonTokens, declareFactoryPlugin, declareValuePlugin, tokens } from '@stryker-mutator/api/plugin';
import { MutantRunStatus } from '@stryker-mutator/api/test-runner';
import { strykerPlugins as vitestRunnerPlugins } from '@stryker-mutator/vitest-runner';

/**
 * The message argument of `assert(condition, message)` only words a bug report; mutating it changes no
 * behaviour a test could observe short of matching assertion texts. The condition is still mutated.
 */
const assertMessageIgnorer = {
  shouldIgnore(path) {
    const call = path.parentPath;
    if (path.listKey !== 'arguments' || path.key !== 1 || !call?.isCallExpression()) return undefined;
    const callee = call.node.callee;
    return callee.type === 'Identifier' && callee.name === 'assert' ? 'assertion message' : undefined;
  },
};

/** Whether a vitest file task holds any test (a file that failed to load holds none). */
function holdsTests(task) {
  return task.type === 'test' || (task.tasks ?? []).some(holdsTests);
}

/**
 * The vitest runner, except that a mutant which makes a test file fail to load counts as killed.
 * The plain runner only looks at the tests it collected, and a file whose import throws (a module-level
 * mutant can do that) collects none, so such a mutant would be reported as surviving.
 */
function createLoadCheckingVitestRunner(injector) {
  const inner = vitestRunnerPlugins[0].factory(injector);
  return {
    capabilities: () => inner.capabilities(),
    init: () => inner.init(),
    dryRun: (options) => inner.dryRun(options),
    dispose: () => inner.dispose(),
    async mutantRun(options) {
      const result = await inner.mutantRun(options);
      if (result.status !== MutantRunStatus.Survived) return result;
      const unloaded = inner.ctx.state.getFiles().find((file) => file.result?.state === 'fail' && !holdsTests(file));
      if (unloaded === undefined) return result;
      const reason = unloaded.result.errors?.[0]?.message ?? 'unknown error';
      return { status: MutantRunStatus.Killed, killedBy: [], failureMessage: `${unloaded.name} failed to load: ${reason}`, nrOfTests: result.nrOfTests };
    },
  };
}
createLoadCheckingVitestRunner.inject = tokens(commonTokens.injector);

// This file is also loaded as a Stryker plugin module (see `plugins`), for the ignorer and runner above.
export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'assert-messages', assertMessageIgnorer),
  declareFactoryPlugin(PluginKind.TestRunner, 'vitest-load-checking', createLoadCheckingVitestRunner),
];

/** Where the HTML and JSON reports go (STRYKER_REPORT_DIR keeps runs of different files apart). */
const reportDir = process.env.STRYKER_REPORT_DIR ?? 'reports/mutation';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest-load-checking',
  plugins: ['@stryker-mutator/vitest-runner', './stryker.config.mjs'],
  ignorers: ['assert-messages'],
  vitest: {
    // vitest.config.ts with the test files to run and an order that kills mutants early: the unit tests of
    // core/raft, core/kv and the codec first, then (unless STRYKER_TESTS=unit) the end-to-end simulations
    // of test/run. Every simulated run reaches nearly all of core/raft and core/kv, so per-test coverage
    // cannot spare them: each surviving mutant pays a minute or more for test/run.
    // (Stryker's own `testFiles` option is not used: with it, module-level mutants are activated too late.)
    configFile: 'test/raft-mutation/stryker-vitest.config.ts',
    // That config lists the tests; vitest's related-file search would also pull in sim/prod tests.
    related: false,
  },
  mutate: [
    'core/raft/**/*.ts',
    'core/kv/**/*.ts',
    // Type declarations and re-export barrels hold no behaviour to mutate.
    '!core/raft/types.ts',
    '!core/kv/index.ts',
  ],
  // Each mutant runs only the tests that executed it in the dry run, so a Raft mutant
  // does not pay for every KV test, and scenario runs are paid only by the code they reach.
  coverageAnalysis: 'perTest',
  // Two cores shared with other engineers: one sandbox at a time.
  concurrency: 1,
  // A mutant may make a loop spin forever; it counts as detected once it takes this much longer than the dry run.
  timeoutFactor: 2,
  timeoutMS: 15_000,
  // Mutants in module-level code run every test; they are few here (constants tables), so keep them.
  ignoreStatic: false,
  // Sandboxes copy the project; leave out what the tests never read.
  ignorePatterns: ['runs', 'reports', 'viz/dist', 'bench', 'docs', '.ci', '*.log'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  reporters: ['progress', 'clear-text', 'html', 'json'],
  htmlReporter: { fileName: `${reportDir}/mutation.html` },
  jsonReporter: { fileName: `${reportDir}/mutation.json` },
  // With --incremental, a rerun retests only mutants whose code or covering tests changed (new tests included).
  incrementalFile: `${reportDir}/stryker-incremental.json`,
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  thresholds: { high: 85, low: 70, break: null },
};
