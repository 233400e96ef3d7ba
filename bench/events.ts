// The event history and the kit's side of a large run (issue 19), measured in a fresh child
// process so its heap is its own:
// - memory per retained event: the runtime's heap after a MAP run that keeps every event,
//   minus the same run with `events: { retain: false }` (same PSG and VSL), per event; and the
//   event log's own columns per event;
// - reading every event back: events() at once, the stream, and a cursor a page at a time;
// - the kit's grading cost for a 10k-step run through the reference adapter: what checks read
//   through the guarded session (events by cursor, the PSG, the plan and its trace) and the
//   envelope check of every event, against the same run without a cursor.
// Standalone: `npx tsx bench/events.ts [--quick]`.

import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Session } from '../src/adapter/contract.js';
import { referenceAdapter } from '../src/adapters/reference.js';
import { guardSession, type OperationGuard } from '../src/kit/session-guard.js';
import type { BusEvent } from '../src/mplp/types.js';
import { validate } from '../src/mplp/validate.js';
import { L3Runtime } from '../src/runtime/index.js';
import { CONCURRENCY } from './cases/spec.js';
import { DEFAULT_SHAPE, layeredDag } from './dag.js';
import { fixed, markdownTable, sig } from './format.js';
import { toMplp, toStringDag } from './inputs.js';
import { benchCollab } from './runtime-map.js';

export interface EventBenchResult {
  steps: number;
  events: number;
  retainedBytesPerEvent: number;
  columnBytesPerEvent: number;
  heapBytesPerStep: number;
  readNsPerEvent: { all: number; stream: number; pages: number };
  grading: GradingResult;
}

export interface GradingResult {
  steps: number;
  events: number;
  runMs: number;
  /** Reads through the guarded session, with the cursor: first read, a second read, graph, plan, trace. */
  cursor: { firstReadMs: number; againMs: number; graphMs: number; objectsMs: number };
  /** The same reads when the adapter is read without a cursor (the whole list each time). */
  whole: { firstReadMs: number; againMs: number };
  validateMs: number;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const heap = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

function mapBundle(steps: number) {
  const dag = layeredDag({ ...DEFAULT_SHAPE, nodes: steps });
  const { context, plan } = toMplp(toStringDag(dag, DEFAULT_SHAPE.seed), DEFAULT_SHAPE.seed);
  return { context, plan, collab: benchCollab(context, CONCURRENCY) };
}

async function runMap(bundle: ReturnType<typeof mapBundle>, retain: boolean): Promise<L3Runtime> {
  const rt = new L3Runtime({ ael: { execute: async () => undefined }, maxConcurrency: CONCURRENCY, events: { retain } });
  await rt.load({ contexts: [bundle.context], plans: [bundle.plan], collabs: [bundle.collab] });
  await rt.run(bundle.plan.plan_id, { profile: 'map' });
  return rt;
}

const msOf = async (fn: () => unknown) => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};

async function historyMeasures(steps: number): Promise<Omit<EventBenchResult, 'grading'>> {
  const bundle = mapBundle(steps);
  await runMap(mapBundle(1_000), true); // warm-up
  const before = heap();
  let kept: L3Runtime | undefined = await runMap(bundle, true);
  const withEvents = heap() - before;
  const events = kept.bus.size;
  const columnBytes = kept.bus.log.columnBytes;
  // Reading back, three ways; each read is dropped before the next.
  const all = await msOf(() => kept!.events().length);
  const stream = await msOf(() => {
    let n = 0;
    for (const _ of kept!.eventStream()) n++;
    return n;
  });
  const pages = await msOf(() => {
    for (let after = 0; ; ) {
      const page = kept!.events({ after, limit: 10_000 });
      if (page.length < 10_000) return;
      after = (page.at(-1)!.payload as { seq: number }).seq;
    }
  });
  kept = undefined;
  const base = heap();
  const bare = await runMap(bundle, false);
  const withoutEvents = heap() - base;
  void bare.bus.size;
  return {
    steps,
    events,
    retainedBytesPerEvent: (withEvents - withoutEvents) / events,
    columnBytesPerEvent: columnBytes / events,
    heapBytesPerStep: withEvents / steps,
    readNsPerEvent: { all: (all * 1e6) / events, stream: (stream * 1e6) / events, pages: (pages * 1e6) / events },
  };
}

