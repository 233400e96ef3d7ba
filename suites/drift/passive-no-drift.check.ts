// L3-DRIFT-004: passive detection compares the event's timestamp and the file's hash with the
// PSG. An event dated before the PSG's record of a file is stale (the PSG already knows a
// later state) and reports nothing, even though the file was edited since; a current event
// for a file whose content still matches the PSG reports nothing either.

import type { DriftReport } from '../../src/adapter/contract.js';
import { datedFileUpdate } from '../../src/kit/flows/workspace-ops.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';
import { accepted, BASE_FILES, EDIT_OF_KIND, editFiles, notifications, trackedWorkspace } from './support.js';

const ID = 'drift.passive.no-drift-without-news';
const REQ = 'L3-DRIFT-004';

export default defineCheck({
  id: ID,
  title: 'A stale file_update event, or one for an unchanged file, reports no drift',
  requirements: [REQ],
  needs: ['drift'],
  async run(ctx) {
    const { scenario, drift, workspace } = await trackedWorkspace(ctx, ID, BASE_FILES, REQ);
    const records = await drift.artifacts();
    const [edited] = Object.keys(EDIT_OF_KIND.modified) as [string];
    await editFiles(workspace, EDIT_OF_KIND.modified);
    const cases = [
      { what: `an event for ${edited} dated a day before the PSG recorded it`, event: datedFileUpdate(edited, 'modified', records.find((r) => r.path === edited), 'older') },
      { what: 'a current event for keep.txt, whose content is unchanged', event: datedFileUpdate('keep.txt', 'modified', records.find((r) => r.path === 'keep.txt'), 'newer') },
    ];
    const violations: Violation[] = [];
    for (const c of cases) {
      const before = (await scenario.session.events()).length;
      const report = accepted<DriftReport>(c.what, await drift.ingest(c.event), REQ);
      const announced = notifications((await scenario.session.events()).slice(before), 'impact_analysis', 'DriftDetected');
      if (report.entries.length > 0 || announced.length > 0) {
        violations.push({ requirement: REQ, message: `${c.what} was reported as drift`, expected: { entries: [], DriftDetected: 0 }, seen: { entries: report.entries, DriftDetected: announced.length }, events: announced });
      }
    }
    return findings(violations, 'neither the stale event nor the event for an unchanged file reported drift');
  },
});
