// The VSL backends, next to in-memory: get/set throughput, and a layered MAP DAG run end to end
// through L3Runtime (load, run, every status change persisted through that VSL). Redis and
// PostgreSQL are started for the run on loopback as in the tests (test/helpers/servers.ts, so
// PostgreSQL runs with fsync off and Redis without persistence: their numbers are the protocol
// and client cost, FileVSL's include two fsyncs per write). A backend that cannot start is
// reported, not measured. Runs in this process; each number is one timed pass after a warm-up.
// Standalone: `npx tsx bench/vsl.ts [--quick]`.

import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { L3Runtime } from '../src/runtime/index.js';
import type { BackendVsl } from '../src/runtime/vsl/backend.js';
import { vslFromUrl } from '../src/runtime/vsl/from-url.js';
import type { ValueStateLayer, VslTx } from '../src/runtime/vsl/types.js';
import { startPostgres, startRedis, type RunningServer } from '../test/helpers/servers.js';
import { CONCURRENCY } from './cases/spec.js';
import { DEFAULT_SHAPE, layeredDag } from './dag.js';
import { fixed, markdownTable, rate } from './format.js';
import { toMplp, toStringDag } from './inputs.js';

export interface VslBenchRow {
  backend: string;
  /** Operations per second. */
  setSerial: number;
  setParallel: number;
  getParallel: number;
  transactionSerial: number;
  dagSteps: number;
  dagMs: number;
  /** VSL writes (set or transaction) the runtime made per step. */
  writesPerStep: number;
  /** 1-minute load average before and after this backend's measurements. */
  loadAvg: [number, number];
  error?: string;
}

export interface VslBenchOptions {
  quick: boolean;
}

/** Requests in flight for the parallel columns. */
const IN_FLIGHT = 16;

const METHOD = [
  `set serial / tx serial: one call at a time (a tx writes 2 keys); set and get parallel: ${IN_FLIGHT} calls in flight; ops/s over the timed pass.`,
  `DAG: a layered DAG (mean out-degree ${DEFAULT_SHAPE.meanDegree}) of no-op steps run with profile map, concurrency ${CONCURRENCY}; wall time of load + run, the VSL opened before.`,
  'Servers on loopback in temporary folders; PostgreSQL with fsync=off, Redis without persistence. FileVSL fsyncs every write (file data + folder) on the disk of the temp folder.',
];

