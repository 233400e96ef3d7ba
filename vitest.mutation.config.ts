// The vitest configuration Stryker runs (stryker.config.mjs; `npm run mutation`): its only test
// is the kit-vs-reference run (test/mutation/kit-vs-reference.mutation.ts). The default
// vitest.config.ts includes only test/**/*.test.ts, so `npm test` never runs this file.

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/mutation/*.mutation.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Stryker forces one worker thread; the same when run by hand.
    pool: 'threads',
    maxWorkers: 1,
  },
});