/** A 10k-step MAP run through the reference adapter as the kit drives it, then the kit's reads and envelope check. */
export async function gradingMeasures(steps: number): Promise<GradingResult> {
  const bundle = mapBundle(steps);
  const guard = (): OperationGuard => ({ timeoutMs: 600_000, signal: new AbortController().signal, faults: [] });
  const open = () => referenceAdapter.createSession({ ael: { execute: async () => ({}) }, workspace: '.', seed: 1, maxConcurrency: CONCURRENCY });
  const drive = async (session: Session) => {
    await session.load({ contexts: [bundle.context], plans: [bundle.plan], collabs: [bundle.collab] });
    return msOf(() => session.run(bundle.plan.plan_id, { profile: 'map' }));
  };
  // Warm-up of every path measured below.
  {
    const raw = await open();
    const s = guardSession(raw, guard(), { eventCursor: true });
    await drive(s);
    (await s.events()).forEach((e) => validate('event', e));
    await raw.close();
  }
  const raw = await open();
  const session = guardSession(raw, guard(), { eventCursor: true });
  const runMs = await drive(session);
  let events: BusEvent[] = [];
  const firstReadMs = await msOf(async () => (events = await session.events()));
  const againMs = await msOf(() => session.events());
  const graphMs = await msOf(() => session.graph());
  const objectsMs = await msOf(async () => {
    const plan = await session.get({ type: 'plan', id: bundle.plan.plan_id });
    const trace = (await session.graph()).nodes.find((n) => n.type === 'trace')!;
    return [plan, await session.get({ type: 'trace', id: trace.id })];
  });
  const validateMs = await msOf(() => events.forEach((e) => validate('event', e)));
  const whole = guardSession(raw, guard());
  const wholeFirst = await msOf(() => whole.events());
  const wholeAgain = await msOf(() => whole.events());
  await raw.close();
  return { steps, events: events.length, runMs, cursor: { firstReadMs, againMs, graphMs, objectsMs }, whole: { firstReadMs: wholeFirst, againMs: wholeAgain }, validateMs };
}

async function child(quick: boolean): Promise<EventBenchResult> {
  const history = await historyMeasures(quick ? 20_000 : 100_000);
  const grading = await gradingMeasures(10_000);
  return { ...history, grading };
}

/** Runs the measures in a fresh process (so the heap is theirs alone) and formats them. */
export async function eventBench(options: { quick: boolean }): Promise<{ result: EventBenchResult; text: string }> {
  const script = fileURLToPath(import.meta.url);
  const result = await new Promise<EventBenchResult>((resolve, reject) => {
    const p = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, '--child', ...(options.quick ? ['--quick'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as EventBenchResult) : reject(new Error(`events bench exited with ${code}`))));
  });
  return { result, text: eventTables(result) };
}

export function eventTables(r: EventBenchResult): string {
  const g = r.grading;
  return [
    `### Event history (MAP run of ${r.steps.toLocaleString('en')} steps, ${r.events.toLocaleString('en')} events, all retained)`,
    '',
    markdownTable(
      ['measure', 'value', 'target'],
      [
        ['heap retained per event (run keeping events − same run with retain: false)', `${fixed(r.retainedBytesPerEvent, 0)} B`, '≤ 200 B'],
        ['event log columns per event', `${fixed(r.columnBytesPerEvent, 0)} B`, ''],
        ['whole runtime heap per step after the run (PSG, VSL, trace, events)', `${fixed(r.heapBytesPerStep, 0)} B`, ''],
        ['reading every event back: events()', `${sig(r.readNsPerEvent.all)} ns/event`, '≤ 1,000 ns'],
        ['reading every event back: eventStream()', `${sig(r.readNsPerEvent.stream)} ns/event`, ''],
        ['reading every event back: events({ after, limit: 10k }) page by page', `${sig(r.readNsPerEvent.pages)} ns/event`, ''],
      ],
    ),
    '',
    `### The kit's grading cost: ${g.steps.toLocaleString('en')}-step MAP run through the reference adapter and the kit's guarded session (${g.events.toLocaleString('en')} events)`,
    '',
    markdownTable(
      ['what', 'by cursor', 'whole list (no cursor)'],
      [
        ['the run itself', `${sig(g.runMs)} ms`, ''],
        ['events(): first read', `${sig(g.cursor.firstReadMs)} ms`, `${sig(g.whole.firstReadMs)} ms`],
        ['events(): read again (nothing new)', `${sig(g.cursor.againMs)} ms`, `${sig(g.whole.againMs)} ms`],
        ['graph()', `${sig(g.cursor.graphMs)} ms`, ''],
        ['get() of the plan and its trace', `${sig(g.cursor.objectsMs)} ms`, ''],
        ['envelope check of every event (L3-EVT-006)', `${sig(g.validateMs)} ms`, ''],
      ],
    ),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  if (process.argv.includes('--child')) process.stdout.write(`${JSON.stringify(await child(quick))}\n`);
  else console.log((await eventBench({ quick })).text);
}
