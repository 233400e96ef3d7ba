// Golden flows: declarative YAML scenarios (schemas/golden-flow.schema.json) turned into
// Checks. See docs/golden-flows.md for the format.

import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import type { Check } from '../check.js';
import { flowCheck } from './check.js';
import { FlowError, type FlowProblem } from './errors.js';
import { loadFlow } from './load.js';
import { importUpstreamFlow } from './upstream.js';

export { FlowError, formatProblem, type FlowProblem } from './errors.js';
export { loadFlow, type LoadedFlow } from './load.js';
export { expandFlow, FLOW_EPOCH, type ExpandedFlow } from './expand.js';
export { runFlow } from './check.js';
export { importUpstream, importUpstreamFlow, isUpstreamFixture, planUpstreamImport, upstreamImportDir, writeImportedFlow, type ImportedFlow, type ImportResult } from './upstream.js';

const FLOW_FILE = /\.ya?ml$/i;

/** Loads one flow file as a Check; throws FlowError naming file and line when malformed. */
export async function loadFlowFile(path: string): Promise<Check> {
  return flowCheck(await loadFlow(path));
}

/** Past counterexamples: loaded before every other flow so known regressions are graded first. */
const REGRESSIONS = 'regressions';

/** Regressions first, then by path. */
function flowOrder(a: string, b: string): number {
  const ra = a.startsWith(`${REGRESSIONS}${sep}`), rb = b.startsWith(`${REGRESSIONS}${sep}`);
  if (ra !== rb) return ra ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Loads every *.yaml / *.yml flow under a folder (recursively, regressions/ first). Upstream
 * golden-flow fixture folders in it (a folder with input/; the folder itself may be one) are
 * imported first (into a temp folder) and run as flows; a fixture that cannot be imported is a
 * problem naming why.
 */
export async function loadFlowDir(dir: string): Promise<{ checks: Check[]; problems: FlowProblem[] }> {
  const folder = resolve(dir);
  let names: string[];
  let fixtures: string[];
  try {
    const entries = await readdir(folder, { withFileTypes: true, recursive: true });
    const dirs = [folder, ...entries.filter((d) => d.isDirectory()).map((d) => join(d.parentPath, d.name))];
    // A folder with input/ is a fixture, unless it is the data folder of an imported flow (<id>/ beside <id>.yaml).
    const flowFiles = new Set(entries.filter((e) => e.isFile() && FLOW_FILE.test(e.name)).map((e) => join(e.parentPath, e.name).replace(FLOW_FILE, '')));
    fixtures = dirs.filter((d) => !flowFiles.has(d) && entries.some((e) => e.isDirectory() && e.name === 'input' && e.parentPath === d)).sort();
    // Upstream's tests/golden also holds invariants/ of global rules (bare lists, not flows).
    const globalRules = fixtures.length > 0 ? join(folder, 'invariants') : undefined;
    const inFixture = (file: string) => fixtures.some((f) => file.startsWith(f + sep)) || (globalRules !== undefined && file.startsWith(globalRules + sep));
    names = entries
      .filter((d) => d.isFile() && FLOW_FILE.test(d.name) && !inFixture(join(d.parentPath, d.name)))
      .map((d) => relative(folder, join(d.parentPath, d.name)))
      .sort(flowOrder);
  } catch (e) {
    return { checks: [], problems: [{ file: folder, message: `cannot read the flow folder: ${(e as Error).message}` }] };
  }
  const checks: Check[] = [];
  const problems: FlowProblem[] = [];
  if (fixtures.length > 0) {
    const out = await mkdtemp(join(tmpdir(), 'mplp-upstream-'));
    for (const fixture of fixtures) {
      try {
        checks.push(await importUpstreamFlow(fixture, { out }));
      } catch (e) {
        if (e instanceof FlowError) problems.push({ ...e.problems[0]!, message: `upstream fixture ${fixture} cannot be imported: ${e.problems[0]!.message}` });
        else throw e;
      }
    }
  }
  const firstFileOf = new Map<string, string>();
  for (const name of names) {
    const file = join(folder, name);
    try {
      const flow = await loadFlow(file);
      const earlier = firstFileOf.get(flow.spec.id);
      if (earlier) problems.push({ file, ...(flow.idLine !== undefined ? { line: flow.idLine } : {}), message: `flow id ${flow.spec.id} is already used by ${earlier}` });
      else {
        firstFileOf.set(flow.spec.id, file);
        checks.push(flowCheck(flow));
      }
    } catch (e) {
      // One problem per file (the first by line): fixing it may clear the rest.
      if (e instanceof FlowError) problems.push(e.problems[0]!);
      else throw e;
    }
  }
  return { checks, problems };
}
