// Issue 18: replay commands always work. Every replay command a report prints is run, as a
// vendor would paste it, and must reproduce the failure (exit 1), never stop at a usage error
// (exit 4): suite checks, golden flows, property checks and their shrunk counterexamples (and
// the commands `replay` prints for those), on the kit's own checks and on a kit run with its own
// --catalogue/--suites/--flows.

import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_BIN } from './helpers/packed.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
// The compiled command (built once for the tests): what `npx mplp-conformance` runs for a vendor.
const BIN = DIST_BIN;
const FAULTY = join(ROOT, 'test', 'fixtures', 'ci', 'adapters', 'no-blocking.ts');
const CI_KIT = join(ROOT, 'test', 'fixtures', 'ci', 'kit');
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ci-replay-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** The words of a POSIX-shell command as src/kit/replay.ts quotes them (plain words and '…' with '\'' inside). */
function shellWords(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let started = false;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]!;
    if (ch === "'") {
      const end = command.indexOf("'", i + 1);
      word += command.slice(i + 1, end);
      i = end;
      started = true;
    } else if (ch === '\\') {
      word += command[++i] ?? '';
      started = true;
    } else if (ch === ' ') {
      if (started) words.push(word);
      word = '';
      started = false;
    } else {
      word += ch;
      started = true;
    }
  }
  if (started) words.push(word);
  return words;
}

/** The failure came back: exit 1 (a MUST broken), or exit 5 (a narrowed development run whose only
 *  failure is a SHOULD) with the check failing again in the output (human text or replay's JSON). */
function reproduced(result: { exitCode?: number | undefined; stdout: string }): boolean {
  if (result.exitCode === 1) return true;
  return result.exitCode === 5 && (/^FAIL /m.test(result.stdout) || /"outcome":\s*"fail"/.test(result.stdout));
}

/** Runs a printed command the way a vendor would (npx mplp-conformance → the compiled command), from a scratch folder. */
async function paste(command: string, cwd: string) {
  const [npx, kit, ...args] = shellWords(command);
  expect([npx, kit]).toEqual(['npx', 'mplp-conformance']);
  return execa('node', [BIN, ...args, '--format', 'json'], { cwd, reject: false, timeout: 180_000, env: { GITHUB_ACTIONS: '' } });
}

interface Record {
  id: string;
  outcome: string;
  replay?: string[];
}

async function replaysReproduce(args: string[], name: string): Promise<{ commands: string[] }> {
  const cwd = join(work, name);
  const r = await execa('node', [BIN, 'run', ...args, '--format', 'json', '--report-dir', join(cwd, 'reports')], { reject: false, timeout: 180_000, env: { GITHUB_ACTIONS: '' } });
  expect(r.exitCode, r.stderr).toBe(1);
  const report = JSON.parse(r.stdout) as { checks: Record[] };
  const failing = report.checks.filter((c) => c.outcome === 'fail');
  expect(failing.length).toBeGreaterThan(0);
  const commands = failing.flatMap((c) => c.replay ?? []);
  expect(commands.length).toBeGreaterThanOrEqual(failing.length);
  const { mkdir } = await import('node:fs/promises');
  await mkdir(cwd, { recursive: true });
  const results = await Promise.all(commands.map(async (command) => ({ command, result: await paste(command, cwd) })));
  for (const { command, result } of results) {
    expect({ command, reproduced: reproduced(result) }, result.stderr).toEqual({ command, reproduced: true });
    // What `replay` prints for a counterexample (a flow file outside the kit) must work too.
    if (shellWords(command)[2] === 'replay' && /counterexamples/.test(command)) {
      const own = (JSON.parse(result.stdout) as Record).replay ?? [];
      expect(own.length).toBeGreaterThan(0);
      for (const again of own) {
        const second = await paste(again, cwd);
        expect({ command: again, reproduced: reproduced(second) }, second.stderr).toEqual({ command: again, reproduced: true });
      }
    }
  }
  return { commands };
}

describe('every replay command a report prints reproduces its failure', () => {
  it('on the kit: a golden flow, a property check and its shrunk counterexample', async () => {
    const { commands } = await replaysReproduce(
      ['--adapter', FAULTY, '--seed', '11', '--cases', '6', '--only', 'properties.orchestration.failure-propagation,flow.step-failure-blocks-dependents'],
      'kit',
    );
    expect(commands.some((c) => /replay \S*counterexamples\/\S+\.yaml/.test(c))).toBe(true);
    expect(commands.some((c) => /run --adapter \S+ --only properties\.orchestration\.failure-propagation --seed 11 --cases 6/.test(c))).toBe(true);
  }, 400_000);

  it('on a kit run with its own catalogue, suites and flows: the commands carry those flags', async () => {
    const { commands } = await replaysReproduce(
      ['--adapter', FAULTY, '--seed', '12', '--catalogue', join(CI_KIT, 'catalogue.yaml'), '--suites', join(CI_KIT, 'suites'), '--flows', join(CI_KIT, 'flows')],
      'ci-kit',
    );
    for (const c of commands.filter((x) => shellWords(x)[2] === 'run')) {
      expect(c).toContain(`--catalogue ${join(CI_KIT, 'catalogue.yaml')}`);
      expect(c).toContain(`--flows ${join(CI_KIT, 'flows')}`);
    }
  }, 400_000);
});
