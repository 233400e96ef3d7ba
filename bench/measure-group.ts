// Times every contender on one graph in interleaved rounds: all case processes are started
// and warmed up first, then each round runs every contender once, back to back, so load
// from other work on the machine hits all of them alike. Memory is measured afterwards,
// one cold process per contender.

import { measureMemory, TimingProcess } from './children.js';
import type { CaseSpec, Contender } from './cases/spec.js';
import type { PlannedCase } from './plan.js';
import type { TimedRun } from './protocol.js';
import { account, cpuTimes, QUIET_IDLE_SHARE, waitForQuiet, type CpuAccount } from './quiet.js';
import { toRow, type CaseRow } from './rows.js';

export interface GroupResult {
  rows: CaseRow[];
  failures: string[];
}

interface Entrant {
  contender: Contender;
  spec: CaseSpec;
  process: TimingProcess;
  runs: TimedRun[];
  cpu: CpuAccount[];
}

const log = (text: string) => process.stderr.write(text);
const label = (spec: CaseSpec) => `${spec.workload} ${spec.contender} ${spec.size}${spec.cyclic ? ' cyclic' : ''}`;

export async function measureGroup(planned: PlannedCase, contenders: Contender[], maxWaitMs: number): Promise<GroupResult> {
  const failures: string[] = [];
  const fail = (spec: CaseSpec, e: unknown) => {
    log(`  ${label(spec)} failed\n`);
    failures.push(`${label(spec)}: ${e instanceof Error ? e.message : String(e)}`);
  };

  let entrants: Entrant[] = [];
  for (const contender of contenders) {
    const spec = { ...planned.spec, contender: contender.name };
    let timing: TimingProcess | undefined;
    try {
      timing = await TimingProcess.start(spec);
      await timing.warmup(planned.warmup);
      entrants.push({ contender, spec, process: timing, runs: [], cpu: [] });
    } catch (e) {
      fail(spec, e);
      timing?.close();
    }
  }

  for (let round = 0; round < planned.repeats; round++) {
    // Rotate who goes first so no contender always runs right after the same neighbour.
    const order = entrants.map((_, i) => entrants[(i + round) % entrants.length]!);
    for (const entrant of order) {
      if (!entrants.includes(entrant)) continue;
      // Also lets the previous contender's process finish its background work (freeing a
      // heap of a gigabyte and more keeps a CPU busy for a while after its run returned).
      await waitForQuiet(QUIET_IDLE_SHARE, maxWaitMs);
      try {
        const before = cpuTimes();
        const run = await entrant.process.run();
        entrant.runs.push(run);
        entrant.cpu.push(account(before, cpuTimes(), run.cpuMs, run.ms));
      } catch (e) {
        fail(entrant.spec, e);
        entrant.process.close();
        entrants = entrants.filter((x) => x !== entrant);
      }
    }
    log(`  round ${round + 1}/${planned.repeats}: ${entrants.map((x) => `${x.spec.contender} ${x.runs.at(-1)!.ms.toFixed(1)} ms`).join(', ')}\n`);
  }
  for (const entrant of entrants) entrant.process.close();

  const rows: CaseRow[] = [];
  for (const entrant of entrants) {
    try {
      const memory = await measureMemory(entrant.spec);
      rows.push(toRow(entrant.contender.role, entrant.spec, entrant.runs, entrant.cpu, memory));
    } catch (e) {
      fail(entrant.spec, e);
    }
  }
  return { rows, failures };
}
