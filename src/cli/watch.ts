// `run --watch`: for vendors iterating on an adapter. Runs the selection once, then re-runs
// whenever a source file next to the adapter changes (debounced). The adapter is a black box,
// so any check may be affected: the checks that did not pass last time run first (quick
// feedback), and once they all pass the whole selection runs again to catch regressions.
// Each run is a child `mplp-conformance run` process, so every edit is imported fresh (ESM
// caches modules) and a hung adapter never wedges the watcher. One status line per run;
// Ctrl-C stops the child and exits 0.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync, watch, type FSWatcher } from 'node:fs';
import { randomInt } from 'node:crypto';
import { dirname, extname, relative, resolve, sep } from 'node:path';
import { KIT_BIN } from '../package-files.js';
import { stringOption, type Parsed } from './args.js';
import { EXIT, usageError } from './exit-codes.js';
import type { Output } from './output.js';

const BIN = KIT_BIN;
const DEBOUNCE_MS = 250;
const SOURCE = new Set(['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.yaml', '.yml']);
const IGNORED_DIRS = ['node_modules', '.git'];
/** Flags the watcher sets itself for each child run. */
const OWN_FLAGS = new Set(['watch', 'format', 'only', 'seed', 'help']);

interface ChildReport {
  verdict: { level: string; verdict: string };
  checks: { id: string; outcome: string }[];
  run_id: string;
}

type ChildResult = { report: ChildReport; exitCode: number } | { problem: string; exitCode: number } | { cancelled: true };

/** The run command's flags as given, minus the ones the watcher controls. */
export function childArgs(values: Parsed['values']): string[] {
  const args: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (OWN_FLAGS.has(name) || value === undefined || value === false) continue;
    if (value === true) args.push(`--${name}`);
    else for (const v of Array.isArray(value) ? value : [value]) args.push(`--${name}`, v);
  }
  return args;
}

/** Source files under the adapter's folder, outside node_modules, .git and the report folder. */
function relevant(root: string, reportDir: string, file: string | null): boolean {
  if (file === null) return true;
  const full = resolve(root, file);
  if (full === reportDir || full.startsWith(reportDir + sep)) return false;
  if (relative(root, full).split(sep).some((part) => IGNORED_DIRS.includes(part))) return false;
  return SOURCE.has(extname(full));
}

class Watcher {
  private child: ChildProcess | undefined;
  private timer: NodeJS.Timeout | undefined;
  private fsWatcher: FSWatcher | undefined;
  private cycle = 0;
  /** Last known outcome of every check in the selection. */
  private outcomes = new Map<string, string>();
  private stopped = false;

  constructor(
    private readonly output: Output,
    private readonly root: string,
    private readonly reportDir: string,
    private readonly baseArgs: string[],
    private readonly only: string[],
  ) {}

  start(onStop: (code: number) => void): void {
    this.fsWatcher = watch(this.root, { recursive: true }, (_event, file) => {
      if (relevant(this.root, this.reportDir, file === null ? null : String(file))) this.changed();
    });
    this.fsWatcher.on('error', (e) => this.say(`watch: cannot watch ${this.root}: ${e.message}`));
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      this.stop();
      onStop(EXIT.conformant);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    void this.runCycle();
  }

  private say(line: string): void {
    if (this.output.interactive) this.output.status(line);
    else this.output.err(line);
  }

