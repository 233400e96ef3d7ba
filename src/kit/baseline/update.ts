// --update-baseline: the baseline rewritten to match a run. Stale entries go, reasons of the
// entries that stay are kept, and every new failure is added under its requirement id with a
// TODO reason for a person to fill in. Entries are sorted by id so diffs stay small.

import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { BaselineJudgement } from './judge.js';
import type { Baseline, BaselineEntry } from './load.js';

export const TODO_REASON = 'TODO: say why this failure is accepted (or fix it)';

const HEADER = [
  '# mplp-conformance CI baseline (format: schemas/baseline.schema.json, see docs/ci.md).',
  '# Known failures CI accepts for now. It changes only the CI exit code: the conformance',
  '# report still lists every failure. Keys are requirement ids or check ids.',
  '',
].join('\n');

export interface BaselineUpdate {
  baseline: Baseline;
  added: string[];
  removed: string[];
}

export function updateBaseline(baseline: Baseline, judgement: BaselineJudgement): BaselineUpdate {
  const removed = judgement.stale.map((s) => s.id);
  const kept = baseline.entries.filter((e) => !removed.includes(e.id));
  const added = judgement.new_failures.map((f) => f.requirement).filter((id) => !kept.some((e) => e.id === id));
  const entries: BaselineEntry[] = [...kept, ...added.map((id): BaselineEntry => ({ id, kind: 'requirement', reason: TODO_REASON }))];
  entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { baseline: { file: baseline.file, entries }, added, removed };
}

export function renderBaseline(baseline: Baseline): string {
  const entries = Object.fromEntries(
    baseline.entries.map((e) => [
      e.id,
      {
        reason: e.reason,
        ...(e.issue === undefined ? {} : { issue: e.issue }),
        ...(e.expires === undefined ? {} : { expires: e.expires }),
        ...(e.intermittent === undefined ? {} : { intermittent: e.intermittent }),
      },
    ]),
  );
  return HEADER + stringify({ version: 1, entries }, { lineWidth: 0 });
}

export async function writeBaseline(baseline: Baseline): Promise<void> {
  await writeFile(baseline.file, renderBaseline(baseline));
}
