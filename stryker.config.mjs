// Stryker mutation testing of the reference runtime with the kit as the test suite (issue 16;
// docs/mutation.md). `npm run mutation`; narrow with `npm run mutation -- --mutate 'src/runtime/psg/**'`.
// @ts-check
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // One test file: no need for vitest to work out which test files a mutated file is related to.
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/runtime/**/*.ts',
    // The barrel (re-exports only) and the pure type files hold no behaviour.
    '!src/runtime/index.ts',
    '!src/runtime/ael/types.ts',
  ],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Two shared cores: two test-runner processes.
  concurrency: 2,
  timeoutMS: 10_000,
  timeoutFactor: 2,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignorePatterns: ['dist', 'reports', '.tmp', 'coverage', 'bench', 'examples/python-runtime/**/__pycache__'],
};
