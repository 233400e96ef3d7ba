// Loading what a command needs (catalogue, checks, adapter) and turning each failure into a
// CliError with the right exit code and a message that names the file or spec.

import { readFile } from 'node:fs/promises';
import { kitModule } from '../package-files.js';
import { AdapterLoadError, checkAdapterSpec, describeThrown, loadAdapter } from '../adapter/load.js';
import { redactedVslUrl, referenceAdapterOn, VSL_URL_FORMS } from '../adapters/reference.js';
import { CatalogueError, DEFAULT_CATALOGUE, lintCoverage, loadCatalogue, type Catalogue } from '../kit/catalogue.js';
import { kitDigest, shippedDigest, type CertificationInput } from '../kit/certification.js';
import type { Check } from '../kit/check.js';
import { DEFAULT_FLOWS_DIR, DEFAULT_SUITES_DIR, discoverChecks } from '../kit/discover.js';
import type { RunTarget } from '../kit/runner.js';
import type { FlagSpec } from './command.js';
import { CliError, EXIT, usageError } from './exit-codes.js';

export const REFERENCE_ADAPTER = kitModule('src/adapters/reference');

export interface KitPaths {
  catalogue: string;
  suites: string;
  flows: string;
  /** --add-flows: a vendor's own flow folders, graded besides the shipped flows. */
  addedFlows: string[];
  /** The kit's own catalogue, suites and flows (no --catalogue/--suites/--flows). */
  defaults: boolean;
}

export function kitPaths(values: { catalogue?: string | undefined; suites?: string | undefined; flows?: string | undefined; addFlows?: readonly string[] | undefined }): KitPaths {
  return {
    catalogue: values.catalogue ?? DEFAULT_CATALOGUE,
    suites: values.suites ?? DEFAULT_SUITES_DIR,
    flows: values.flows ?? DEFAULT_FLOWS_DIR,
    addedFlows: [...(values.addFlows ?? [])],
    defaults: values.catalogue === undefined && values.suites === undefined && values.flows === undefined,
  };
}

/** What certification needs to know about the kit a run grades with (src/kit/certification.ts). */
export async function certificationInput(paths: KitPaths, run: { only: readonly string[]; exclude: readonly string[]; shard?: { index: number; count: number } | undefined; upstream: readonly string[] }): Promise<Omit<CertificationInput, 'ungraded'>> {
  const [digest, shipped] = await Promise.all([kitDigest(paths), shippedDigest(paths.suites)]);
  return {
    digest,
    shipped,
    defaultSources: paths.defaults,
    only: run.only,
    exclude: run.exclude,
    ...(run.shard ? { shard: `${run.shard.index}/${run.shard.count}` } : {}),
    addedFlows: paths.addedFlows,
    upstream: run.upstream,
  };
}

export async function loadCatalogueOrFail(file: string): Promise<Catalogue> {
  try {
    return await loadCatalogue(file);
  } catch (e) {
    if (e instanceof CatalogueError) throw usageError(`the requirement catalogue is unusable:\n${e.message}`);
    throw e;
  }
}

/** Every check, after the lint that ties them to the catalogue; any problem is a config error. */
export async function loadChecksOrFail(catalogue: Catalogue, paths: KitPaths, extra: readonly Check[] = []): Promise<Check[]> {
  const discovered = await discoverChecks({ suitesDir: paths.suites, flowsDir: paths.flows, extraFlowsDirs: paths.addedFlows });
  const problems = [...discovered.problems];
  const checks = [...discovered.checks];
  for (const c of extra) {
    const earlier = checks.find((k) => k.id === c.id);
    if (earlier) problems.push({ file: c.origin?.file ?? c.id, message: `check id ${c.id} is already used by ${earlier.origin?.file ?? 'the kit'}` });
    else checks.push(c);
  }
  const lines = problems.map((p) => `${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`);
  for (const u of lintCoverage(catalogue, checks).unknown) {
    const file = checks.find((c) => c.id === u.check)?.origin?.file;
    const line = file === undefined ? undefined : await lineNaming(file, u.requirement);
    const where = file === undefined ? u.check : `${file}${line === undefined ? '' : `:${line}`}`;
    lines.push(`${where}: check ${u.check} names requirement ${u.requirement}, which ${catalogue.file} does not define`);
  }
  if (lines.length > 0) throw usageError(`the kit's checks are misconfigured (${lines.length} problem(s)):\n  ${lines.join('\n  ')}`);
  return checks;
}

