// `npm run bench:startup` (and the first part of `npm run bench`): start-up of the command a
// vendor runs, measured side by side. The packed package (npm pack, installed in a temp folder
// with production dependencies only: compiled dist/, no TypeScript loader) against the tsx path
// (the checkout's bin/mplp-conformance.js, which loads the TypeScript sources through tsx, as
// the package did before it shipped compiled code), with tsx's transform cache warm and cold
// (a fresh TMPDIR per run: what a fresh install meets on its first runs).
// Each case: `--help`, `list`, a full run against the embedded reference (seed 1).
// Each run is timed by wall clock and by CPU time (user + system of the process and its children,
// from /usr/bin/time), which a busy shared machine inflates far less than wall time; ratios are
// the median of per-round ratios (runs of one round are back to back, so they share the load).
// Options: --quick (fewer repeats), --max-wait <s> (wait for an idle machine before each run).

import { execa } from 'execa';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

interface Timing {
  wallMs: number;
  cpuMs: number;
}

async function once(path: Path, caseArgs: readonly string[], reportDir: string): Promise<Timing> {
  const env: Record<string, string> = { GITHUB_ACTIONS: '' };
  if (path.coldCache) {
    const tmp = await mkdtemp(join(scratch, 'tmp-'));
    env['TMPDIR'] = tmp;
  }
  const [file, ...pre] = path.command as [string, ...string[]];
  const withReports = caseArgs[0] === 'run' ? [...caseArgs, '--report-dir', reportDir] : caseArgs;
  await waitForQuiet(QUIET_IDLE_SHARE, Number(args['max-wait']) * 1000);
  const timeFile = join(scratch, 'time.txt');
  const t0 = performance.now();
  const r = await execa('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, file, ...pre, ...withReports], { cwd: installed.app, reject: false, env });
  const wallMs = performance.now() - t0;
  if (r.exitCode !== 0) throw new Error(`${path.name} ${caseArgs.join(' ')} exited ${r.exitCode}: ${r.stderr.slice(0, 2000)}`);
  const [user, sys] = (await readFile(timeFile, 'utf8')).trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number];
  return { wallMs, cpuMs: (user + sys) * 1000 };
}

const rows: { case: string; path: string; wallMs: number[]; cpuMs: number[]; medianMs: number; medianCpuMs: number; ratioToPacked: number | null }[] = [];
const loadBefore = machineInfo().loadAvg;
// Warm each path once (the OS file cache, and tsx's cache for the warm path), then rounds:
// every path once per round, back to back, so a disturbance hits all of them alike.
for (const c of CASES) {
  const times = new Map(paths.map((p) => [p.name, [] as Timing[]]));
  for (const p of paths) if (!p.coldCache) await once(p, c.args, join(scratch, 'reports'));
  for (let i = 0; i < c.repeats; i++) {
    for (const p of paths) times.get(p.name)!.push(await once(p, c.args, join(scratch, 'reports')));
    log(`${c.name}: round ${i + 1}/${c.repeats}\n`);
  }
  const packed = times.get(paths[0]!.name)!;
  for (const p of paths) {
    const t = times.get(p.name)!;
    rows.push({
      case: c.name,
      path: p.name,
      wallMs: t.map((x) => Math.round(x.wallMs)),
      cpuMs: t.map((x) => Math.round(x.cpuMs)),
      medianMs: Math.round(median(t.map((x) => x.wallMs))),
      medianCpuMs: Math.round(median(t.map((x) => x.cpuMs))),
      ratioToPacked: p === paths[0] ? null : median(t.map((x, i) => x.wallMs / packed[i]!.wallMs)),
    });
  }
}

const machine = machineInfo();
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms} ms`);
const loadAfter = machine.loadAvg;
const busy = Math.max(...loadBefore, ...loadAfter) > machine.cpus;
const lines = [
  `### Start-up: packed package vs the tsx path`,
  '',
  `Node ${machine.node}, ${machine.cpus} × ${machine.cpuModel}; load average before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')}. Median of ${REPEATS.help}/${REPEATS.list}/${REPEATS.full} runs (--help/list/full run), each a fresh process: wall time, and in parentheses CPU time (user + system); ratios = median per-round wall-time ratio, tsx path ÷ packed.`,
  ...(busy ? ['', `**Warning:** the load average exceeded the ${machine.cpus} CPUs while measuring: wall times are inflated (CPU times much less); rerun on a quiet machine for numbers to quote.`] : []),
  '',
  `| command | ${paths.map((p) => p.name).join(' | ')} | warm ÷ packed | cold ÷ packed |`,
  `|:--|${paths.map(() => '--:').join('|')}|--:|--:|`,
];
const row = (c: string, p: Path) => rows.find((r) => r.case === c && r.path === p.name)!;
for (const c of CASES) {
  const cells = paths.map((p) => `${fmt(row(c.name, p).medianMs)} (${fmt(row(c.name, p).medianCpuMs)})`);
  lines.push(`| \`${c.name}\` | ${cells.join(' | ')} | ${row(c.name, paths[1]!).ratioToPacked!.toFixed(1)}× | ${row(c.name, paths[2]!).ratioToPacked!.toFixed(1)}× |`);
}
const help = row('--help', paths[0]!).medianMs;
const fullName = CASES.find((c) => c.name.startsWith('full'))!.name;
const warm = row(fullName, paths[1]!).ratioToPacked!, cold = row(fullName, paths[2]!).ratioToPacked!;
lines.push('', `- ${help < 1000 ? 'met' : 'NOT met'}: \`--help\` of the packed package under 1 s — ${fmt(help)}`);
lines.push(`- ${warm >= 2 ? 'met' : 'NOT met'}: a full reference run at least 2× faster than the tsx path — ${warm.toFixed(1)}× (warm cache), ${cold.toFixed(1)}× (cold)`);
console.log(lines.join('\n'));

await mkdir(join(REPO_ROOT, 'reports'), { recursive: true });
await writeFile(join(REPO_ROOT, 'reports', 'bench-startup.json'), `${JSON.stringify({ finishedAt: new Date().toISOString(), machine, loadBefore, tarball: installed.tarball, rows }, null, 2)}\n`);
await rm(scratch, { recursive: true, force: true });
await rm(join(installed.app, '..'), { recursive: true, force: true });
