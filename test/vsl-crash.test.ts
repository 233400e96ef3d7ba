// FileVSL under SIGKILL. A child process writes in a loop (plain sets and four-key transactions)
// and acknowledges each write after it resolved; it is killed with SIGKILL after a random number
// of acknowledgements, so the kill lands inside a later write. Then the folder is reopened
// (recovery runs) and must hold, for every key, a complete value that is the last one
// acknowledged for it or the one write in flight when the child died — never an older value, a
// torn one, or half a transaction. Three folders, ten kills each.

import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileVSL } from '../src/runtime/vsl/file.js';
import { isCrashValue, type CrashValue } from './fixtures/vsl/crash-value.js';

const WRITER_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'vsl', 'crash-writer.ts');
let bundleFolder = '';
let writer = '';

// The writer is bundled to plain JavaScript once (esbuild comes with tsx): a child started through
// the TypeScript loader would spend most of the test starting up.
beforeAll(async () => {
  bundleFolder = await mkdtemp(join(tmpdir(), 'vsl-crash-writer-'));
  writer = join(bundleFolder, 'crash-writer.mjs');
  await build({ entryPoints: [WRITER_SOURCE], outfile: writer, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'silent' });
});
afterAll(() => rm(bundleFolder, { recursive: true, force: true }));
const FOLDERS = 3;
const KILLS_PER_FOLDER = 10;
const GROUP = ['group/0', 'group/1', 'group/2', 'group/3'];
const KEYS = [...Array.from({ length: 7 }, (_, i) => `key/${i}`), ...GROUP];

interface Round {
  acknowledged: number;
  /** Leftovers of the interrupted write, seen before the folder was reopened. */
  journals: number;
  temps: number;
}

/** Deterministic 32-bit PRNG (mulberry32): the kill points are the same on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the writer from write number `first`, SIGKILLs it at the `acks`-th acknowledgement; answers all acknowledgements read. */
async function writeThenKill(folder: string, first: number, acks: number, onAck: (line: string) => void): Promise<number> {
  const child = spawn(process.execPath, [writer, folder, String(first)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  // Acknowledgements the child wrote before the kill landed are still read (the pipe keeps them).
  let seen = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    if (line === 'open') continue;
    onAck(line);
    if (++seen === acks) child.kill('SIGKILL');
  }
  const end = await exited;
  if (end !== 'SIGKILL') throw new Error(`the writer ended with ${end} before it was killed:\n${stderr.join('')}`);
  return seen;
}

async function crashFolder(index: number): Promise<Round[]> {
  const folder = await mkdtemp(join(tmpdir(), 'vsl-crash-'));
  const next = random(0xc0ffee + index);
  const lastAck = new Map<string, number>();
  const rounds: Round[] = [];
  try {
    for (let kill = 0; kill < KILLS_PER_FOLDER; kill++) {
      const first = (kill + 1) * 1_000_000;
      let lastN = first - 1;
      const acknowledged = await writeThenKill(folder, first, 3 + Math.floor(next() * 30), (line) => {
        const parts = line.split(' ');
        const n = Number(parts.at(-1));
        lastN = n;
        if (parts[0] === 'tx') GROUP.forEach((k) => lastAck.set(k, n));
        else lastAck.set(parts[1]!, n);
      });
      const names = await readdir(folder);
      rounds.push({ acknowledged, journals: names.filter((n) => n.startsWith('.journal-')).length, temps: names.filter((n) => n.startsWith('.tmp-')).length });

      const vsl = await FileVSL.open(folder);
      try {
        const inFlight = lastN + 1;
        for (const key of KEYS) {
          const value = await vsl.get(key);
          const where = `folder ${index}, kill ${kill + 1}, ${key}`;
          if (value === undefined) {
            expect(lastAck.has(key), `${where}: an acknowledged value is gone`).toBe(false);
            continue;
          }
          expect(isCrashValue(value), `${where}: not a complete value: ${JSON.stringify(value).slice(0, 120)}`).toBe(true);
          const n = (value as CrashValue).n;
          expect(n === (lastAck.get(key) ?? -1) || n === inFlight, `${where}: holds write ${n}; last acknowledged ${lastAck.get(key)}, in flight ${inFlight}`).toBe(true);
          lastAck.set(key, n);
        }
        const group = await Promise.all(GROUP.map(async (k) => ((await vsl.get(k)) as CrashValue | undefined)?.n));
        expect(new Set(group).size, `folder ${index}, kill ${kill + 1}: part of a transaction: ${group.join(', ')}`).toBe(1);
      } finally {
        await vsl.close();
      }
    }
    return rounds;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

describe('FileVSL killed with SIGKILL mid-write', () => {
  it(`keeps every acknowledged value whole across ${FOLDERS * KILLS_PER_FOLDER} kills`, async () => {
    const rounds = (await Promise.all(Array.from({ length: FOLDERS }, (_, i) => crashFolder(i)))).flat();
    const sum = (f: (r: Round) => number) => rounds.reduce((n, r) => n + f(r), 0);
    console.log(
      `crash test: ${rounds.length} SIGKILLs, ${sum((r) => r.acknowledged)} acknowledged writes checked, ` +
        `${rounds.filter((r) => r.journals > 0).length} kills left a committed journal to redo, ${rounds.filter((r) => r.temps > 0).length} left a temp file`,
    );
    expect(rounds).toHaveLength(FOLDERS * KILLS_PER_FOLDER);
  });
});
