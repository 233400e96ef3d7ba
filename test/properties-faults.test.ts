// Planted faults against the property checks: each fault makes its property fail, the
// failing case shrinks to a minimal one (the size asserted below), and the counterexample
// written to disk replays — through the runner as `mplp-conformance replay` runs it, and
// once through the real CLI — to the same failure, deterministically, while the reference
// runtime passes it (a counterexample is a regression flow).

import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import type { Adapter, Session } from '../src/adapter/contract.js';
import { referenceAdapter } from '../src/adapters/reference.js';
import { runPropertyCheck } from '../src/generate/index.js';
import { loadCatalogue } from '../src/kit/catalogue.js';
import type { Check, CheckResult } from '../src/kit/check.js';
import { DEFAULT_SUITES_DIR, discoverChecks } from '../src/kit/discover.js';
import { loadFlowDir, loadFlowFile } from '../src/kit/flows/index.js';
import { statusChangeOf } from '../src/kit/flows/selectors.js';
import { DEFAULT_RUN_OPTIONS, runChecks, type CheckRecord } from '../src/kit/runner.js';
import { mutantAdapter } from './mutants/faults.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const SEED = 20261124;
const work = await mkdtemp(join(tmpdir(), 'properties-faults-'));
afterAll(() => rm(work, { recursive: true, force: true }));

const noFlows = join(work, 'no-flows');
const discovery = await discoverChecks({ suitesDir: join(DEFAULT_SUITES_DIR, 'properties'), flowsDir: noFlows });
const catalogue = await loadCatalogue();

function propertyNamed(id: string): Check {
  const check = discovery.checks.find((c) => c.id === id);
  if (!check) throw new Error(`no property check ${id}`);
  return check;
}

/** A black-box fault: the session hides the pipeline_stage event of every step that becomes blocked. */
const dropsBlockedStepEvents: Adapter = {
  describe: () => referenceAdapter.describe(),
  createSession: async (env) => {
    const session: Session = await referenceAdapter.createSession(env);
    return { ...session, events: async () => (await session.events()).filter((e) => statusChangeOf(e)?.to !== 'blocked') };
  },
};

interface PlantedFault {
  fault: string;
  adapter: () => Adapter;
  property: string;
  /** Largest shrunk case accepted. */
  maxSteps?: number;
  maxOperations?: number;
  maxConcurrency?: number;
}

const FAULTS: PlantedFault[] = [
  { fault: 'accepts-cycle (cycles longer than a self-loop accepted)', adapter: () => mutantAdapter('accepts-cycle'), property: 'properties.dag.cycles-rejected', maxSteps: 3 },
  { fault: 'early-start-with-three-dependencies', adapter: () => mutantAdapter('early-start-with-three-dependencies'), property: 'properties.execution.sa', maxSteps: 4 },
  { fault: 'ignores-concurrency-limit (limit 2)', adapter: () => mutantAdapter('ignores-concurrency-limit'), property: 'properties.execution.map', maxSteps: 3, maxConcurrency: 2 },
  { fault: 'sa-runs-in-parallel', adapter: () => mutantAdapter('sa-runs-in-parallel'), property: 'properties.execution.sa', maxSteps: 2 },
  { fault: 'failure-does-not-block-dependents', adapter: () => mutantAdapter('failure-does-not-block-dependents'), property: 'properties.orchestration.failure-propagation', maxSteps: 2 },
  { fault: 'drops the pipeline_stage event of a blocked step (session wrapper)', adapter: () => dropsBlockedStepEvents, property: 'properties.events.status-changes', maxSteps: 2 },
  { fault: 'omits-step-completed-event', adapter: () => mutantAdapter('omits-step-completed-event'), property: 'properties.events.status-changes', maxSteps: 1 },
  { fault: 'allows-draft-to-in-progress', adapter: () => mutantAdapter('allows-draft-to-in-progress'), property: 'properties.lifecycle.model-walk', maxOperations: 2 },
  { fault: 'non-atomic-rejection', adapter: () => mutantAdapter('non-atomic-rejection'), property: 'properties.lifecycle.model-walk', maxOperations: 3 },
  { fault: 'accepts-duplicate-step-id', adapter: () => mutantAdapter('accepts-duplicate-step-id'), property: 'properties.dag.duplicate-ids-rejected', maxSteps: 2 },
  { fault: 'accepts-schema-invalid-object', adapter: () => mutantAdapter('accepts-schema-invalid-object'), property: 'properties.psg.schema-fuzz', maxSteps: 1, maxOperations: 3 },
];

/** The counterexample through the runner, exactly as `mplp-conformance replay <file>` runs it. */
async function replay(file: string, adapter: Adapter, maxConcurrency = DEFAULT_RUN_OPTIONS.maxConcurrency): Promise<CheckRecord> {
  const check = await loadFlowFile(file);
  const run = await runChecks({ adapter, description: await adapter.describe() }, [check], catalogue, { ...DEFAULT_RUN_OPTIONS, level: 'full', only: [check.id], seed: SEED, maxConcurrency });
  return run.records[0]!;
}

