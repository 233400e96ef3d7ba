// Issue 8, the kit's side of the stdio transport: launch specs (exec: and manifests) and the
// process it drives — manifest env and cwd, restart after a death with the stderr tail in the
// error, per-call timeouts with late answers tolerated, the protocol version handshake, and a
// dispose() that leaves nothing running even when the runtime ignores its closed stdin.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { SessionEnv } from '../src/adapter/contract.js';
import { launchSpecOf, LaunchSpecError, MANIFEST_FILE, type LaunchSpec } from '../src/adapter/stdio/launch.js';
import { StdioAdapter } from '../src/adapter/stdio/stdio-adapter.js';
import { RecordingAEL } from '../src/kit/recording-ael.js';
import { childProcesses } from './fixtures/stdio/children.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = 'test/fixtures/stdio/fixture-runtime.ts';
const scratch = mkdtempSync(join(tmpdir(), 'stdio-host-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder holding an mplp-adapter.json with this content. */
function manifestFolder(name: string, manifest: unknown): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MANIFEST_FILE), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  return dir;
}

function launchError(spec: string): string {
  try {
    launchSpecOf(spec, ROOT);
  } catch (e) {
    if (e instanceof LaunchSpecError) return e.message;
    throw e;
  }
  throw new Error(`${spec} was accepted`);
}

function fixtureLaunch(env: Record<string, string> = {}): LaunchSpec {
  return { ...launchSpecOf(`exec:node --import tsx ${FIXTURE}`, ROOT)!, env };
}

function sessionEnv(): SessionEnv {
  const workspace = mkdtempSync(join(scratch, 'ws-'));
  return { ael: new RecordingAEL(), workspace, seed: 1, maxConcurrency: 2 };
}

/** Polls `holds` on the event loop until it is true (the test's own timeout bounds the wait). */
async function eventually(holds: () => boolean): Promise<void> {
  while (!holds()) await delay(20);
}

describe('launch specs', () => {
  it('splits an exec: command line into a command and its arguments, run from the kit folder', () => {
    const launch = launchSpecOf('exec:node --import tsx runtime.ts --flag', ROOT)!;
    expect(launch).toMatchObject({ command: 'node', args: ['--import', 'tsx', 'runtime.ts', '--flag'], cwd: ROOT, env: {}, name: 'node' });
  });

  it('refuses an empty exec:, an unknown program and a missing or non-executable file, naming it', () => {
    expect(launchError('exec:  ')).toContain('needs a command line');
    expect(launchError('exec:no-such-program-xyz --stdio')).toContain('cannot start "no-such-program-xyz": no such program on PATH');
    expect(launchError('exec:./nowhere/rt')).toContain(`${join(ROOT, 'nowhere', 'rt')} does not exist`);
    expect(launchError('exec:./package.json')).toContain('is not an executable file');
  });

  it('reads a manifest given as a file or as its folder; cwd is relative to the manifest', () => {
    const dir = manifestFolder('good', { command: 'node', args: ['runtime.js'], env: { A: 'b' }, cwd: '.', startup_timeout_ms: 1234, name: 'acme' });
    const expected = { command: 'node', args: ['runtime.js'], env: { A: 'b' }, cwd: dir, startupTimeoutMs: 1234, name: 'acme', source: join(dir, MANIFEST_FILE) };
    expect(launchSpecOf(join(dir, MANIFEST_FILE), ROOT)).toEqual(expected);
    expect(launchSpecOf(dir, ROOT)).toEqual(expected);
  });

  it('lists every problem of a manifest', () => {
    const dir = manifestFolder('bad', { args: 'runtime.js', env: { A: 1 }, startup_timeout_ms: -5, comand: 'node' });
    const message = launchError(dir);
    for (const part of ['"comand" is not a manifest key', '"command" must be a non-empty string', '"args" must be', '"env" must be', '"startup_timeout_ms" must be']) expect(message).toContain(part);
    expect(launchError(manifestFolder('not-json', '{ command: node'))).toContain('is not valid JSON');
    expect(launchError(join(scratch, 'absent', MANIFEST_FILE))).toContain('file not found');
  });

  it('leaves every other spec to the module loader', () => {
    expect(launchSpecOf('./adapter.ts', ROOT)).toBeUndefined();
    expect(launchSpecOf('some-package', ROOT)).toBeUndefined();
  });
});

