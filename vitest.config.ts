import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores here: more workers only thrash.
    maxWorkers: 2,
    reporters: ['default', './test/support/count-reporter.ts'],
  },
});
