// The CI baseline as a run uses it: open (strictly validated against this kit's catalogue
// and checks), judge each report, and with --update-baseline rewrite the file to match.

import { kitPackage } from '../../package-files.js';
import type { Catalogue } from '../catalogue.js';
import type { Check } from '../check.js';
import type { Report } from '../report/build.js';
import { judgeBaseline, type BaselineJudgement } from './judge.js';
import { loadBaseline, todayUtc, type Baseline } from './load.js';
import { updateBaseline, writeBaseline } from './update.js';

export { BaselineError, DEFAULT_BASELINE_FILE, loadBaseline, parseBaseline, type Baseline, type BaselineContext, type BaselineEntry } from './load.js';
export { judgeBaseline, type BaselineJudgement, type CiVerdict } from './judge.js';
export { renderBaseline, TODO_REASON, updateBaseline } from './update.js';
export { renderJudgement } from './render.js';

const KIT_VERSION = kitPackage().version;

export interface BaselineSettings {
  allowStale: boolean;
  /** --update-baseline: rewrite the file to match each run. */
  update: boolean;
}

/** Reads the baseline; with `update`, a file that does not exist yet is an empty baseline. Throws BaselineError. */
export function openBaseline(file: string, catalogue: Catalogue, checks: readonly Check[], update: boolean, today = todayUtc()): Promise<Baseline> {
  const context = { requirementIds: new Set(catalogue.byId.keys()), checkIds: new Set(checks.map((c) => c.id)), today, kitVersion: KIT_VERSION };
  return loadBaseline(file, context, update);
}

/** Judges one report; with `update`, rewrites the file first and judges against the new one. */
export async function settleBaseline(report: Report, baseline: Baseline, settings: BaselineSettings): Promise<{ judgement: BaselineJudgement; baseline: Baseline }> {
  const judgement = judgeBaseline(report, baseline, settings.allowStale);
  if (!settings.update) return { judgement, baseline };
  const next = updateBaseline(baseline, judgement);
  await writeBaseline(next.baseline);
  return { judgement: { ...judgeBaseline(report, next.baseline, settings.allowStale), updated: { added: next.added, removed: next.removed } }, baseline: next.baseline };
}
