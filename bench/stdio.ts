// Stdio transport throughput: round trips between the kit and a runtime process that answers
// at once (a trivial responder served by serveAdapter), through the real host stack (the
// StdioAdapter's session proxy, schema checks on both ends). Kit → runtime: graph() calls, one
// at a time and 64 in flight; runtime → kit: ael.execute calls a run() makes one after another.
// `tsx bench/stdio.ts` prints the table; `npm run bench` includes it; `--respond` is the responder.

import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Adapter, Session } from '../src/adapter/contract.js';
import { launchSpecOf } from '../src/adapter/stdio/launch.js';
import { serveAdapter } from '../src/adapter/stdio/server.js';
import { StdioAdapter } from '../src/adapter/stdio/stdio-adapter.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TARGET_CALLS_PER_S = 10_000;
const PIPELINE = 64;

/** Answers every operation at once; run(planId) makes Number(planId) AEL calls one after another. */
const trivialAdapter: Adapter = {
  describe: () => ({ name: 'trivial responder', version: '1.0.0', capabilities: { profiles: ['sa'], pauseResume: false, approval: false, moduleRegistry: false, drift: false, rollback: false, vsl: false } }),
  createSession: async (env) => ({
    load: async () => ({ ok: true }),
    transition: async () => ({ ok: true }),
    run: async (planId) => {
      for (let i = 0; i < Number(planId); i++) await env.ael.execute({ action_id: String(i), plan_id: planId, step_id: String(i) });
      return { ok: true, outcome: { plan_id: planId, plan_status: 'completed', step_statuses: {}, paused: false } };
    },
    cancel: async () => ({ ok: true }),
    confirm: async () => ({ ok: true }),
    get: async () => undefined,
    graph: async () => ({ nodes: [], edges: [] }),
    events: async () => [],
    close: async () => undefined,
  }),
};

interface Measured {
  what: string;
  inFlight: number;
  calls: number;
  ms: number;
}

/** `calls` graph() round trips with at most `inFlight` pending. */
async function kitToRuntime(session: Session, calls: number, inFlight: number): Promise<Measured> {
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < calls) {
      next++;
      await session.graph();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { what: 'kit → runtime (graph)', inFlight, calls, ms: performance.now() - t0 };
}

async function runtimeToKit(session: Session, calls: number): Promise<Measured> {
  const t0 = performance.now();
  await session.run(String(calls));
  return { what: 'runtime → kit (ael.execute)', inFlight: 1, calls, ms: performance.now() - t0 };
}

const perSecond = (m: Measured) => Math.round((m.calls / m.ms) * 1000);

/** Measures and returns the report section (markdown lines). */
export async function stdioBenchLines(): Promise<string[]> {
  const launch = launchSpecOf(`exec:node --import tsx ${THIS_FILE} --respond`, ROOT)!;
  const adapter = new StdioAdapter(launch, { callTimeoutMs: 60_000, log: (line) => void process.stderr.write(`${line}\n`) });
  const workspace = await mkdtemp(join(tmpdir(), 'bench-stdio-'));
  const loadBefore = loadavg()[0]!;
  const rows: Measured[] = [];
  try {
    const session = await adapter.createSession({ ael: { execute: async () => null }, workspace, seed: 0, maxConcurrency: 1 });
    await kitToRuntime(session, 5_000, PIPELINE); // warm-up: JIT both ends
    rows.push(await kitToRuntime(session, 20_000, 1));
    rows.push(await kitToRuntime(session, 100_000, PIPELINE));
    rows.push(await runtimeToKit(session, 20_000));
    await session.close();
  } finally {
    await adapter.dispose();
    await rm(workspace, { recursive: true, force: true });
  }
  const pipelined = rows[1]!;
  return [
    `### Stdio transport (round trips with a child process that answers at once; load avg ${loadBefore.toFixed(2)} → ${loadavg()[0]!.toFixed(2)})`,
    '',
    '| direction | in flight | calls | calls/s | µs per call |',
    '|:--|--:|--:|--:|--:|',
    ...rows.map((m) => `| ${m.what} | ${m.inFlight} | ${m.calls} | ${perSecond(m)} | ${((m.ms * 1000) / m.calls).toFixed(1)} |`),
    '',
    `- ${perSecond(pipelined) >= TARGET_CALLS_PER_S ? 'met' : 'NOT met'}: ≥ ${TARGET_CALLS_PER_S} calls/s kit → runtime with ${PIPELINE} in flight — measured ${perSecond(pipelined)} calls/s`,
  ];
}

if (process.argv[1] === THIS_FILE) {
  if (process.argv.includes('--respond')) await serveAdapter(trivialAdapter);
  else console.log((await stdioBenchLines()).join('\n'));
  process.exit(0);
}