  private changed(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.runCycle(), DEBOUNCE_MS);
  }

  private stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.fsWatcher?.close();
    this.child?.kill('SIGTERM');
    if (this.output.interactive) this.output.status('');
    this.output.err('watch: stopped');
  }

  /** One reaction to a change: the checks that did not pass, then (if they all pass now) everything. */
  private async runCycle(): Promise<void> {
    const cycle = ++this.cycle;
    this.child?.kill('SIGTERM');
    const notPassing = [...this.outcomes].filter(([, o]) => o !== 'pass').map(([id]) => id);
    if (notPassing.length > 0) {
      this.say(`watch: re-running ${notPassing.length} check(s) that did not pass…`);
      const focused = await this.runChild(notPassing);
      if (cycle !== this.cycle || this.stopped || 'cancelled' in focused) return;
      if (!('report' in focused) || focused.report.checks.some((c) => c.outcome !== 'pass')) return this.report(focused, 'the checks that did not pass');
      this.say(`watch: all ${notPassing.length} now pass; running the whole selection…`);
    } else {
      this.say('watch: running…');
    }
    const full = await this.runChild(this.only);
    if (cycle !== this.cycle || this.stopped || 'cancelled' in full) return;
    this.report(full, 'the whole selection');
  }

  private report(result: ChildResult, scope: string): void {
    if ('cancelled' in result) return;
    const time = new Date().toTimeString().slice(0, 8);
    const tail = `watching ${this.root} (Ctrl-C to stop)`;
    if ('problem' in result) {
      this.say(`[${time}] exit ${result.exitCode}: ${result.problem} · ${tail}`);
      return;
    }
    const { report } = result;
    const fixed: string[] = [];
    const broke: string[] = [];
    for (const c of report.checks) {
      const before = this.outcomes.get(c.id);
      if (before !== undefined && before !== 'pass' && c.outcome === 'pass') fixed.push(c.id);
      if (before === 'pass' && c.outcome !== 'pass') broke.push(c.id);
      this.outcomes.set(c.id, c.outcome);
    }
    const counts = new Map<string, number>();
    for (const c of report.checks) counts.set(c.outcome, (counts.get(c.outcome) ?? 0) + 1);
    const tally = [...counts].map(([o, n]) => `${n} ${o}`).join(', ');
    const changes = [fixed.length > 0 ? `fixed ${fixed.length}` : '', broke.length > 0 ? `newly failing: ${broke.slice(0, 3).join(', ')}${broke.length > 3 ? ` +${broke.length - 3}` : ''}` : ''].filter(Boolean).join(' · ');
    const html = resolve(this.reportDir, report.run_id, 'index.html');
    this.say(`[${time}] ${scope}: ${tally} · ${report.verdict.level} ${report.verdict.verdict}${changes ? ` · ${changes}` : ''} · exit ${result.exitCode} · ${html} · ${tail}`);
  }

  private runChild(only: string[]): Promise<ChildResult> {
    const args = [BIN, 'run', ...this.baseArgs, '--format', 'json', ...(only.length > 0 ? ['--only', only.join(',')] : [])];
    return new Promise((done) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      this.child = child;
      const [out, err]: string[][] = [[], []];
      child.stdout.on('data', (d: Buffer) => out.push(d.toString()));
      child.stderr.on('data', (d: Buffer) => err.push(d.toString()));
      child.on('close', (code, signal) => {
        if (this.child === child) this.child = undefined;
        // Killed, or stopped by our SIGTERM (it then writes an incomplete report and exits 143).
        if (signal !== null || code === EXIT.interrupted || code === EXIT.terminated) return done({ cancelled: true });
        const exitCode = code ?? EXIT.operational;
        try {
          return done({ report: JSON.parse(out.join('')) as ChildReport, exitCode });
        } catch {
          const message = err.join('').trim().split('\n').find((l) => l.startsWith('mplp-conformance:')) ?? err.join('').trim().split('\n')[0] ?? 'the run printed no report';
          return done({ problem: message.replace(/^mplp-conformance: /, ''), exitCode });
        }
      });
    });
  }
}

export function watchRuns(parsed: Parsed, output: Output): Promise<number> {
  const { values } = parsed;
  const adapter = stringOption(values['adapter']);
  if (adapter === undefined || !existsSync(adapter) || !statSync(adapter).isFile()) {
    throw usageError('--watch needs --adapter <file>: it re-runs when that file, or a source file next to it, changes');
  }
  if (values['runs'] !== undefined) throw usageError('--watch cannot be combined with --runs');
  // One seed for every run, so outcomes differ only because the adapter did.
  const seed = stringOption(values['seed']) ?? String(randomInt(0, 2 ** 31));
  const only = (Array.isArray(values['only']) ? values['only'] : typeof values['only'] === 'string' ? [values['only']] : []).flatMap((s) => s.split(','));
  const root = dirname(resolve(adapter));
  const reportDir = resolve(stringOption(values['report-dir']) ?? 'reports');
  output.err(`watch: seed ${seed}; re-runs when a source file under ${root} changes`);
  const watcher = new Watcher(output, root, reportDir, [...childArgs(values), '--seed', seed], only);
  return new Promise((done) => watcher.start(done));
}
