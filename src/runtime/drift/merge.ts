// Three-way merge of the PSG's version and the file's version of one file against the last
// content both agreed on (node-diff3, line by line). A side equal to the ancestor simply
// yields the other side; text that is not UTF-8 merges only that way.

import { diff3Merge } from 'node-diff3';
import { textOf } from '../artifacts/content.js';
import type { ConflictHunk } from './report.js';

export type MergeOutcome = { clean: true; content: Buffer } | { clean: false; conflicts: ConflictHunk[] };

const lines = (text: string) => text.split('\n');

export function mergeThreeWay(base: Buffer | null, psg: Buffer, file: Buffer): MergeOutcome {
  const ancestor = base ?? Buffer.alloc(0);
  if (psg.equals(file) || psg.equals(ancestor)) return { clean: true, content: file };
  if (file.equals(ancestor)) return { clean: true, content: psg };
  const [o, a, b] = [textOf(ancestor), textOf(psg), textOf(file)];
  if (o === undefined || a === undefined || b === undefined) {
    return { clean: false, conflicts: [{ base: ['<binary content>'], psg: ['<binary content>'], file: ['<binary content>'] }] };
  }
  const merged: string[] = [];
  const conflicts: ConflictHunk[] = [];
  for (const region of diff3Merge(lines(a), lines(o), lines(b))) {
    if (region.ok) merged.push(...region.ok);
    else if (region.conflict) conflicts.push({ base: region.conflict.o, psg: region.conflict.a, file: region.conflict.b });
  }
  return conflicts.length > 0 ? { clean: false, conflicts } : { clean: true, content: Buffer.from(merged.join('\n'), 'utf8') };
}

/** The conflict of a file deleted on disk while the PSG changed it (nothing to merge line by line). */
export function deletionConflict(base: Buffer | null, psg: Buffer): ConflictHunk[] {
  const text = (b: Buffer | null) => (b === null ? [] : lines(textOf(b) ?? '<binary content>'));
  return [{ base: text(base), psg: text(psg), file: [] }];
}
