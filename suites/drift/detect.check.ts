// L3-DRIFT-003 / L3-DRIFT-004 (+ L3-DRIFT-001): each kind of drift (a tracked file modified,
// a tracked file deleted, a file the PSG does not track) is detected by each detector —
// an active scan, and an L4 file_update event dated after the PSG's record of the file —
// as exactly one entry with the PSG's and the file's hash, announced by a DriftDetected
// event of family impact_analysis.

import { isDeepStrictEqual } from 'node:util';
import type { DriftEntry, DriftReport, FileUpdateEvent } from '../../src/adapter/contract.js';
import type { Check } from '../../src/kit/check.js';
import { datedFileUpdate } from '../../src/kit/flows/workspace-ops.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';
import { accepted, BASE_FILES, comparable, EDIT_OF_KIND, editFiles, expectedEntries, notifications, trackedWorkspace } from './support.js';

type Detector = DriftEntry['detected_by'];

const CHANGE_TYPE: Readonly<Record<DriftEntry['kind'], FileUpdateEvent['change_type']>> = { modified: 'modified', deleted: 'deleted', new: 'created' };
const REQUIREMENT: Readonly<Record<Detector, string>> = { scan: 'L3-DRIFT-003', file_update: 'L3-DRIFT-004' };
const DETECTOR_ID: Readonly<Record<Detector, string>> = { scan: 'scan', file_update: 'file-update' };

function detectionCheck(kind: DriftEntry['kind'], detector: Detector): Check {
  const id = `drift.detect.${DETECTOR_ID[detector]}.${kind}`;
  const requirement = REQUIREMENT[detector];
  return defineCheck({
    id,
    title: `A ${kind === 'new' ? 'new untracked' : kind} file is reported as drift by ${detector === 'scan' ? 'an active scan' : 'a file_update event'}`,
    requirements: [requirement, 'L3-DRIFT-001'],
    needs: ['drift'],
    async run(ctx) {
      const { scenario, drift, workspace, files } = await trackedWorkspace(ctx, id, BASE_FILES, requirement);
      const edits = EDIT_OF_KIND[kind];
      const [path] = Object.keys(edits) as [string];
      const record = (await drift.artifacts()).find((r) => r.path === path);
      await editFiles(workspace, edits);
      const before = (await scenario.session.events()).length;
      const answer = detector === 'scan' ? await drift.scan() : await drift.ingest(datedFileUpdate(path, CHANGE_TYPE[kind], record, 'newer'));
      const report = accepted<DriftReport>(detector === 'scan' ? 'the drift scan' : 'a file_update event for a file of the workspace', answer, requirement);
      const violations: Violation[] = [];
      const expected = expectedEntries(files, edits, detector);
      const seen = comparable(report.entries);
      if (!isDeepStrictEqual(seen, expected)) {
        violations.push({ requirement, message: `after ${kind === 'new' ? 'creating' : kind === 'deleted' ? 'deleting' : 'editing'} ${path}, the drift report differs from that one ${kind} entry`, expected, seen: report.entries });
      }
      const announced = notifications((await scenario.session.events()).slice(before), 'impact_analysis', 'DriftDetected');
      if (announced.length === 0) {
        violations.push({ requirement: 'L3-DRIFT-001', message: 'the detected drift was not announced by a DriftDetected event of family impact_analysis', expected: 'DriftDetected (impact_analysis)', seen: 'none' });
      }
      return findings(violations, `${detector} reported exactly the ${kind} file ${path} with both hashes, and announced it`);
    },
  });
}

const KINDS: DriftEntry['kind'][] = ['modified', 'deleted', 'new'];
const DETECTORS: Detector[] = ['scan', 'file_update'];

export default DETECTORS.flatMap((d) => KINDS.map((k) => detectionCheck(k, d)));
