// Case process: one contender on one graph, in a fresh Node process so its memory and JIT
// state belong to it alone. Usage: node --expose-gc --import tsx bench/case.ts '<CaseRequest>'
// 'serve' (forked with IPC): prepares the input, then warms up and times runs on request,
// so the runner can interleave contenders run by run. 'memory': one cold run, prints a
// MemoryReport as one JSON line.

import { getHeapStatistics } from 'node:v8';
import { contenderFor } from './cases/index.js';
import type { PreparedCase } from './cases/spec.js';
import type { CaseRequest, FromCase, MemoryReport, ToCase } from './protocol.js';

const MiB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => { throw new Error('run with --expose-gc'); });
/** V8 heap plus external memory: typed arrays live outside the heap and must count too. */
const heapUsed = () => {
  const h = getHeapStatistics();
  return h.used_heap_size + h.external_memory;
};

async function serve(request: CaseRequest): Promise<void> {
  const send = (message: FromCase) => process.send!(message);
  const prepared: PreparedCase = await (await contenderFor(request.spec)).prepare(request.spec);
  process.on('message', (message: ToCase) => {
    void handle(prepared, message).then(send, (e: unknown) => send({ kind: 'error', message: e instanceof Error ? e.message : String(e) }));
  });
  send({ kind: 'ready' });
}

async function handle(prepared: PreparedCase, message: ToCase): Promise<FromCase> {
  if (message.cmd === 'warmup') {
    for (let i = 0; i < message.runs; i++) {
      await prepared.run();
      prepared.verify?.();
    }
    gc();
    return { kind: 'warmed' };
  }
  gc(); // every run starts from a clean heap, not the previous run's garbage
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await prepared.run();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  prepared.verify?.();
  gc(); // leave no collection work pending while other contenders are being timed
  return { kind: 'ran', ms, cpuMs: (cpu.user + cpu.system) / 1000, result };
}

async function measureMemory(request: CaseRequest): Promise<MemoryReport> {
  let heapPeak = 0;
  const sample = () => { heapPeak = Math.max(heapPeak, heapUsed()); };
  const prepared = await (await contenderFor(request.spec)).prepare(request.spec, sample);
  gc();
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = heapUsed();
  const result = await prepared.run();
  sample();
  prepared.verify?.();
  return {
    result,
    maxRssMiB: (process.resourceUsage().maxRSS * 1024) / MiB,
    rssBeforeMiB: rssBefore / MiB,
    heapPeakMiB: heapPeak / MiB,
    heapBeforeMiB: heapBefore / MiB,
  };
}

const request = JSON.parse(process.argv[2] ?? '') as CaseRequest;
if (request.mode === 'serve') await serve(request);
else process.stdout.write(`${JSON.stringify(await measureMemory(request))}\n`);
