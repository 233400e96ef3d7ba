// The area suite checks (suites/<area>/*.check.ts) listed below, run through the kit's runner against the reference
// runtime must pass — at the default concurrency limit and at the limits 1 and 2, where MAP
// runs hold fewer branches at once.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { referenceAdapter, referenceDescription } from '../src/adapters/reference.js';
import { loadCatalogue } from '../src/kit/catalogue.js';
import { DEFAULT_SUITES_DIR, discoverChecks } from '../src/kit/discover.js';
import { DEFAULT_RUN_OPTIONS, runChecks } from '../src/kit/runner.js';

const folderOf = (file: string) => file.split(/[\\/]/).at(-2) ?? '';

const noFlows = await mkdtemp(join(tmpdir(), 'suites-no-flows-'));
afterAll(() => rm(noFlows, { recursive: true, force: true }));

const discovery = await discoverChecks({ suitesDir: DEFAULT_SUITES_DIR, flowsDir: noFlows });
/**
 * The checks this file vouches for (suites/<area>/ also holds other engineers' checks, with
 * their own tests). test/suites-faults.test.ts proves each of these can fail.
 */
const SUITE_CHECKS = [
  'ael.failure.session-keeps-running',
  'ael.result.awaited',
  'events.envelope.valid-on-every-path',
  'events.graph-update.covers-structure',
  'events.graph-update.running-sums',
  'events.order.plan-terminal-last',
  'events.pipeline-stage.field-mapping',
  'events.pipeline-stage.one-per-change',
  'events.runtime-execution.start-end-pair',
  'lifecycle.confirm.forbidden-matrix',
  'lifecycle.context.allowed-accepted',
  'lifecycle.plan.allowed-accepted',
  'lifecycle.plan.forbidden-matrix',
  'lifecycle.step.allowed-accepted',
  'lifecycle.step.forbidden-matrix',
  'map.fan-in.waits-for-last-dependency',
  'map.overlap.reaches-limit',
  'orchestration.ael.once-per-step',
  'orchestration.pipeline-stage.started-completed',
  'psg.read-after-write.status',
  'psg.read-back.valid-and-ids',
  'registry.invoke.returns-module-result',
  'sa.events.required-fields',
  'sa.no-overlap.wide-dag',
  'trace.history.append-only-across-run',
  'trace.status.follows-plan',
  'vsl.get.missing-key',
  'vsl.roundtrip.json-types',
  'vsl.state.key-convention',
  'vsl.transaction.commits-all',
];
const checks = discovery.checks.filter((c) => SUITE_CHECKS.includes(c.id));
const catalogue = await loadCatalogue();

describe('suite checks: discovery', () => {
  it('finds every check without problems', () => {
    expect(discovery.problems.filter((p) => checks.some((c) => c.origin?.file === p.file))).toEqual([]);
    expect(checks.map((c) => c.id).sort()).toEqual([...SUITE_CHECKS].sort());
  });

  it('names only requirements of the catalogue, and needs that cover the requirements\' needs', () => {
    for (const check of checks) {
      for (const id of check.requirements) {
        const req = catalogue.byId.get(id);
        expect(req, `${check.id} names unknown requirement ${id}`).toBeDefined();
        for (const need of req!.needs) expect(check.needs ?? [], `${check.id} grades ${id}, which needs ${need}`).toContain(need);
      }
    }
  });

  it('keeps each check in the folder of its first requirement\'s area, with an id starting with that area', () => {
    for (const check of checks) {
      const area = catalogue.byId.get(check.requirements[0]!)!.area;
      const folder = folderOf(check.origin!.file);
      expect(folder, `${check.id} grades ${check.requirements[0]} first`).toBe(area);
      expect(check.id.startsWith(`${area}.`), check.id).toBe(true);
    }
  });
});

describe.each([4, 1, 2])('suite checks against the reference runtime (maxConcurrency %i)', (maxConcurrency) => {
  it.each(checks.map((c) => c.id))('%s passes', async (id) => {
    const check = checks.find((c) => c.id === id)!;
    const run = await runChecks({ adapter: referenceAdapter, description: referenceDescription }, [check], catalogue, { ...DEFAULT_RUN_OPTIONS, maxConcurrency });
    const record = run.records.find((r) => r.id === id)!;
    expect(record.outcome, `${record.message}\n${JSON.stringify(record.evidence ?? {}, null, 1).slice(0, 2000)}`).toBe('pass');
  });
});
