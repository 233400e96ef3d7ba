// Finds every check the kit runs: suites/**/*.check.ts (each default-exports a Check or an
// array of them) and the golden flows in golden-flows/ (top level only, via the flows module:
// subfolders hold data files flows refer to). Problems name the file; the caller decides
// whether they stop the run.

import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { codePath, packagePath } from '../package-files.js';
import { describeThrown, importFile, summarise } from '../adapter/load.js';
import type { Check } from './check.js';
import { loadFlowDir } from './flows/index.js';
import { isNeed } from './needs.js';

/** The check files: suites/*.check.ts in a checkout, dist/suites/*.check.js in the package. */
export const DEFAULT_SUITES_DIR = codePath('suites');
export const DEFAULT_FLOWS_DIR = packagePath('golden-flows');

const CHECK_FILE = /\.check\.(ts|mts|js|mjs)$/;
const CHECK_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const REQUIREMENT_ID = /^L3-[A-Z]+-[0-9]{3}$/;

export interface DiscoveryProblem {
  file: string;
  line?: number;
  message: string;
}

export interface Discovery {
  checks: Check[];
  problems: DiscoveryProblem[];
}

export interface DiscoverOptions {
  suitesDir?: string;
  flowsDir?: string;
  /** Folders of a vendor's own flows, run in addition to the shipped ones (a development run). */
  extraFlowsDirs?: readonly string[];
}

export async function discoverChecks(options: DiscoverOptions = {}): Promise<Discovery> {
  const suitesDir = options.suitesDir ?? DEFAULT_SUITES_DIR;
  const flowsDir = options.flowsDir ?? DEFAULT_FLOWS_DIR;
  const problems: DiscoveryProblem[] = [];
  const checks: Check[] = [];

  for (const file of (await walk(suitesDir)).filter((f) => CHECK_FILE.test(f))) {
    const found = await checksOfFile(file);
    problems.push(...found.problems);
    checks.push(...found.checks);
  }
  for (const dir of [flowsDir, ...(options.extraFlowsDirs ?? [])]) {
    const flows = await loadFlowDir(dir);
    problems.push(...flows.problems);
    checks.push(...flows.checks);
  }

  const firstFile = new Map<string, string>();
  const unique: Check[] = [];
  for (const check of checks) {
    const where = check.origin?.file ?? '(golden flows)';
    const earlier = firstFile.get(check.id);
    if (earlier !== undefined) problems.push({ file: where, message: `check id ${check.id} is already used by ${earlier}` });
    else {
      firstFile.set(check.id, where);
      unique.push(check);
    }
  }
  return { checks: unique, problems };
}

async function checksOfFile(file: string): Promise<Discovery> {
  let ns: Record<string, unknown>;
  try {
    ns = await importFile(file);
  } catch (e) {
    return { checks: [], problems: [{ file, message: `cannot import the check file: ${describeThrown(e)}` }] };
  }
  const exported = ns['default'];
  if (exported === undefined) return { checks: [], problems: [{ file, message: 'has no default export (export default a Check or an array of Checks)' }] };
  const list = Array.isArray(exported) ? exported : [exported];
  const checks: Check[] = [];
  const problems: DiscoveryProblem[] = [];
  list.forEach((value, i) => {
    const label = Array.isArray(exported) ? `default export [${i}]` : 'default export';
    const issues = checkShapeProblems(value);
    if (issues.length > 0) problems.push({ file, message: `${label} is not a valid Check: ${issues.join('; ')}` });
    else checks.push(withOrigin(value as Check, file));
  });
  return { checks, problems };
}

/** A plain copy of a check (which may be a class instance) that records where it came from. */
function withOrigin(c: Check, file: string): Check {
  return {
    id: c.id,
    title: c.title,
    requirements: [...c.requirements],
    ...(c.needs === undefined ? {} : { needs: [...c.needs] }),
    ...(c.after === undefined ? {} : { after: [...c.after] }),
    ...(c.generated === true ? { generated: true } : {}),
    ...(c.splitCases === true ? { splitCases: true } : {}),
    origin: { file, kind: 'suite' },
    run: (ctx) => c.run(ctx),
  };
}

/** Every way `value` falls short of a Check, as readable phrases. */
export function checkShapeProblems(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [`expected an object, got ${summarise(value)}`];
  const c = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof c['id'] !== 'string' || !CHECK_ID.test(c['id'])) problems.push(`"id" must be a dotted id without spaces, got ${summarise(c['id'])}`);
  if (typeof c['title'] !== 'string' || c['title'].trim() === '') problems.push('"title" must be a non-empty string');
  const reqs = c['requirements'];
  if (!Array.isArray(reqs) || reqs.length === 0 || !reqs.every((r) => typeof r === 'string' && REQUIREMENT_ID.test(r))) {
    problems.push(`"requirements" must be a non-empty array of ids like L3-PSG-001, got ${summarise(reqs)}`);
  }
  const needs = c['needs'];
  if (needs !== undefined && (!Array.isArray(needs) || !needs.every(isNeed))) problems.push(`"needs" holds an unknown capability: ${summarise(needs)}`);
  const after = c['after'];
  if (after !== undefined && (!Array.isArray(after) || !after.every((a) => typeof a === 'string'))) problems.push(`"after" must be an array of check ids, got ${summarise(after)}`);
  if (typeof c['run'] !== 'function') problems.push('"run" must be a function (ctx) => Promise<CheckResult>');
  return problems;
}

/** Files under `dir`, recursively, sorted; a missing folder has none. */
async function walk(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort((a, b) => relative(dir, a).localeCompare(relative(dir, b)));
}
