// A suite check whose scenario is a golden flow built in code (too large, or shaped by the
// session's limit, to write by hand). It runs once per profile the adapter claims (of those
// the check names), each leg a flow built for that profile, through the flows module exactly
// as a flow file runs: every expectation graded by the same graders and charged to the
// requirements it is about (src/kit/flows/charges.ts). A requirement's outcome is its worst
// over the legs; the message names the profile that broke it (as `profiles:` flows do).

import { fileURLToPath } from 'node:url';
import type { Profile } from '../../src/adapter/contract.js';
import type { Check, CheckContext, CheckResult, Need, Outcome } from '../../src/kit/check.js';
import { runFlow } from '../../src/kit/flows/check.js';
import { expandFlow } from '../../src/kit/flows/expand.js';
import type { FlowSpec } from '../../src/kit/flows/spec.js';

export interface GeneratedFlowCheck {
  id: string;
  title: string;
  requirements: string[];
  needs?: Need[];
  /** Profiles to run under (each one the adapter claims). */
  profiles: readonly Profile[];
  /** The check's source file (import.meta.url): what reports name as the flow's file. */
  source: string;
  /** The flow of one leg, built for the session's settings; every `run` takes `profile`. */
  flow(ctx: CheckContext, profile: Profile): Omit<FlowSpec, 'id' | 'title' | 'requirements' | 'profiles'>;
}

const NAMES = { sa: 'SA', map: 'MAP' } as const;
const LEG_ORDER: readonly Outcome[] = ['fail', 'error', 'blocked', 'inconclusive', 'pass', 'skipped'];

/** A Check that builds its flow per claimed profile and runs it like a flow file. */
export function generatedFlowCheck(def: GeneratedFlowCheck): Check {
  const flowId = def.id.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return {
    id: def.id,
    title: def.title,
    requirements: [...def.requirements],
    ...(def.needs ? { needs: [...def.needs] } : {}),
    async run(ctx) {
      const claimed = def.profiles.filter((p) => ctx.adapter.capabilities.profiles.includes(p));
      if (claimed.length === 0) return { outcome: 'skipped', message: `runs under ${def.profiles.map((p) => NAMES[p]).join(' or ')}; the adapter claims none of them` };
      const legs: { profile: Profile; result: CheckResult }[] = [];
      for (const profile of claimed) {
        const body = def.flow(ctx, profile);
        const operations = body.operations.map((op) => (op.run !== undefined ? { ...op, run: { ...(op.run ?? {}), profile } } : op));
        const spec: FlowSpec = { id: `${flowId}-${profile}`, title: `${def.title} (${NAMES[profile]})`, requirements: [...def.requirements], ...body, operations };
        legs.push({ profile, result: await runFlow({ file: fileURLToPath(def.source), spec, expanded: expandFlow(spec) }, ctx) });
      }
      const rank = (o: Outcome) => LEG_ORDER.indexOf(o);
      const worst = [...legs].sort((a, b) => rank(a.result.outcome) - rank(b.result.outcome))[0]!;
      const byRequirement: Record<string, Outcome> = {};
      for (const id of def.requirements) byRequirement[id] = legs.map((l) => l.result.byRequirement?.[id] ?? l.result.outcome).sort((a, b) => rank(a) - rank(b))[0]!;
      const names = claimed.map((p) => NAMES[p]).join(' and ');
      const message = worst.result.outcome === 'pass' ? `${worst.result.message} (under ${names})` : `${NAMES[worst.profile]} run: ${worst.result.message}`;
      return { ...worst.result, message, byRequirement, evidence: { ...worst.result.evidence, profile: worst.profile, profiles_run: claimed } };
    },
  };
}
