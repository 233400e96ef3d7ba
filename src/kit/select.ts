// Which checks a run executes and which requirements it grades, from --level, --only,
// --exclude and --shard. A filter names an area (`psg`), a requirement id or id prefix
// (`L3-PSG`, `L3-PSG-001`) or a check id or dotted prefix (`psg.cycle`). Prerequisites of
// selected checks always run, unless excluded: then the checks that need them are left out too.

import type { Catalogue } from './catalogue.js';
import type { Check } from './check.js';
import { shardOf, type ShardInfo, type ShardSpec } from './shard.js';

export type ConformanceLevel = 'core' | 'full';

export interface SelectOptions {
  level: ConformanceLevel;
  only?: readonly string[];
  /** Left out of the run (--exclude), with the same filter forms as `only`. */
  exclude?: readonly string[];
  /** Run one shard of the selection (--shard i/n): src/kit/shard.ts. */
  shard?: ShardSpec;
}

export interface Selection {
  checks: Check[];
  /** Requirement ids this run grades (the report gives each a verdict). */
  requirements: string[];
  /** True when --only narrowed the run: the verdict covers part of the catalogue. */
  partial: boolean;
  /** Filters that matched nothing (a usage error at the CLI). */
  unmatched: string[];
  /** --exclude filters that matched nothing in the selection (a usage error at the CLI). */
  unmatchedExclude?: string[];
  /** Set in a sharded run: what this shard owns (report.json `shard`). */
  shard?: ShardInfo;
}

function matchesId(id: string, filter: string, separator: string): boolean {
  return id === filter || id.startsWith(filter + separator);
}

export function selectChecks(all: readonly Check[], catalogue: Catalogue, options: SelectOptions): Selection {
  let selection = selectIncluded(all, catalogue, options);
  if (options.exclude && options.exclude.length > 0) selection = excluded(selection, catalogue, options.level, options.exclude);
  if (options.shard) selection = shardOf(selection, all, options.shard);
  return selection;
}

/** --exclude: checks matched by id, or whose every graded requirement is excluded, leave the run
 *  with every check that needs one of them (it would end blocked); requirements matched, or left
 *  with no check, leave the verdict's scope. */
function excluded(selection: Selection, catalogue: Catalogue, level: ConformanceLevel, filters: readonly string[]): Selection {
  const inLevel = (requirementId: string) => level === 'full' || catalogue.byId.get(requirementId)?.core === true;
  const requirementHit = (id: string, f: string) => catalogue.byId.get(id)?.area === f || matchesId(id, f, '-');
  const dropRequirement = (id: string) => filters.some((f) => requirementHit(id, f));
  const dropCheck = (c: Check) => filters.some((f) => matchesId(c.id, f, '.')) || c.requirements.filter(inLevel).every(dropRequirement);
  const unmatchedExclude = filters.filter((f) => !selection.requirements.some((r) => requirementHit(r, f)) && !selection.checks.some((c) => matchesId(c.id, f, '.')));
  const out = new Set(selection.checks.filter(dropCheck).map((c) => c.id));
  // Dependents of a left-out check go too (transitively).
  for (let grew = true; grew; ) {
    grew = false;
    for (const c of selection.checks) {
      if (!out.has(c.id) && (c.after ?? []).some((a) => out.has(a))) {
        out.add(c.id);
        grew = true;
      }
    }
  }
  const checks = selection.checks.filter((c) => !out.has(c.id));
  const gradedBefore = new Set(selection.checks.flatMap((c) => c.requirements));
  const gradedAfter = new Set(checks.flatMap((c) => c.requirements));
  const requirements = selection.requirements.filter((id) => !dropRequirement(id) && !(gradedBefore.has(id) && !gradedAfter.has(id)));
  return { ...selection, checks, requirements, partial: true, unmatchedExclude };
}

function selectIncluded(all: readonly Check[], catalogue: Catalogue, options: SelectOptions): Selection {
  const inLevel = (requirementId: string) => options.level === 'full' || catalogue.byId.get(requirementId)?.core === true;
  const levelRequirements = catalogue.requirements.filter((r) => inLevel(r.id));
  const levelChecks = all.filter((c) => c.requirements.some(inLevel));
  const filters = options.only ?? [];

  if (filters.length === 0) {
    return { checks: withPrerequisites(levelChecks, all), requirements: levelRequirements.map((r) => r.id), partial: false, unmatched: [] };
  }

  const requirementHit = (id: string, f: string) => catalogue.byId.get(id)?.area === f || matchesId(id, f, '-');
  const checkHit = (c: Check, f: string) => matchesId(c.id, f, '.') || c.requirements.some((r) => requirementHit(r, f));
  const unmatched = filters.filter((f) => !levelRequirements.some((r) => requirementHit(r.id, f)) && !levelChecks.some((c) => checkHit(c, f)));
  const chosen = levelChecks.filter((c) => filters.some((f) => checkHit(c, f)));
  const requirements = new Set(levelRequirements.filter((r) => filters.some((f) => requirementHit(r.id, f))).map((r) => r.id));
  for (const c of chosen) {
    if (filters.some((f) => matchesId(c.id, f, '.'))) for (const r of c.requirements) if (inLevel(r)) requirements.add(r);
  }
  const ordered = levelRequirements.map((r) => r.id).filter((id) => requirements.has(id));
  return { checks: withPrerequisites(chosen, all), requirements: ordered, partial: true, unmatched };
}

/** Adds every prerequisite (transitively) and keeps the catalogue order of `all`. */
export function withPrerequisites(chosen: readonly Check[], all: readonly Check[]): Check[] {
  const byId = new Map(all.map((c) => [c.id, c]));
  const keep = new Set<string>();
  const visit = (c: Check) => {
    if (keep.has(c.id)) return;
    keep.add(c.id);
    for (const id of c.after ?? []) {
      const pre = byId.get(id);
      if (pre) visit(pre);
    }
  };
  chosen.forEach(visit);
  return all.filter((c) => keep.has(c.id));
}