/** The flow's own failure, as the property reported it. */
function flowFailure(result: CheckResult): string {
  return /: (flow properties-[^:]+: .*) \(fast-check seed/.exec(result.message)?.[1] ?? '';
}

const found = new Map<string, string>();

describe.each(FAULTS)('planted fault: $fault', (f) => {
  it(`fails ${f.property} and shrinks to a minimal case`, async () => {
    const dir = join(work, f.fault.replace(/\W+/g, '-'));
    const { result } = await runPropertyCheck(propertyNamed(f.property), f.adapter(), { seed: SEED, propertyCases: 40, counterexampleDir: dir, ...(f.maxConcurrency ? { maxConcurrency: f.maxConcurrency } : {}) });
    expect(result.outcome, result.message).toBe('fail');
    expect(result.message).toMatch(/fast-check seed \d+, path "[\d:]+"/);
    expect(result.counterexample).toBe(join(dir, `${f.property}.yaml`));
    expect(existsSync(result.counterexample!)).toBe(true);
    const size = result.evidence?.['case_size'] as { steps: number; operations: number };
    if (f.maxSteps !== undefined) expect(size.steps, result.message).toBeLessThanOrEqual(f.maxSteps);
    if (f.maxOperations !== undefined) expect(size.operations, result.message).toBeLessThanOrEqual(f.maxOperations);
    expect(flowFailure(result)).not.toBe('');
    found.set(f.fault, result.counterexample!);

    const first = await replay(result.counterexample!, f.adapter(), f.maxConcurrency);
    const second = await replay(result.counterexample!, f.adapter(), f.maxConcurrency);
    expect(first.outcome).toBe('fail');
    expect(first.message).toBe(flowFailure(result));
    expect(second.message).toBe(first.message);
    expect(first.replay?.some((cmd) => cmd.includes(`replay ${result.counterexample}`))).toBe(true);

    const onReference = await replay(result.counterexample!, referenceAdapter, f.maxConcurrency);
    expect(onReference.outcome, onReference.message).toBe('pass');
  });
});

describe('golden-flows/regressions: past counterexamples', () => {
  const folder = join(root, 'golden-flows', 'regressions');

  it('load as golden flows, pass on the reference and fail on the fault each was found against', async () => {
    const { checks, problems } = await loadFlowDir(folder);
    expect(problems).toEqual([]);
    expect(checks.length).toBeGreaterThanOrEqual(5);
    for (const check of checks) {
      const fault = check.origin!.file.split(/[\\/]/).at(-1)!.replace(/\.yaml$/, '');
      expect((await replay(check.origin!.file, referenceAdapter)).outcome, check.origin!.file).toBe('pass');
      expect((await replay(check.origin!.file, mutantAdapter(fault))).outcome, check.origin!.file).toBe('fail');
    }
  });
});

describe('replay through the CLI', () => {
  it('mplp-conformance replay <counterexample> --adapter <mutant> fails the same way (exit 1)', async () => {
    const dir = join(work, 'cli');
    const { result } = await runPropertyCheck(propertyNamed('properties.dag.cycles-rejected'), mutantAdapter('accepts-cycle'), { seed: SEED, propertyCases: 40, counterexampleDir: dir });
    expect(result.outcome).toBe('fail');
    const adapterFile = join(work, 'accepts-cycle-adapter.ts');
    await writeFile(adapterFile, `import { mutantAdapter } from ${JSON.stringify(join(root, 'test', 'mutants', 'faults.ts'))};\nexport default mutantAdapter('accepts-cycle');\n`);
    const cli = await execa('node', [join(root, 'bin', 'mplp-conformance.js'), 'replay', result.counterexample!, '--adapter', adapterFile, '--seed', String(SEED), '--format', 'json'], { cwd: root, reject: false, timeout: 120_000 });
    expect(cli.exitCode, cli.stderr).toBe(1);
    const record = JSON.parse(cli.stdout) as CheckRecord;
    expect(record.outcome).toBe('fail');
    expect(record.message).toBe(flowFailure(result));
  });
});

describe('a CLI run writes counterexamples into its own report folder', () => {
  it('run --cases N: the shrunk case lands in reports/<run-id>/counterexamples/<check-id>.yaml, named with its replay command', async () => {
    const adapterFile = join(work, 'accepts-cycle-run-adapter.ts');
    await writeFile(adapterFile, `import { mutantAdapter } from ${JSON.stringify(join(root, 'test', 'mutants', 'faults.ts'))};\nexport default mutantAdapter('accepts-cycle');\n`);
    const reportDir = join(work, 'cli-run-reports');
    const check = 'properties.dag.cycles-rejected';
    const cli = await execa('node', [join(root, 'bin', 'mplp-conformance.js'), 'run', '--adapter', adapterFile, '--only', check, '--seed', String(SEED), '--cases', '17', '--report-dir', reportDir, '--format', 'json'], { cwd: root, reject: false, timeout: 120_000 });
    expect(cli.exitCode, cli.stderr).toBe(1);
    const report = JSON.parse(cli.stdout) as { run_id: string; options: { property_cases: number | null }; checks: CheckRecord[] };
    expect(report.options.property_cases).toBe(17);
    const record = report.checks.find((c) => c.id === check)!;
    expect(record.outcome).toBe('fail');
    const expectedFile = join(reportDir, report.run_id, 'counterexamples', `${check}.yaml`);
    expect(record.counterexample).toBe(expectedFile);
    expect(existsSync(expectedFile)).toBe(true);
    expect(record.replay).toContain(`npx mplp-conformance replay ${expectedFile} --adapter ${adapterFile}`);
    expect(record.replay![0]).toContain('--cases 17');
    expect(record.evidence?.['fast_check']).toMatchObject({ runs: expect.any(Number) });
  });
});
