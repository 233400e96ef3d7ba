// One MAP run through the reference runtime, end to end: construct, load (schema
// validation + PSG integrity and cycle checks), run with profile 'map', count bus events.

import { seededIds } from '../src/mplp/ids.js';
import type { Collab, Context, Plan } from '../src/mplp/types.js';
import { L3Runtime, type RunOutcome } from '../src/runtime/index.js';
import { asParsedJson } from './inputs.js';
import type { Noop } from './noop.js';

/** An active Collab on the plan's context makes the MAP profile emit its session and turn events. */
export function benchCollab(context: Context, participants: number): Collab {
  const ids = seededIds(`bench-collab-${context.context_id}`);
  return asParsedJson({
    meta: context.meta,
    collab_id: ids.next(),
    context_id: context.context_id,
    title: 'Bench agents',
    purpose: 'Run no-op steps',
    mode: 'orchestrated',
    status: 'active',
    participants: Array.from({ length: participants }, (_, i) => ({ participant_id: ids.next(), kind: 'agent' as const, display_name: `agent-${i}` })),
    created_at: '2025-01-01T00:00:00.000Z',
  });
}

export interface MapRun {
  outcome: RunOutcome;
  events: number;
}

export async function runtimeMap(bundle: { context: Context; plan: Plan; collab: Collab }, noop: Noop, concurrency: number): Promise<MapRun> {
  const rt = new L3Runtime({ ael: { execute: noop }, maxConcurrency: concurrency });
  await rt.load({ contexts: [bundle.context], plans: [bundle.plan], collabs: [bundle.collab] });
  const outcome = await rt.run(bundle.plan.plan_id, { profile: 'map' });
  // Counted, not read: reading every event back is measured on its own (bench/events.ts).
  return { outcome, events: rt.bus.size };
}

/** A benchmark of a run that did not finish would measure the wrong thing. */
export function verifyMapRun(run: MapRun, steps: number): void {
  const completed = Object.values(run.outcome.step_statuses).filter((s) => s === 'completed').length;
  if (run.outcome.plan_status !== 'completed' || completed !== steps) {
    throw new Error(`runtime run ended ${run.outcome.plan_status} with ${completed}/${steps} steps completed`);
  }
}
