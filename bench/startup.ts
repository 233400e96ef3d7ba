// `npm run bench:startup` (and the first part of `npm run bench`): start-up of the command a
// vendor runs, measured side by side. The packed package (npm pack, installed in a temp folder
// with production dependencies only: compiled dist/, no TypeScript loader) against the tsx path
// (the checkout's bin/mplp-conformance.js, which loads the TypeScript sources through tsx, as
// the package did before it shipped compiled code), with tsx's transform cache warm and cold
// (a fresh TMPDIR per run: what a fresh install meets on its first runs).
// Each case: `--help`, `list`, a full run against the embedded reference (seed 1).
// Options: --quick (fewer repeats), --max-wait <s> (wait for an idle machine before each run).

import { execa } from 'execa';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { packAndInstall, REPO_ROOT } from '../test/helpers/packed.js';
import { machineInfo } from './machine.js';
import { QUIET_IDLE_SHARE, waitForQuiet } from './quiet.js';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, 'max-wait': { type: 'string', default: '10' } } });
const REPEATS = args.quick ? { help: 3, list: 3, full: 1 } : { help: 9, list: 7, full: 5 };
const log = (text: string) => process.stderr.write(text);

interface Path {
  name: string;
  command: string[];
  /** A fresh TMPDIR per run (tsx keeps its transform cache under the temp folder). */
  coldCache: boolean;
}

const CASES = [
  { name: '--help', args: ['--help'], repeats: REPEATS.help },
  { name: 'list', args: ['list'], repeats: REPEATS.list },
  { name: 'full run (reference)', args: ['run', '--seed', '1', '--format', 'quiet'], repeats: REPEATS.full },
] as const;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

log('packing and installing the package (production dependencies only)…\n');
const installed = await packAndInstall();
const scratch = await mkdtemp(join(tmpdir(), 'mplp-bench-startup-'));
const paths: Path[] = [
  { name: 'packed package (dist)', command: [installed.bin], coldCache: false },
  { name: 'tsx path, warm cache', command: [process.execPath, join(REPO_ROOT, 'bin', 'mplp-conformance.js')], coldCache: false },
  { name: 'tsx path, cold cache', command: [process.execPath, join(REPO_ROOT, 'bin', 'mplp-conformance.js')], coldCache: true },
];

async function once(path: Path, caseArgs: readonly string[], reportDir: string): Promise<number> {
  const env: Record<string, string> = { GITHUB_ACTIONS: '' };
  if (path.coldCache) {
    const tmp = await mkdtemp(join(scratch, 'tmp-'));
    env['TMPDIR'] = tmp;
  }
  const [file, ...pre] = path.command as [string, ...string[]];
  const withReports = caseArgs[0] === 'run' ? [...caseArgs, '--report-dir', reportDir] : caseArgs;
  await waitForQuiet(QUIET_IDLE_SHARE, Number(args['max-wait']) * 1000);
  const t0 = performance.now();
  const r = await execa(file, [...pre, ...withReports], { cwd: installed.app, reject: false, env });
  const ms = performance.now() - t0;
  if (r.exitCode !== 0) throw new Error(`${path.name} ${caseArgs.join(' ')} exited ${r.exitCode}: ${r.stderr.slice(0, 2000)}`);
  return ms;
}

const rows: { case: string; path: string; runs: number[]; medianMs: number }[] = [];
// Warm each path once (the OS file cache, and tsx's cache for the warm path), then rounds:
// every path once per round, back to back, so a disturbance hits all of them alike.
for (const c of CASES) {
  const times = new Map(paths.map((p) => [p.name, [] as number[]]));
  for (const p of paths) if (!p.coldCache) await once(p, c.args, join(scratch, 'reports'));
  for (let i = 0; i < c.repeats; i++) {
    for (const p of paths) times.get(p.name)!.push(await once(p, c.args, join(scratch, 'reports')));
    log(`${c.name}: round ${i + 1}/${c.repeats}\n`);
  }
  for (const p of paths) rows.push({ case: c.name, path: p.name, runs: times.get(p.name)!.map((t) => Math.round(t)), medianMs: Math.round(median(times.get(p.name)!)) });
}

const machine = machineInfo();
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms} ms`);
const lines = [
  `### Start-up: packed package vs the tsx path`,
  '',
  `Node ${machine.node}, ${machine.cpus} × ${machine.cpuModel}; median wall time of ${REPEATS.help}/${REPEATS.list}/${REPEATS.full} runs (--help/list/full run), each a fresh process; ratios = tsx path ÷ packed.`,
  '',
  `| command | ${paths.map((p) => p.name).join(' | ')} | warm ÷ packed | cold ÷ packed |`,
  `|:--|${paths.map(() => '--:').join('|')}|--:|--:|`,
];
for (const c of CASES) {
  const m = paths.map((p) => rows.find((r) => r.case === c.name && r.path === p.name)!.medianMs);
  lines.push(`| \`${c.name}\` | ${m.map(fmt).join(' | ')} | ${(m[1]! / m[0]!).toFixed(1)}× | ${(m[2]! / m[0]!).toFixed(1)}× |`);
}
const help = rows.find((r) => r.case === '--help' && r.path === paths[0]!.name)!.medianMs;
const full = CASES.map((c) => c.name).filter((n) => n.startsWith('full')).map((n) => paths.map((p) => rows.find((r) => r.case === n && r.path === p.name)!.medianMs))[0]!;
lines.push('', `- ${help < 1000 ? 'met' : 'NOT met'}: \`--help\` of the packed package under 1 s — ${fmt(help)}`);
lines.push(`- ${full[1]! >= 2 * full[0]! ? 'met' : 'NOT met'}: a full reference run at least 2× faster than the tsx path — ${(full[1]! / full[0]!).toFixed(1)}× (warm cache), ${(full[2]! / full[0]!).toFixed(1)}× (cold)`);
console.log(lines.join('\n'));

await mkdir(join(REPO_ROOT, 'reports'), { recursive: true });
await writeFile(join(REPO_ROOT, 'reports', 'bench-startup.json'), `${JSON.stringify({ finishedAt: new Date().toISOString(), machine, tarball: installed.tarball, rows }, null, 2)}\n`);
await rm(scratch, { recursive: true, force: true });
await rm(join(installed.app, '..'), { recursive: true, force: true });
