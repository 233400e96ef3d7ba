// L3-DRIFT-012: drift operations never leave the workspace. A folder next to the workspace
// holds a "secret" file. file_update events naming it through '..', by absolute path or
// through a symlink in the workspace must be refused and change nothing; and when a tracked
// folder is replaced by a symlink leading out, psg-wins must not write through it.

import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { FileUpdateEvent } from '../../src/adapter/contract.js';
import { captureState, stateDifference } from '../../src/kit/flows/observe.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';
import { readFiles, trackedWorkspace } from './support.js';

const ID = 'drift.confinement.workspace-only';
const REQ = 'L3-DRIFT-012';
const NEWER = '2999-01-01T00:00:00.000Z';

export default defineCheck({
  id: ID,
  title: 'Paths leaving the workspace are refused; reconciliation never writes outside it',
  requirements: [REQ],
  needs: ['drift'],
  async run(ctx) {
    const outside = await mkdtemp(join(tmpdir(), 'mplp-conformance-outside-'));
    try {
      await writeFile(join(outside, 'secret.txt'), 'not the runtime’s business\n');
      const { scenario, drift, workspace } = await trackedWorkspace(ctx, ID, { 'sub/inside.txt': 'tracked\n', 'keep.txt': 'keep\n' }, REQ);
      await symlink(join(outside, 'secret.txt'), join(workspace, 'link.txt'));
      const refusals: { what: string; event: FileUpdateEvent }[] = [
        { what: "a path climbing out with '..'", event: { file_path: `../${basename(outside)}/secret.txt`, change_type: 'modified', timestamp: NEWER } },
        { what: 'an absolute path outside the workspace', event: { file_path: join(outside, 'secret.txt'), change_type: 'modified', timestamp: NEWER } },
        { what: 'a symlink in the workspace leading outside', event: { file_path: 'link.txt', change_type: 'modified', timestamp: NEWER } },
      ];
      const violations: Violation[] = [];
      for (const r of refusals) {
        const before = await captureState(scenario.session);
        const answer = await drift.ingest(r.event);
        const change = stateDifference(before, await captureState(scenario.session));
        if (answer.ok || change) {
          violations.push({ requirement: REQ, message: `a file_update event naming ${r.what} was ${answer.ok ? 'accepted' : 'refused but changed the session'}`, expected: { ok: false, unchanged: true }, seen: { answer, change: change?.summary ?? [] }, ...(change ? { events: change.newEvents } : {}) });
        }
      }
      // The tracked folder becomes a way out: psg-wins must not restore sub/inside.txt through it.
      await rm(join(workspace, 'sub'), { recursive: true, force: true });
      await symlink(outside, join(workspace, 'sub'));
      await drift.reconcile('psg-wins');
      const leaked = (await readdir(outside)).filter((f) => f !== 'secret.txt');
      const secret = (await readFiles(outside))['secret.txt'];
      if (leaked.length > 0 || secret !== 'not the runtime’s business\n') {
        violations.push({ requirement: REQ, message: 'psg-wins wrote through a symlink into a folder outside the workspace', expected: { outside: ['secret.txt'] }, seen: { outside: await readdir(outside), secret } });
      }
      return findings(violations, "'..', absolute and symlinked paths were refused without effect; psg-wins did not write through the symlink");
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  },
});
