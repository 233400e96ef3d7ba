// The seed §4 single-agent flow on the reference runtime: a Context, a three-step Plan,
// approval through a Confirm, SA execution, and the event timeline it produced.
// Run: npx tsx examples/sa-demo.ts

import { pathToFileURL } from 'node:url';
import { nameToUuidV4 } from '../src/mplp/ids.js';
import type { BusEvent, Context, Plan } from '../src/mplp/types.js';
import { InMemoryVSL, createRuntimeContext, runSingleAgentFlow } from '../src/runtime/index.js';

const id = (name: string) => nameToUuidV4('sa-demo', name);
const meta = { protocol_version: '1.0.0', schema_version: '1.0.0' };

export const demoContext: Context = {
  meta,
  context_id: id('context'),
  root: { domain: 'demo', environment: 'local' },
  title: 'SA demo context',
  status: 'active',
};

export const demoPlan: Plan = {
  meta,
  plan_id: id('plan'),
  context_id: id('context'),
  title: 'Write a summary',
  objective: 'Research, draft and review a summary',
  status: 'draft',
  steps: [
    { step_id: id('research'), description: 'Research the topic', status: 'pending', agent_role: 'researcher', order_index: 0 },
    { step_id: id('draft'), description: 'Draft the summary', status: 'pending', agent_role: 'writer', order_index: 1, dependencies: [id('research')] },
    { step_id: id('review'), description: 'Review the draft', status: 'pending', agent_role: 'reviewer', order_index: 2, dependencies: [id('draft')] },
  ],
};

/** One readable line per event: sequence, family or profile, type, and what changed. */
export function describeEvent(e: BusEvent): string {
  const p = (e.payload ?? {}) as Record<string, unknown>;
  const seq = String(p['seq'] ?? '?').padStart(3);
  if ('event_family' in e) {
    const what =
      e.event_family === 'pipeline_stage' ? `${p['resource_type']} ${String(p['resource_id']).slice(0, 8)} ${p['from_status'] ?? ''} → ${p['to_status'] ?? (p['paused'] ? 'paused' : 'resumed')}`
      : e.event_family === 'graph_update' ? `${e['update_kind']} nodes ${signed(e['node_delta'])} edges ${signed(e['edge_delta'])}`
      : e.event_family === 'runtime_execution' ? `${e['status']} step ${String(p['step_id']).slice(0, 8)}`
      : '';
    return `${seq}  ${e.event_family.padEnd(17)} ${e.event_type.padEnd(24)} ${what}`;
  }
  const profile = 'sa_id' in e ? 'SA' : 'MAP';
  return `${seq}  ${(profile + ' profile').padEnd(17)} ${e.event_type.padEnd(24)} ${p['step_id'] ? `step ${String(p['step_id']).slice(0, 8)}` : ''}`;
}

function signed(n: unknown): string {
  return typeof n === 'number' && n >= 0 ? `+${n}` : String(n);
}

export async function runDemo(print: (line: string) => void = console.log): Promise<boolean> {
  const result = await runSingleAgentFlow({
    flow: { context: demoContext, plan: demoPlan, approver: 'reviewer' },
    runtimeContext: createRuntimeContext(),
    modules: {},
    vsl: new InMemoryVSL(),
  });
  print(`SA flow "${demoPlan.title}": ${result.success ? 'completed' : `failed (${result.error?.message})`}`);
  for (const e of result.events ?? []) print(describeEvent(e));
  return result.success === true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runDemo().then((ok) => process.exit(ok ? 0 : 1));
}
