// Writes a failing case as a standalone golden-flow file: `<dir>/<check-id>.yaml` (plus the
// JSON data files it refers to, next to it). The header says where it came from and how to
// replay it; the flow itself is exactly the case that failed, so `mplp-conformance replay`
// runs the same objects, operations and expectations and fails the same way.

import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document } from 'yaml';
import { caseDataFiles, type GeneratedCase } from './case.js';

export interface CounterexampleOrigin {
  checkId: string;
  property: string;
  seed: number;
  /** fast-check's counterexample path (replays the shrunk value with fc.assert({ seed, path })). */
  path: string;
  shrinks: number;
}

/** Where counterexamples go when the kit names no folder: one folder per seed under the OS temp dir. */
export function defaultCounterexampleDir(seed: number): string {
  return join(tmpdir(), 'mplp-conformance', 'counterexamples', `seed-${seed}`);
}

export function counterexampleYaml(c: GeneratedCase, origin: CounterexampleOrigin): string {
  const doc = new Document(c.spec);
  doc.commentBefore = [
    ` Counterexample of property check ${origin.checkId}: ${origin.property}.`,
    ` Shrunk to ${c.size.steps} step(s) and ${c.size.operations} operation(s) (${origin.shrinks} shrink(s)); fast-check seed ${origin.seed}, path "${origin.path}".`,
    ' Replay: npx mplp-conformance replay <this file> --adapter <your adapter>',
  ].join('\n');
  return doc.toString({ lineWidth: 0 });
}

/** Writes the flow and its data files; returns the flow file's path. */
export async function writeCounterexample(dir: string, c: GeneratedCase, origin: CounterexampleOrigin): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const f of caseDataFiles(c)) await writeFile(join(dir, f.name), `${JSON.stringify(f.value, null, 2)}\n`);
  const file = join(dir, `${origin.checkId}.yaml`);
  await writeFile(file, counterexampleYaml(c, origin));
  return file;
}