/** The first line of a flow or check file that names `id` (the requirement list that holds it). */
async function lineNaming(file: string, id: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const pattern = new RegExp(`(^|[^A-Za-z0-9-])${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9-])`);
  const at = text.split('\n').findIndex((l) => pattern.test(l));
  return at < 0 ? undefined : at + 1;
}

export const VSL_FLAG: FlagSpec = {
  type: 'string',
  value: '<url>',
  description: `VSL backend of the embedded reference runtime: ${VSL_URL_FORMS} (default: MPLP_VSL, else memory). Not with --adapter.`,
};

/** Fails fast on a wrong --adapter (missing file, unknown package, bad manifest) or --vsl with --adapter, before any check is loaded. */
export function checkTargetSpecOrFail(spec: string | undefined, vsl?: string): void {
  if (vsl !== undefined && spec !== undefined) throw usageError('--vsl chooses the VSL backend of the embedded reference runtime; an adapter given with --adapter brings its own VSL');
  if (spec === undefined) return;
  try {
    checkAdapterSpec(spec);
  } catch (e) {
    if (e instanceof AdapterLoadError) throw new CliError(e.message, EXIT.usage);
    throw e;
  }
}

/** The adapter to test: the given spec, or the embedded reference runtime (on the VSL backend of --vsl or MPLP_VSL). */
export async function loadTargetOrFail(spec: string | undefined, timeoutMs: number, vsl?: string): Promise<RunTarget> {
  if (vsl !== undefined && spec !== undefined) throw usageError('--vsl chooses the VSL backend of the embedded reference runtime; an adapter given with --adapter brings its own VSL');
  const vslUrl = vsl ?? (spec === undefined ? process.env['MPLP_VSL'] : undefined);
  if (vslUrl !== undefined && vslUrl !== '') return referenceOnVsl(vslUrl, timeoutMs);
  try {
    const loaded = await loadAdapter(spec ?? REFERENCE_ADAPTER, { timeoutMs });
    return { adapter: loaded.adapter, description: loaded.description, ...(spec === undefined ? {} : { spec }) };
  } catch (e) {
    if (e instanceof AdapterLoadError) throw new CliError(e.message, e.stage === 'runtime' ? EXIT.operational : EXIT.usage);
    throw e;
  }
}

/** The reference runtime on a VSL backend; it connects here, so a wrong URL fails before any check. */
async function referenceOnVsl(url: string, timeoutMs: number): Promise<RunTarget> {
  try {
    const adapter = await referenceAdapterOn(url, { connectTimeoutMs: Math.min(timeoutMs, 10_000) });
    return { adapter, description: await adapter.describe(), vsl: redactedVslUrl(url) };
  } catch (e) {
    throw new CliError(`--vsl/MPLP_VSL: ${e instanceof Error ? e.message : describeThrown(e)}`, e instanceof TypeError ? EXIT.usage : EXIT.operational);
  }
}

/** Lets the adapter release resources; its failure is reported, never fatal. */
export async function disposeTarget(target: RunTarget, timeoutMs: number): Promise<string | undefined> {
  if (typeof target.adapter.dispose !== 'function') return undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(() => target.adapter.dispose!()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not settle within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return undefined;
  } catch (e) {
    return `adapter.dispose() ${describeThrown(e)}`;
  } finally {
    clearTimeout(timer);
  }
}
