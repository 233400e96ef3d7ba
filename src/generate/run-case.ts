// Runs one generated case exactly as a golden-flow file would run (the flows module's
// runFlow), in its own session, which is closed as soon as the case is graded: a property
// opens hundreds of sessions per check.

import type { CheckContext, CheckResult, KitSession } from '../kit/check.js';
import { expandFlow } from '../kit/flows/expand.js';
import { runFlow } from '../kit/flows/index.js';
import type { LoadedFlow } from '../kit/flows/load.js';
import type { GeneratedCase } from './case.js';

/** The flow of a case, as the loader would return it for the written file. */
export function loadedCase(c: GeneratedCase, file = `${c.spec.id}.yaml (generated)`): LoadedFlow {
  return { file, spec: c.spec, expanded: expandFlow(c.spec, c.files) };
}

export async function runCase(c: GeneratedCase, ctx: CheckContext): Promise<CheckResult> {
  const opened: KitSession[] = [];
  const scoped: CheckContext = {
    ...ctx,
    newSession: async (options) => {
      const kit = await ctx.newSession(options);
      opened.push(kit);
      return kit;
    },
  };
  try {
    return await runFlow(loadedCase(c), scoped);
  } finally {
    for (const kit of opened) await kit.session.close().catch(() => undefined);
  }
}
