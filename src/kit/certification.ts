// Certification or development run (issue 17). A run certifies a conformance level only when
// it graded the kit as shipped — the catalogue, the suites and the golden flows unmodified (their
// digest equals the one recorded in suites/kit-digest.json) — with nothing left out or added
// (no --only, no extra flows) and every requirement of the level graded by at least one check.
// Anything else is a development run: useful, reported in full, but it claims no level and
// never exits 0. Sonobuoy's certified-conformance mode is the model.

import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** The file in the suites folder that records the shipped digest (excluded from the digest). */
export const DIGEST_MANIFEST = 'kit-digest.json';

export interface KitSources {
  catalogue: string;
  suites: string;
  flows: string;
}

export interface KitDigest {
  /** sha256 over every file of the catalogue, the suites and the flows (relative path + content). */
  digest: string;
  files: number;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile() && entry.name !== DIGEST_MANIFEST) out.push(path);
  }
  return out;
}

/** The digest of what a run grades with: stable across machines (paths relative, sorted, '/'). */
export async function kitDigest(sources: KitSources): Promise<KitDigest> {
  const hash = createHash('sha256');
  const parts: [string, string][] = [['catalogue', sources.catalogue], ...(await walk(sources.suites)).map((f): [string, string] => [`suites/${relative(sources.suites, f)}`, f]), ...(await walk(sources.flows)).map((f): [string, string] => [`flows/${relative(sources.flows, f)}`, f])];
  parts.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, file] of parts) {
    hash.update(name.split(sep).join('/')).update('\0').update(await readFile(file)).update('\0');
  }
  return { digest: hash.digest('hex'), files: parts.length };
}

/** The digest recorded for the shipped kit, or undefined when the manifest is missing or unreadable. */
export async function shippedDigest(suitesDir: string): Promise<KitDigest | undefined> {
  try {
    const value = JSON.parse(await readFile(join(suitesDir, DIGEST_MANIFEST), 'utf8')) as Partial<KitDigest>;
    return typeof value.digest === 'string' && typeof value.files === 'number' ? { digest: value.digest, files: value.files } : undefined;
  } catch {
    return undefined;
  }
}

export interface Certification {
  /** True: the run may claim the level it judged. */
  certified: boolean;
  kit_digest: string;
  /** The digest recorded for the shipped kit (null: no manifest found). */
  shipped_digest: string | null;
  /** Why this is a development run (empty when certified). */
  reasons: string[];
}

export interface CertificationInput {
  digest: KitDigest;
  shipped: KitDigest | undefined;
  /** The run used the kit's own catalogue, suites and flows folders. */
  defaultSources: boolean;
  /** Narrowing or widening of the run: --only and --exclude values, a shard, extra flow folders. */
  only: readonly string[];
  exclude?: readonly string[];
  /** `i/n` of a sharded run: one shard certifies nothing; the merged report may. */
  shard?: string;
  addedFlows: readonly string[];
  /** Upstream fixture folders run besides the shipped flows (--upstream). */
  upstream?: readonly string[];
  /** Requirements of the judged level no check graded (untested, skipped, inconclusive). */
  ungraded: readonly string[];
  /** Reasons carried over from the runs a report was merged from (their shard notes left out). */
  carried?: readonly string[];
}

export function certificationOf(input: CertificationInput): Certification {
  const reasons: string[] = [...(input.carried ?? [])];
  if (!input.defaultSources) reasons.push('the catalogue, suites or flows were replaced (--catalogue/--suites/--flows)');
  if (!input.shipped) reasons.push(`no shipped digest (${DIGEST_MANIFEST}) to compare the kit with`);
  else if (input.shipped.digest !== input.digest.digest) reasons.push(`the kit's catalogue, suites or flows differ from the shipped ones (digest ${input.digest.digest.slice(0, 12)} ≠ ${input.shipped.digest.slice(0, 12)})`);
  if (input.only.length > 0) reasons.push(`--only ${input.only.join(',')} narrowed the run`);
  if ((input.exclude ?? []).length > 0) reasons.push(`--exclude ${input.exclude!.join(',')} left checks out`);
  if (input.shard !== undefined) reasons.push(`shard ${input.shard} of a sharded run (merge the shards: mplp-conformance merge)`);
  if (input.addedFlows.length > 0) reasons.push(`--add-flows ${input.addedFlows.join(',')} added flows of its own`);
  if ((input.upstream ?? []).length > 0) reasons.push(`--upstream ${input.upstream!.join(',')} added upstream fixtures`);
  if (input.ungraded.length > 0) reasons.push(`${input.ungraded.length} requirement(s) of the level were not graded by any check: ${input.ungraded.join(', ')}`);
  return { certified: reasons.length === 0, kit_digest: input.digest.digest, shipped_digest: input.shipped?.digest ?? null, reasons };
}

/** Whether a reason is about one shard, or about the level's grading (both decided anew when shards merge). */
export function isShardOrGradingReason(reason: string): boolean {
  return reason.startsWith('shard ') || reason.includes('were not graded by any check');
}

/** The certification input of a report merged from shards: the shards' kit and their reasons. */
export function mergedCertificationInput(shards: readonly { certification?: Certification | undefined }[]): Omit<CertificationInput, 'ungraded'> | undefined {
  const first = shards[0]?.certification;
  if (!first) return undefined;
  const digests = new Set(shards.map((s) => s.certification?.kit_digest));
  const carried = [...new Set(shards.flatMap((s) => s.certification?.reasons ?? []).filter((r) => !isShardOrGradingReason(r)))];
  if (digests.size > 1) carried.push(`the shards ran with different kits (digests ${[...digests].map((d) => String(d).slice(0, 12)).join(', ')})`);
  return {
    digest: { digest: first.kit_digest, files: 0 },
    shipped: first.shipped_digest === null ? undefined : { digest: first.shipped_digest, files: 0 },
    defaultSources: true,
    only: [],
    addedFlows: [],
    carried: first.shipped_digest === null ? carried.filter((r) => !r.startsWith('no shipped digest')) : carried,
  };
}

/** The one line every renderer prints for a development run. */
export function developmentText(c: Certification): string {
  return `DEVELOPMENT RUN — no conformance level claimed: ${c.reasons.join('; ')}`;
}
