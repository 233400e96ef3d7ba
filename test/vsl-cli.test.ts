// Choosing the reference runtime's VSL backend: vslFromUrl's URL forms and messages, and the
// CLI's --vsl flag and MPLP_VSL variable (runs spawned through the real bin, on a FileVSL folder;
// refusals checked in-process).

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHelp } from '../src/cli/command.js';
import { replayCommand } from '../src/cli/commands/replay.js';
import { runCommand } from '../src/cli/commands/run.js';
import { loadTargetOrFail } from '../src/cli/setup.js';
import { redactedVslUrl, vslFromUrl } from '../src/runtime/vsl/from-url.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'mplp-conformance.js');
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vsl-cli-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** `run` of a few checks of the vsl area (its suites folder alone keeps discovery short; the
 *  whole area on every backend runs in vsl-file.test.ts and vsl-servers.test.ts). */
const FEW = 'vsl.get.missing-key,vsl.shared.survives-session-close,vsl.transaction.abort-writes-nothing';

function runVsl(args: string[], env: Record<string, string> = {}) {
  return execa('node', [bin, 'run', '--only', FEW, '--suites', join(root, 'suites', 'vsl'), '--seed', '7', '--format', 'json', '--report-dir', join(work, 'reports'), ...args], {
    cwd: root,
    reject: false,
    timeout: 120_000,
    env,
  });
}

describe('vslFromUrl', () => {
  it('opens memory: and refuses unknown forms with a TypeError that shows no password', async () => {
    const memory = await vslFromUrl('memory:');
    await memory.set('k', 1);
    expect([memory.backend, await memory.get('k')]).toEqual(['memory', 1]);
    await expect(vslFromUrl('mysql://root:hunter2@db:3306/x')).rejects.toThrow(new TypeError('unknown VSL URL "mysql://root:***@db:3306/x": use memory:, file:<folder>, redis://host:port[/db] or postgres://user@host:port/db'));
    await expect(vslFromUrl('file:')).rejects.toThrow(TypeError);
  });

  it('redacts passwords and leaves other URLs as they are', () => {
    expect(redactedVslUrl('redis://:pw@h:1/0')).toBe('redis://:***@h:1/0');
    expect(redactedVslUrl('postgres://u:pw@h/db?table=t')).toBe('postgres://u:***@h/db?table=t');
    expect(redactedVslUrl('file:./state')).toBe('file:./state');
  });
});

describe('mplp-conformance run --vsl', () => {
  it('runs the reference runtime on the named backend, passes, and leaves the folder empty', async () => {
    const folder = join(work, 'flag');
    const r = await runVsl(['--vsl', `file:${folder}`]);
    // --only: nothing failed, but a narrowed run is a development run (exit 5), not a certification.
    expect(r.exitCode, r.stderr).toBe(5);
    const report = JSON.parse(r.stdout) as { adapter: { name: string }; checks: { outcome: string }[] };
    expect(report.adapter.name).toBe(`mplp-conformance reference runtime (VSL file:${folder})`);
    expect(report.checks).toHaveLength(3);
    expect(report.checks.every((c) => c.outcome === 'pass')).toBe(true);
    expect(await readdir(folder)).toEqual([]);
  });

  it('takes the backend from MPLP_VSL when no --vsl is given', async () => {
    const folder = join(work, 'env');
    const r = await runVsl([], { MPLP_VSL: `file:${folder}` });
    expect(r.exitCode, r.stderr).toBe(5);
    expect(JSON.parse(r.stdout).adapter.name).toContain(`(VSL file:${folder})`);
  });

  it('refuses a URL of no known form (exit 4), a backend it cannot reach (exit 3) and --vsl with --adapter (exit 4)', async () => {
    await expect(loadTargetOrFail(undefined, 2000, 'nope:x')).rejects.toMatchObject({ exitCode: 4, message: expect.stringContaining('--vsl/MPLP_VSL: unknown VSL URL "nope:x"') });
    const unreachable = loadTargetOrFail(undefined, 2000, 'redis://:secret@127.0.0.1:1');
    await expect(unreachable).rejects.toMatchObject({ exitCode: 3, message: expect.stringContaining('--vsl/MPLP_VSL: redis VSL at 127.0.0.1:1: cannot connect (limit 2000 ms): connect ECONNREFUSED') });
    await expect(unreachable).rejects.not.toThrow(/secret/);
    await expect(loadTargetOrFail('./adapter.ts', 2000, 'memory:')).rejects.toMatchObject({ exitCode: 4, message: expect.stringContaining('--vsl chooses the VSL backend of the embedded reference runtime') });
  });

  it('is documented in run and replay --help', async () => {
    for (const command of [runCommand, replayCommand]) expect(renderHelp(command)).toMatch(/--vsl <url> +VSL backend of the embedded reference runtime/);
    expect(await readFile(join(root, 'README.md'), 'utf8')).toContain('## VSL backends');
  });
});
