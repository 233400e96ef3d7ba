// L3-EVT-006 on the drift path, which events.envelope.valid-on-every-path does not take: a
// plan whose step writes workspace files (artifact nodes enter the PSG), then files edited by
// hand, a scan, and fs-wins reconciliation (the PSG takes the files: more graph_update
// batches, digest §9). Every event of the session is valid against its envelope (event core
// plus family schema — a graph_update's update_kind among them — or the SA / MAP schema).

import { emptyEventTypeViolations, envelopeViolations } from '../lib/envelopes.js';
import { defineCheck, findings } from '../lib/verdict.js';
import { accepted, ALL_EDITS, BASE_FILES, editFiles, trackedWorkspace } from '../drift/support.js';

const ID = 'events.envelope.valid-after-drift';

export default defineCheck({
  id: ID,
  title: 'Every event of a run that writes files, a drift scan and fs-wins reconciliation is a valid envelope',
  requirements: ['L3-EVT-006', 'L3-EVT-007'],
  needs: ['drift'],
  async run(ctx) {
    const t = await trackedWorkspace(ctx, ID, BASE_FILES);
    await editFiles(t.workspace, ALL_EDITS);
    accepted('the drift scan', await t.drift.scan());
    accepted('fs-wins reconciliation', await t.drift.reconcile('fs-wins'));
    const events = await t.scenario.session.events();
    const violations = [...envelopeViolations(events), ...emptyEventTypeViolations(events)];
    return findings(violations, `${events.length} events of a run writing files, a scan and fs-wins reconciliation are valid envelopes`, undefined, events.length);
  },
});
