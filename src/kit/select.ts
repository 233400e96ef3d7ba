// Which checks a run executes and which requirements it grades, from --level and --only.
// A filter names an area (`psg`), a requirement id or id prefix (`L3-PSG`, `L3-PSG-001`) or
// a check id or dotted prefix (`psg.cycle`). Prerequisites of selected checks always run.

import type { Catalogue } from './catalogue.js';
import type { Check } from './check.js';

export type ConformanceLevel = 'core' | 'full';

export interface SelectOptions {
  level: ConformanceLevel;
  only?: readonly string[];
}

export interface Selection {
  checks: Check[];
  /** Requirement ids this run grades (the report gives each a verdict). */
  requirements: string[];
  /** True when --only narrowed the run: the verdict covers part of the catalogue. */
  partial: boolean;
  /** Filters that matched nothing (a usage error at the CLI). */
  unmatched: string[];
}

function matchesId(id: string, filter: string, separator: string): boolean {
  return id === filter || id.startsWith(filter + separator);
}

export function selectChecks(all: readonly Check[], catalogue: Catalogue, options: SelectOptions): Selection {
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
function withPrerequisites(chosen: readonly Check[], all: readonly Check[]): Check[] {
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