export async function vslBench(options: VslBenchOptions): Promise<{ rows: VslBenchRow[]; text: string }> {
  const ops = options.quick ? 500 : 5000;
  const steps = options.quick ? 1000 : 10_000;
  const folder = await mkdtemp(join(tmpdir(), 'bench-vsl-'));
  const servers: RunningServer[] = [];
  const rows: VslBenchRow[] = [];
  try {
    const backends: [string, () => Promise<string>][] = [
      ['memory', async () => 'memory:'],
      ['file', async () => `file:${join(folder, 'file')}`],
      ['redis', async () => (servers[servers.push(await startRedis()) - 1]!).url],
      ['postgres', async () => (servers[servers.push(await startPostgres()) - 1]!).url],
    ];
    for (const [backend, urlOf] of backends) {
      process.stderr.write(`vsl ${backend} … `);
      const loadBefore = round2(loadavg()[0]!);
      try {
        const row = { ...(await measure(backend, await urlOf(), ops, steps)), loadAvg: [loadBefore, round2(loadavg()[0]!)] as [number, number] };
        process.stderr.write(`${fixed(row.dagMs, 0)} ms for the ${steps}-step DAG\n`);
        rows.push(row);
      } catch (e) {
        process.stderr.write('not measured\n');
        rows.push({ backend, setSerial: NaN, setParallel: NaN, getParallel: NaN, transactionSerial: NaN, dagSteps: steps, dagMs: NaN, writesPerStep: NaN, loadAvg: [loadBefore, round2(loadavg()[0]!)], error: (e as Error).message.split('\n')[0]! });
      }
    }
  } finally {
    await Promise.allSettled(servers.map((s) => s.stop()));
    await rm(folder, { recursive: true, force: true });
  }
  return { rows, text: render(rows, ops) };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

async function measure(backend: string, url: string, ops: number, steps: number): Promise<Omit<VslBenchRow, 'loadAvg'>> {
  const root = await vslFromUrl(url);
  try {
    const store = await root.namespace('throughput');
    const value = (i: number) => ({ i, status: 'completed', note: `value ${i}` });
    await each(Math.min(ops, 200), IN_FLIGHT, (i) => store.set(`warm/${i}`, value(i)));
    const setSerial = await perSecond(ops, 1, (i) => store.set(`serial/${i}`, value(i)));
    const setParallel = await perSecond(ops, IN_FLIGHT, (i) => store.set(`parallel/${i}`, value(i)));
    const getParallel = await perSecond(ops, IN_FLIGHT, async (i) => void (await store.get(`parallel/${i}`)));
    const transactionSerial = await perSecond(Math.ceil(ops / 2), 1, (i) =>
      store.transaction(async (tx) => {
        await tx.set(`tx/${i}/a`, value(i));
        await tx.set(`tx/${i}/b`, value(i));
      }),
    );
    await store.destroy();
    const dag = await runDag(await root.namespace('dag'), steps);
    return { backend, setSerial, setParallel, getParallel, transactionSerial, dagSteps: steps, ...dag };
  } finally {
    await root.close();
  }
}

/** One MAP run of a `steps`-step layered DAG through L3Runtime on `vsl`; deletes its namespace after. */
async function runDag(vsl: BackendVsl, steps: number): Promise<{ dagMs: number; writesPerStep: number }> {
  const { context, plan } = toMplp(toStringDag(layeredDag({ ...DEFAULT_SHAPE, nodes: steps }), DEFAULT_SHAPE.seed), DEFAULT_SHAPE.seed);
  const counted = countingWrites(vsl);
  const rt = new L3Runtime({ vsl: counted, ael: { execute: async () => undefined }, maxConcurrency: CONCURRENCY });
  const t0 = performance.now();
  await rt.load({ contexts: [context], plans: [plan] });
  const outcome = await rt.run(plan.plan_id, { profile: 'map' });
  const dagMs = performance.now() - t0;
  const completed = Object.values(outcome.step_statuses).filter((s) => s === 'completed').length;
  if (outcome.plan_status !== 'completed' || completed !== steps) throw new Error(`the DAG run ended ${outcome.plan_status} with ${completed}/${steps} steps completed`);
  await vsl.destroy();
  return { dagMs, writesPerStep: counted.writes / steps };
}

/** The VSL with a count of the writes made through it (a transaction counts once). */
function countingWrites(vsl: ValueStateLayer): ValueStateLayer & { writes: number } {
  const counted = {
    writes: 0,
    get: (key: string) => vsl.get(key),
    set: (key: string, value: unknown) => {
      counted.writes++;
      return vsl.set(key, value);
    },
    transaction: <T>(fn: (tx: VslTx) => Promise<T>) => {
      counted.writes++;
      return vsl.transaction!(fn);
    },
  };
  return counted;
}

async function perSecond(count: number, limit: number, work: (i: number) => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await each(count, limit, work);
  return count / ((performance.now() - t0) / 1000);
}

async function each(count: number, limit: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, count) }, async () => {
    while (next < count) await work(next++);
  }));
}

function render(rows: VslBenchRow[], ops: number): string {
  const memory = rows.find((r) => r.backend === 'memory');
  const table = markdownTable(
    ['backend', 'set serial', `set ×${IN_FLIGHT}`, `get ×${IN_FLIGHT}`, 'tx serial', 'DAG steps', 'DAG ms', 'ms/step', '× memory', 'writes/step', 'load avg'],
    rows.map((r) =>
      r.error
        ? [r.backend, `not measured: ${r.error}`, '', '', '', '', '', '', '', '', '']
        : [
            r.backend,
            `${rate(r.setSerial)}/s`,
            `${rate(r.setParallel)}/s`,
            `${rate(r.getParallel)}/s`,
            `${rate(r.transactionSerial)}/s`,
            String(r.dagSteps),
            fixed(r.dagMs, 0),
            fixed(r.dagMs / r.dagSteps, 3),
            memory && !memory.error ? `${fixed(r.dagMs / memory.dagMs, 1)}×` : '—',
            fixed(r.writesPerStep, 2),
            r.loadAvg.join(' → '),
          ],
    ),
  );
  return [`### VSL backends (${ops} operations per throughput column)`, '', table, '', ...METHOD.map((m) => `- ${m}`)].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { text } = await vslBench({ quick: process.argv.includes('--quick') });
  console.log(text);
}
