// Issue 8: the stdio transport changes nothing. The whole kit runs twice with one seed:
// in-process against the reference runtime, and through `exec:node bin/mplp-conformance.js
// serve` (the same runtime as a stdio process). Every check must end with the same outcome
// and the reports must have the same verdict hash; afterwards no process is left behind.

import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapter, type LoadedAdapter } from '../src/adapter/load.js';
import { referenceAdapter, referenceDescription } from '../src/adapters/reference.js';
import { loadCatalogue } from '../src/kit/catalogue.js';
import { runConformance } from '../src/kit/conformance.js';
import { discoverChecks } from '../src/kit/discover.js';
import type { Report } from '../src/kit/report/build.js';
import { DEFAULT_RUN_OPTIONS } from '../src/kit/runner.js';
import { childProcesses } from './fixtures/stdio/children.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SPEC = 'exec:node bin/mplp-conformance.js serve';
const OPTIONS = { ...DEFAULT_RUN_OPTIONS, seed: 20261124 };

let served: LoadedAdapter;
let inProcess: Report;
let overStdio: Report;

beforeAll(async () => {
  const catalogue = await loadCatalogue();
  const { checks, problems } = await discoverChecks();
  expect(problems).toEqual([]);
  served = await loadAdapter(SPEC, { cwd: ROOT, timeoutMs: OPTIONS.operationTimeoutMs });
  // The two runs share nothing but the seed; run side by side, the runtime process works while this one does.
  [inProcess, overStdio] = await Promise.all([
    runConformance({ target: { adapter: referenceAdapter, description: referenceDescription }, checks, catalogue, options: OPTIONS }).then((r) => r.report),
    runConformance({ target: { adapter: served.adapter, description: served.description, spec: SPEC }, checks, catalogue, options: OPTIONS }).then((r) => r.report),
  ]);
}, 180_000);

afterAll(async () => {
  await served?.adapter.dispose?.();
});

describe('the reference runtime over stdio', () => {
  it('describes itself as the in-process reference does', () => {
    expect(served.description).toEqual(referenceDescription);
  });

  it('ends every check with the same outcome as in-process', () => {
    const outcomes = (r: Report) => Object.fromEntries(r.checks.map((c) => [c.id, c.outcome]));
    const differing = inProcess.checks
      .filter((c) => outcomes(overStdio)[c.id] !== c.outcome)
      .map((c) => `${c.id}: in-process ${c.outcome}, stdio ${outcomes(overStdio)[c.id]} (${overStdio.checks.find((x) => x.id === c.id)?.message.slice(0, 300)})`);
    expect(differing).toEqual([]);
    expect(overStdio.checks.length).toBe(inProcess.checks.length);
    expect(overStdio.totals.checks['error'] ?? 0).toBe(0);
  });

  it('gets the same verdict hash', () => {
    expect(overStdio.verdict_hash).toBe(inProcess.verdict_hash);
  });

  it('leaves no runtime process behind once disposed', async () => {
    await served.adapter.dispose?.();
    expect(await childProcesses('mplp-conformance.js serve')).toEqual([]);
  });
});
