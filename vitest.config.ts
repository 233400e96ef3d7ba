import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // dist/ built once (test/global-setup.ts): packed by the installed-package test, run by the CI tests.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: run two test files at a time (the mutant corpus is split into shares for this).
    maxWorkers: 2,
  },
});
