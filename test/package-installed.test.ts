// Issue 18: the kit as a vendor meets it. The checkout is packed (dist/ as built by test/global-setup.ts), the
// tarball installed into a fresh folder with production dependencies only, and everything runs
// from there: the installed command, the embedded reference, a vendor adapter in .ts and in
// .js, the Python example, and a vendor's type check of the adapter contract under the
// strictest settings without @types/node.

import { execa } from 'execa';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packAndInstall, REPO_ROOT, type InstalledKit } from './helpers/packed.js';

let kit: InstalledKit;

beforeAll(async () => {
  // dist/ is built once for the whole test run (test/global-setup.ts).
  kit = await packAndInstall({ build: false });
}, 240_000);

afterAll(async () => {
  if (kit) await rm(join(kit.app, '..'), { recursive: true, force: true });
});

function run(args: string[], options: { cwd?: string } = {}) {
  return execa(kit.bin, args, { cwd: options.cwd ?? kit.app, reject: false, timeout: 120_000, env: { GITHUB_ACTIONS: '' } });
}

const JS_ADAPTER = `// A vendor adapter in plain JavaScript: the reference runtime under another name.
import { referenceAdapter } from 'mplp-conformance';
export default {
  describe: async () => ({ ...(await referenceAdapter.describe()), name: 'vendor-js', version: '1.0.0' }),
  createSession: (env) => referenceAdapter.createSession(env),
};
`;

const TS_ADAPTER = `// A vendor adapter in TypeScript, loaded through tsx by the installed kit.
import type { Adapter, AdapterDescription, SessionEnv } from 'mplp-conformance/adapter';
import { CONTRACT_VERSION } from 'mplp-conformance/adapter';
import { referenceAdapter } from 'mplp-conformance';

const adapter: Adapter = {
  describe: async (): Promise<AdapterDescription> => ({ ...(await referenceAdapter.describe()), name: 'vendor-ts', version: '1.0.0', contract_version: CONTRACT_VERSION }),
  createSession: (env: SessionEnv) => referenceAdapter.createSession(env),
};
export default adapter;
`;

interface Report {
  adapter: { name: string; spec: string | null };
  verdict: { level: string; verdict: string };
  totals: { checks: Record<string, number> };
}

async function reportOf(stdout: string): Promise<Report> {
  return JSON.parse(stdout) as Report;
}

