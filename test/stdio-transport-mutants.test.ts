// Issue 8: the stdio transport's teeth. Each transport mutant (test/mutants/transport) is the
// reference runtime with one fault on the wire or in run; driven through the kit, its check
// must end `error` with a message naming what went wrong, and dispose() must leave no
// process behind. No wall-clock assertion: the operation timeout only turns hangs into errors.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { launchSpecOf } from '../src/adapter/stdio/launch.js';
import { StdioAdapter } from '../src/adapter/stdio/stdio-adapter.js';
import { loadCatalogue } from '../src/kit/catalogue.js';
import { discoverChecks } from '../src/kit/discover.js';
import { DEFAULT_RUN_OPTIONS, runChecks } from '../src/kit/runner.js';
import { childProcesses } from './fixtures/stdio/children.js';
import { TRANSPORT_FAULTS } from './mutants/transport/faults.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const catalogue = await loadCatalogue();
// Every mutant is driven through the same AEL check; discovering only its folder keeps the test quick.
const noFlows = await mkdtemp(join(tmpdir(), 'stdio-mutants-'));
afterAll(() => rm(noFlows, { recursive: true, force: true }));
const { checks } = await discoverChecks({ suitesDir: join(ROOT, 'suites', 'ael'), flowsDir: noFlows });
const OPTIONS = { ...DEFAULT_RUN_OPTIONS, seed: 8, operationTimeoutMs: 1_500, checkTimeoutMs: 30_000 };

describe.each(TRANSPORT_FAULTS)('transport mutant $name ($description)', (fault) => {
  it('ends its check error with a clear message and leaves no process behind', async () => {
    const logs: string[] = [];
    const launch = launchSpecOf(`exec:node --import tsx test/mutants/transport/runtime.ts ${fault.name}`, ROOT)!;
    const adapter = new StdioAdapter(launch, { callTimeoutMs: OPTIONS.operationTimeoutMs, log: (line) => logs.push(line) });
    try {
      const description = await adapter.describe();
      const check = checks.find((c) => c.id === fault.check)!;
      const run = await runChecks({ adapter, description }, [check], catalogue, OPTIONS);
      const record = run.records[0]!;
      expect(record.outcome, `${record.message}\nruntime log:\n${logs.join('\n')}`).toBe('error');
      expect(record.message).toContain(fault.expect);
    } finally {
      await adapter.dispose();
    }
    expect(await childProcesses('test/mutants/transport/runtime.ts')).toEqual([]);
  });
});
