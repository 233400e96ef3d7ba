// Which steps and dependency edges of the plan picture to highlight for a failure.
//   steps: every step a broken `…steps.<name>` / `…transitions.<name>` / `…chains.<name>`
//     expectation is about; when no finding is about one step, the steps the first finding
//     names (selectors such as `s0.failed < s1.blocked`, or an AEL call list);
//   edges: edges between two highlighted steps, and edges into a highlighted step from a
//     dependency that ended failed, blocked or cancelled (the one the rule was about).

import type { PlanDag } from '../../flows/plan-evidence.js';
import type { FlowFinding } from './evidence.js';

export interface Violation {
  steps: Set<string>;
  /** `from→to` by step name. */
  edges: Set<string>;
}

export const edgeKey = (from: string, to: string) => `${from}→${to}`;

const BROKEN = new Set(['failed', 'blocked', 'cancelled']);

/** Strings inside any JSON value, object keys included. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

function stepOfWhere(finding: FlowFinding, names: ReadonlySet<string>): string | undefined {
  const named = /(?:^|\.)(?:steps|transitions|chains)\.([^.\s]+)/.exec(finding.where)?.[1];
  return named !== undefined && names.has(named) ? named : undefined;
}

/** Steps a finding mentions: `<step>.<status>` selectors and "AEL call for a, b" lists. */
function stepsMentioned(finding: FlowFinding, names: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const text of [...strings(finding.expected), ...strings(finding.seen), finding.message]) {
    for (const m of text.matchAll(/([A-Za-z0-9_-]+)\.[a-z_]+/g)) if (names.has(m[1]!)) out.push(m[1]!);
  }
  const listed = /AEL (?:call|was called) for (.+)$/.exec(finding.message)?.[1];
  for (const name of listed?.split(/,\s*/) ?? []) if (names.has(name)) out.push(name);
  return out;
}

export function violationOf(findings: readonly FlowFinding[], dag: PlanDag): Violation {
  const names = new Set(dag.steps.map((s) => s.name));
  const steps = new Set(findings.flatMap((f) => stepOfWhere(f, names) ?? []));
  if (steps.size === 0) {
    const mentioned = findings.map((f) => stepsMentioned(f, names)).find((list) => list.length > 0) ?? [];
    for (const name of mentioned) steps.add(name);
  }
  const statusOf = new Map(dag.steps.map((s) => [s.name, s.status]));
  const edges = new Set<string>();
  for (const s of dag.steps) {
    if (!steps.has(s.name)) continue;
    for (const dep of s.after) {
      const depStatus = statusOf.get(dep);
      if (steps.has(dep) || BROKEN.has(depStatus ?? '')) edges.add(edgeKey(dep, s.name));
    }
  }
  return { steps, edges };
}