describe('the runtime process', () => {
  it('runs with the manifest env and cwd', async () => {
    // From another folder, tsx is found by its path rather than from node_modules.
    const tsx = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const dir = manifestFolder('env-cwd', { command: 'node', args: ['--import', tsx, join(ROOT, FIXTURE)], env: { FIXTURE_LABEL: 'from-manifest' } });
    const adapter = new StdioAdapter(launchSpecOf(dir, ROOT)!, { callTimeoutMs: 10_000, log: () => undefined });
    try {
      expect(await adapter.describe()).toMatchObject({ name: 'fixture from-manifest', version: basename(dir) });
    } finally {
      await adapter.dispose();
    }
  });

  it('fails the operations of a dying process with its exit and stderr, then starts a fresh one', async () => {
    const logs: string[] = [];
    const adapter = new StdioAdapter(fixtureLaunch({ FIXTURE_DIE_ONCE: join(scratch, 'died') }), { callTimeoutMs: 10_000, log: (l) => logs.push(l) });
    try {
      const first = await adapter.createSession(sessionEnv());
      await expect(first.load({})).rejects.toThrow(/load \(request \d+\): the runtime process \(pid \d+\) exited with code 3; its last stderr lines:\n[\s\S]*\| fixture: dying on purpose/);
      await expect(first.events()).rejects.toThrow(/events: the runtime process \(pid \d+\) exited with code 3/);
      await first.close().catch(() => undefined);
      const second = await adapter.createSession(sessionEnv());
      expect(await second.load({})).toEqual({ ok: true });
      const pids = new Set(logs.filter((l) => l.endsWith('fixture: started')).map((l) => /^\[node (\d+)\]/.exec(l)?.[1]));
      expect(pids.size).toBe(2);
    } finally {
      await adapter.dispose();
    }
  });

  it('times a call out, tolerates its late answer and keeps serving', async () => {
    const logs: string[] = [];
    const adapter = new StdioAdapter(fixtureLaunch({ FIXTURE_SLOW_GRAPH: '1500' }), { callTimeoutMs: 500, log: (l) => logs.push(l) });
    try {
      const session = await adapter.createSession(sessionEnv());
      await expect(session.graph()).rejects.toThrow(/graph \(request \d+\): the runtime did not answer within 500 ms/);
      await eventually(() => logs.some((l) => l.includes('after it had timed out')));
      expect(logs.find((l) => l.includes('after it had timed out'))).toMatch(/the runtime answered graph \(request \d+\) on stdout line \d+, after it had timed out/);
      expect(await session.events()).toEqual([]);
    } finally {
      await adapter.dispose();
    }
  });

  it('refuses a runtime that speaks another major protocol version', async () => {
    const adapter = new StdioAdapter(launchSpecOf('exec:node --import tsx test/fixtures/stdio/old-protocol.ts', ROOT)!, { callTimeoutMs: 10_000, log: () => undefined });
    try {
      await expect(adapter.describe()).rejects.toThrow('describe answered protocol_version "0.9"; this kit speaks protocol 1.0 (the major versions must match)');
    } finally {
      await adapter.dispose();
    }
  });

  it('kills a runtime that keeps running after its stdin closed', async () => {
    const adapter = new StdioAdapter(fixtureLaunch({ FIXTURE_IGNORE_EOF: '1' }), { callTimeoutMs: 10_000, log: () => undefined });
    await adapter.describe();
    expect(await childProcesses(FIXTURE)).toHaveLength(1);
    await adapter.dispose();
    expect(await childProcesses(FIXTURE)).toEqual([]);
    await expect(adapter.createSession(sessionEnv())).rejects.toThrow('the adapter was disposed');
  });
});