describe('the packed package installed with production dependencies only', () => {
  it('ships compiled code, declarations, the compiled checks and the licence, but no TypeScript sources', async () => {
    const files = (await readdir(kit.kit, { recursive: true })).map((f) => f.replace(/\\/g, '/'));
    expect(files).toContain('dist/src/cli/bin.js');
    expect(files).toContain('dist/src/index.d.ts');
    expect(files).toContain('dist/adapter.d.ts');
    expect(files).toContain('LICENSE');
    expect(files.filter((f) => /^dist\/suites\/.*\.check\.js$/.test(f)).length).toBeGreaterThan(40);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('examples/'))).toEqual([]);
    expect(await readFile(join(kit.kit, 'dist', 'adapter.d.ts'), 'utf8')).not.toMatch(/^\s*import\s|from '/m);
    const pkg = JSON.parse(await readFile(join(kit.kit, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin['mplp-conformance']).toBe('dist/src/cli/bin.js');
  });

  it('runs without tsx installed: --help, a full reference run and a .js adapter; a .ts adapter then asks for tsx', async () => {
    const tsx = join(kit.app, 'node_modules', 'tsx');
    const away = join(kit.app, 'node_modules', '.tsx-away');
    await rename(tsx, away);
    try {
      const help = await run(['--help']);
      expect(help.exitCode, help.stderr).toBe(0);
      expect(help.stdout).toContain('Usage: mplp-conformance');

      const reference = await run(['--seed', '5', '--format', 'json', '--report-dir', join(kit.app, 'reports')]);
      expect(reference.exitCode, reference.stderr).toBe(0);
      const report = await reportOf(reference.stdout);
      expect(report.verdict).toMatchObject({ level: 'full', verdict: 'conformant' });
      expect(report.totals.checks['pass']).toBeGreaterThan(100);

      await writeFile(join(kit.app, 'adapter.mjs'), JS_ADAPTER);
      const js = await run(['--adapter', './adapter.mjs', '--only', 'orchestration,sa', '--seed', '5', '--format', 'json', '--report-dir', join(kit.app, 'reports')]);
      // --only narrows the run: nothing failed, a development run (exit 5).
      expect(js.exitCode, js.stderr).toBe(5);
      expect((await reportOf(js.stdout)).adapter.name).toBe('vendor-js');

      await writeFile(join(kit.app, 'adapter.ts'), TS_ADAPTER);
      const ts = await run(['--adapter', './adapter.ts', '--only', 'psg', '--report-dir', join(kit.app, 'reports')]);
      if (!(process.features as { typescript?: unknown }).typescript) {
        expect(ts.exitCode).toBe(4);
        expect(ts.stderr).toMatch(/adapter \.\/adapter\.ts: importing .*adapter\.ts failed: loading TypeScript needs tsx/);
      }
    } finally {
      await rename(away, tsx);
    }
  }, 120_000);

  it('runs a vendor adapter written in TypeScript through tsx', async () => {
    await writeFile(join(kit.app, 'adapter.ts'), TS_ADAPTER);
    const r = await run(['--adapter', './adapter.ts', '--only', 'orchestration,sa', '--seed', '5', '--format', 'json', '--report-dir', join(kit.app, 'reports')]);
    expect(r.exitCode, r.stderr).toBe(5);
    const report = await reportOf(r.stdout);
    expect(report.adapter).toMatchObject({ name: 'vendor-ts', spec: './adapter.ts' });
    expect(report.verdict.verdict).toBe('conformant');
  }, 120_000);

  it('runs the shipped Python example over stdio', async () => {
    const manifest = join(kit.kit, 'examples', 'python-runtime', 'mplp-adapter.json');
    const r = await run(['--adapter', manifest, '--level', 'core', '--only', 'orchestration,sa,lifecycle', '--seed', '5', '--format', 'json', '--report-dir', join(kit.app, 'reports')]);
    expect(r.exitCode, r.stderr).toBe(5);
    const report = await reportOf(r.stdout);
    expect(report.adapter.name).toBe('mplp python example runtime');
    expect(report.verdict).toMatchObject({ level: 'core', verdict: 'conformant' });
  }, 120_000);

  it('types a vendor adapter with mplp-conformance/adapter alone: no kit sources, no @types/node, exactOptionalPropertyTypes', async () => {
    const dir = join(kit.app, 'my-adapter');
    const init = await run(['init', dir]);
    expect(init.exitCode, init.stderr).toBe(0);
    await writeFile(
      join(kit.app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022', lib: ['ES2022'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true,
          exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false, types: [], noEmit: true,
        },
        files: ['my-adapter/adapter.ts'],
      }),
    );
    const tsc = await execa('node', [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(kit.app, 'tsconfig.json'), '--listFilesOnly'], { cwd: kit.app, reject: false });
    expect(tsc.exitCode, tsc.stdout).toBe(0);
    const kitFiles = tsc.stdout.split('\n').filter((f) => f.includes('node_modules/mplp-conformance/'));
    expect(kitFiles.map((f) => f.slice(f.indexOf('node_modules/')))).toEqual(['node_modules/mplp-conformance/dist/adapter.d.ts']);
    const check = await execa('node', [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(kit.app, 'tsconfig.json')], { cwd: kit.app, reject: false });
    expect(check.exitCode, check.stdout).toBe(0);

    // The template loads and runs from the installed kit (every operation answers NOT_IMPLEMENTED).
    const r = await run(['--adapter', './my-adapter/adapter.ts', '--only', 'psg', '--format', 'quiet', '--report-dir', join(kit.app, 'reports')]);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^full: non-conformant/);
  }, 120_000);

  it('the GitHub Action\'s install step installs the tarball and names the command for the run step', async () => {
    const temp = join(kit.app, '..', 'runner-temp');
    const env = join(kit.app, '..', 'github-env');
    await writeFile(env, '');
    const r = await execa('bash', [join(REPO_ROOT, 'action', 'mplp-action.sh'), 'install'], { reject: false, timeout: 180_000, env: { INPUT_KIT: kit.tarball, RUNNER_TEMP: temp, GITHUB_ENV: env, GITHUB_OUTPUT: '/dev/null' } });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const bin = /^MPLP_KIT_BIN=(.+)$/m.exec(await readFile(env, 'utf8'))?.[1];
    expect(bin).toBe(join(temp, 'mplp-conformance-kit', 'node_modules', '.bin', 'mplp-conformance'));
    const version = await execa(bin!, ['--version'], { reject: false });
    expect(version.stdout.trim()).toBe(JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')).version);
  }, 180_000);

  it('reports a missing --adapter file before loading any check', async () => {
    const r = await run(['--adapter', './absent-adapter.ts']);
    expect(r.exitCode).toBe(4);
    expect(r.stderr.trim()).toBe(`mplp-conformance: adapter ./absent-adapter.ts: file not found: ${join(kit.app, 'absent-adapter.ts')}`);
  });
});
