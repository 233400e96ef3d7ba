// Runner side of case processes (case.ts): a forked timing process driven run by run over
// IPC, and a one-shot cold process for memory.

import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CaseSpec } from './cases/spec.js';
import type { FromCase, MemoryReport, TimedRun, ToCase } from './protocol.js';

const CASE_SCRIPT = fileURLToPath(new URL('./case.ts', import.meta.url));
const NODE_FLAGS = ['--expose-gc', '--import', 'tsx'];
const describeSpec = (spec: CaseSpec) => `${spec.workload}/${spec.contender}/${spec.size}${spec.cyclic ? '/cyclic' : ''}`;

/** One live case process; requests are answered one at a time, in order. */
export class TimingProcess {
  private waiting: { resolve: (m: FromCase) => void; reject: (e: Error) => void } | undefined;

  private constructor(private readonly child: ChildProcess, private readonly spec: CaseSpec) {
    child.on('message', (m: FromCase) => {
      const w = this.waiting;
      this.waiting = undefined;
      if (m.kind === 'error') w?.reject(new Error(`${describeSpec(spec)}: ${m.message}`));
      else w?.resolve(m);
    });
    child.on('exit', (code) => this.waiting?.reject(new Error(`${describeSpec(spec)}: case process exited with ${code}`)));
    child.on('error', (e) => this.waiting?.reject(e));
  }

  static async start(spec: CaseSpec): Promise<TimingProcess> {
    const child = fork(CASE_SCRIPT, [JSON.stringify({ spec, mode: 'serve' })], { execArgv: NODE_FLAGS, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const timing = new TimingProcess(child, spec);
    await timing.next(); // 'ready': input built
    return timing;
  }

  private next(request?: ToCase): Promise<FromCase> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      if (request) this.child.send(request);
    });
  }

  async warmup(runs: number): Promise<void> {
    if (runs > 0) await this.next({ cmd: 'warmup', runs });
  }

  async run(): Promise<TimedRun> {
    const m = await this.next({ cmd: 'run' });
    if (m.kind !== 'ran') throw new Error(`${describeSpec(this.spec)}: unexpected reply ${m.kind}`);
    return { ms: m.ms, cpuMs: m.cpuMs, result: m.result };
  }

  close(): void {
    this.child.removeAllListeners('exit');
    this.child.kill();
  }
}

/** Runs the case once, cold, in its own process and returns its memory report. */
export function measureMemory(spec: CaseSpec): Promise<MemoryReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, CASE_SCRIPT, JSON.stringify({ spec, mode: 'memory' })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').at(-1);
      if (code !== 0 || !last) return reject(new Error(`${describeSpec(spec)}: memory process exited with ${code}`));
      resolve(JSON.parse(last) as MemoryReport);
    });
  });
}
