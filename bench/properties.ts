// Property machinery throughput (issue 5): generated cases per second through the in-process
// reference adapter — generation, a fresh session, the golden-flow run and its grading, exactly
// what a property check does per case — and the cost of shrinking a planted failure.
// Runs in this process after a warm-up pass. Standalone: `npx tsx bench/properties.ts [--quick]`.

import { pathToFileURL } from 'node:url';
import { measurePropertyThroughput, type ThroughputResult } from '../src/generate/throughput.js';
import { fixed, markdownTable, rate, sig } from './format.js';

/** Issue 5's target for small generated cases. */
export const CASES_PER_SECOND_TARGET = 1_000;

export interface PropertyBench {
  result: ThroughputResult;
  text: string;
}

export async function propertyBench(options: { quick: boolean }): Promise<PropertyBench> {
  // The warm-up lets V8 optimise the kit's and the runtime's paths before anything is timed.
  await measurePropertyThroughput({ cases: options.quick ? 100 : 400, shrinkRuns: 0 });
  const result = await measurePropertyThroughput({ cases: options.quick ? 300 : 2_000, shrinkRuns: options.quick ? 2 : 5 });
  const rows = result.rates.map((r) => [r.property, String(r.cases), fixed(r.meanSteps, 2), fixed(r.seconds, 2), rate(r.casesPerSecond), r.casesPerSecond >= CASES_PER_SECOND_TARGET ? 'met' : 'NOT met']);
  const lines = [
    `### Property cases through the in-process reference adapter (plans of at most 4 steps, MAP, seed 1)`,
    '',
    markdownTable(['property', 'cases', 'mean steps', 's', 'cases/s', `≥ ${rate(CASES_PER_SECOND_TARGET)}/s`], rows),
  ];
  const s = result.shrink;
  if (s) {
    lines.push(
      '',
      `Shrinking (execution property, plans up to 8 steps, planted failure at 3+ steps): ${s.runs} run(s), ${s.shrinks} shrink steps, ${s.attempts} candidates tried; ${sig(s.msPerShrink)} ms per successful shrink step, ${sig(s.msPerAttempt)} ms per candidate; shrunk sizes ${s.shrunkSteps.join(', ')} step(s).`,
    );
  }
  return { result, text: lines.join('\n') };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log((await propertyBench({ quick: process.argv.includes('--quick') })).text);
}
