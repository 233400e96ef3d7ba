// `npm run bench`: measures every case in fresh child processes (one timing process, one
// memory process each), prints the tables and writes reports/bench.json.
// Options: --quick (fewer repeats), --only map|cycle|vsl|properties|events, --filter <text in contender name>,
// --max-wait <seconds to wait for an idle machine before each timed run, default 30>.

import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { contendersOf } from './cases/index.js';
import type { Workload } from './cases/spec.js';
import { CONCURRENCY } from './cases/spec.js';
import { DEFAULT_SHAPE } from './dag.js';
import { machineInfo } from './machine.js';
import { benchPlan } from './plan.js';
import { addRatios, type CaseRow } from './rows.js';
import { DISTURBED_SHARE } from './quiet.js';
import { count } from './format.js';
import { measureGroup } from './measure-group.js';
import { stdioBenchLines } from './stdio.js';
import { cycleTable, growthOf, growthTable, mapTable } from './tables.js';
import { checkTargets, cycleAnswersWrong, eventTargets } from './targets.js';
import { eventBench } from './events.js';
import { vslBench } from './vsl.js';
import { propertyBench } from './properties.js';

const METHOD_NOTES = [
  'median ms: median wall time of the timed runs. Each contender runs in its own fresh process, warmed up first; then rounds run every contender once, back to back, a forced GC before each run. µs/step = median ÷ steps. CPU ms: median process CPU time of the same runs (all threads, so parallel GC work counts).',
  'Inputs (DAG, MPLP objects, string ids) are built before timing; building each contender\'s own structures from them is timed.',
  'peak RSS: process.resourceUsage().maxRSS of a second fresh process that runs the case once, cold; it includes Node + tsx (≈75 MiB) and input building. In parentheses: RSS just before the run, after a GC.',
  'heap+ext Δ: V8 used heap + external memory (typed arrays) above the pre-run value; MAP runs sample it every 256 steps, cycle checks (synchronous) only at their end, before any GC.',
  'Before each timed run the runner waits (up to --max-wait seconds) for the CPUs to be 90% idle. othersCpuShare in reports/bench.json is the share of all CPU time other processes took while a contender was timed; above 10% the case is flagged.',
  '× X: median over rounds of this run\'s time ÷ X\'s time in the same round, same graph (below 1 = faster than X).',
];

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    filter: { type: 'string' },
    /** Seconds to wait, before each timed run, for other work on the machine to stop. */
    'max-wait': { type: 'string', default: '30' },
  },
});
const workloads: Workload[] = args.only === undefined ? ['map', 'cycle'] : args.only === 'map' || args.only === 'cycle' ? [args.only] : [];
const machineBefore = machineInfo();
const log = (text: string) => process.stderr.write(text);
const pct = (x: number) => `${Math.round(x * 100)}%`;
const startedAt = new Date().toISOString();

const rows: CaseRow[] = [];
const failures: string[] = [];
for (const planned of benchPlan({ quick: args.quick, workloads })) {
  const contenders = (await contendersOf(planned.spec.workload)).filter((c) => !args.filter || c.name.includes(args.filter));
  if (contenders.length === 0) continue;
  log(`${planned.spec.workload} ${count(planned.spec.size)}${planned.spec.cyclic ? ' cyclic' : ''}: ${planned.warmup} warm-up + ${planned.repeats} timed runs each\n`);
  const group = await measureGroup(planned, contenders, Number(args['max-wait']) * 1000);
  rows.push(...group.rows);
  failures.push(...group.failures);
}
addRatios(rows);

const mapRows = rows.filter((r) => r.workload === 'map');
const cycleRows = rows.filter((r) => r.workload === 'cycle');
const growth = growthOf(mapRows).concat(growthOf(cycleRows));
const events = !args.only || args.only === 'events' ? await eventBench({ quick: args.quick }) : undefined;
const targets = [...checkTargets(rows, growth), ...(events ? eventTargets(events.result) : [])];
const wrong = cycleAnswersWrong(rows);
const machine = machineInfo();

const out: string[] = [];
out.push(`Node ${machine.node}, ${machine.cpus} × ${machine.cpuModel}, ${machine.totalMemMiB} MiB; load avg before ${machineBefore.loadAvg.join(' ')}, after ${machine.loadAvg.join(' ')}`);
const disturbed = rows.filter((r) => (r.othersCpuShare ?? 0) > DISTURBED_SHARE);
if (disturbed.length > 0) {
  out.push(`\n**Warning:** other processes took over ${pct(DISTURBED_SHARE)} of the CPU time while ${disturbed.length} case(s) were timed (worst ${pct(Math.max(...disturbed.map((r) => r.othersCpuShare ?? 0)))}, on ${machine.cpus} CPUs): ${disturbed.map((r) => `${r.contender} ${count(r.size)}${r.cyclic ? ' cyclic' : ''}`).join(', ')}. Their absolute times are inflated; ratios pair runs of the same round, which cancels much but not all of it. See othersCpuShare in reports/bench.json and rerun on a quiet machine for numbers to quote.`);
}
if (mapRows.length) {
  out.push('', `### MAP execution (layered DAG, mean out-degree ${DEFAULT_SHAPE.meanDegree}, concurrency ${CONCURRENCY}, no-op steps)`, '', mapTable(mapRows));
  out.push('', '### MAP growth', '', growthTable(growth.filter((g) => g.unit === 'step')));
}
if (cycleRows.length) {
  out.push('', '### Cycle detection', '', cycleTable(cycleRows));
  out.push('', '### Cycle detection growth', '', growthTable(growth.filter((g) => g.unit === 'edge')));
}
out.push('', '### How to read', '', ...METHOD_NOTES.map((n) => `- ${n}`));
if (events) out.push('', events.text);
if (targets.length) {
  out.push('', '### Targets', '');
  for (const t of targets) out.push(`- ${t.met ? 'met' : 'NOT met'}: ${t.target} — ${t.measured}`);
}
for (const r of wrong) out.push(`- WRONG ANSWER: ${r.contender} on ${r.edges} edges said cycle=${r.cycleFound}, graph cyclic=${r.cyclic}`);
for (const f of failures) out.push(`- FAILED: ${f}`);
if (!args.only) out.push('', ...(await stdioBenchLines()));
const vsl = !args.only || args.only === 'vsl' ? await vslBench({ quick: args.quick }) : undefined;
if (vsl) out.push('', vsl.text);
const properties = !args.only || args.only === 'properties' ? await propertyBench({ quick: args.quick }) : undefined;
if (properties) out.push('', properties.text);
console.log(out.join('\n'));

await mkdir(new URL('../reports/', import.meta.url), { recursive: true });
await writeFile(
  new URL('../reports/bench.json', import.meta.url),
  `${JSON.stringify({ startedAt, finishedAt: new Date().toISOString(), machine: { ...machine, loadAvgBefore: machineBefore.loadAvg }, shape: DEFAULT_SHAPE, concurrency: CONCURRENCY, args, rows, growth, targets, wrongAnswers: wrong.map((r) => r.contender), failures, vsl: vsl?.rows ?? null, properties: properties?.result ?? null, events: events?.result ?? null }, null, 2)}\n`,
);
if (wrong.length || failures.length) process.exitCode = 1;
