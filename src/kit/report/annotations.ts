// GitHub Actions workflow commands (::error / ::warning / ::notice) for a finished run, so
// failures show up on the run page and, when the file is in the repository, on the line.
// Failures that decide the CI verdict are errors; baselined failures, SHOULD/MAY failures
// and tolerated stale entries are warnings.

import { outcomeFor } from './verdicts.js';
import { isAbsolute, relative, sep } from 'node:path';
import { readYamlSource } from '../flows/source.js';
import type { JudgedReport } from '../baseline/judge.js';
import type { CheckRecord } from '../runner.js';
import { inline } from './tally.js';

interface Annotation {
  kind: 'error' | 'warning' | 'notice';
  title: string;
  message: string;
  file?: string;
  line?: number;
}

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function formatAnnotation(a: Annotation): string {
  const props = [
    ...(a.file === undefined ? [] : [`file=${escapeProperty(a.file)}`]),
    ...(a.line === undefined ? [] : [`line=${a.line}`]),
    `title=${escapeProperty(a.title)}`,
  ];
  return `::${a.kind} ${props.join(',')}::${escapeData(a.message)}`;
}

/** The path GitHub can attach to the diff, or undefined for files outside the repository (the kit's own files, temp counterexamples). */
function repositoryPath(file: string | undefined, cwd: string): string | undefined {
  if (file === undefined) return undefined;
  const rel = relative(cwd, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('node_modules')) return undefined;
  return rel.split(sep).join('/');
}

/** `expect.final.steps.a` / `operations[3].run` → the line of that key in the flow file. */
async function flowLine(file: string, where: string | undefined): Promise<number | undefined> {
  if (where === undefined) return undefined;
  const read = await readYamlSource(file);
  if (!read.ok) return undefined;
  const pointer = `/${where.replace(/\[(\d+)\]/g, '.$1').split('.').join('/')}`;
  return read.source.lineOf(pointer);
}

function detail(c: CheckRecord): string {
  return [
    c.message,
    ...(c.expected === undefined ? [] : [`expected: ${inline(c.expected)}`]),
    ...(c.seen === undefined ? [] : [`seen: ${inline(c.seen)}`]),
    ...(c.replay ?? []).map((cmd) => `replay: ${cmd}`),
  ].join('\n');
}

async function checkAnnotation(c: CheckRecord, report: JudgedReport, cwd: string): Promise<Annotation> {
  const labels = c.requirements.map((id) => {
    const r = report.requirements.find((x) => x.id === id);
    return r ? `${id} ${r.level}${r.core ? ' core' : ''}` : id;
  });
  const failing = new Set(report.verdict.failures.map((f) => f.requirement));
  const newFailures = new Set((report.baseline?.new_failures ?? []).map((f) => f.requirement));
  const decides = c.outcome === 'error' || c.requirements.some((id) => (report.baseline ? newFailures.has(id) : failing.has(id)));
  const baselined = report.baseline?.baselined.filter((b) => c.requirements.includes(b.requirement)) ?? [];
  const note = decides ? '' : baselined.length > 0 ? ` (baselined: ${baselined.map((b) => b.reason).join('; ')})` : ' (does not change the verdict)';
  const file = repositoryPath(c.file, cwd);
  const where = (c.evidence?.['failures'] as { where?: string }[] | undefined)?.[0]?.where;
  const line = file !== undefined && c.kind === 'flow' ? await flowLine(c.file!, where) : undefined;
  return {
    kind: decides ? 'error' : 'warning',
    title: `${c.outcome.toUpperCase()} ${c.id} [${labels.join(', ')}]${note}`,
    message: detail(c),
    ...(file === undefined ? {} : { file }),
    ...(line === undefined ? {} : { line }),
  };
}

export async function githubAnnotations(report: JudgedReport, cwd: string = process.cwd()): Promise<string[]> {
  const out: Annotation[] = [];
  for (const c of report.checks.filter((x) => x.outcome === 'fail' || x.outcome === 'error')) out.push(await checkAnnotation(c, report, cwd));

  // Level failures no failing check explains: a capability core conformance needs is not claimed.
  const failingChecks = new Set(report.checks.flatMap((c) => c.requirements.filter((id) => outcomeFor(c, id) === 'fail')));
  const baselinedIds = new Set((report.baseline?.baselined ?? []).map((b) => b.requirement));
  for (const f of report.verdict.failures.filter((x) => !failingChecks.has(x.requirement))) {
    out.push({ kind: baselinedIds.has(f.requirement) ? 'warning' : 'error', title: `${report.verdict.level}: ${f.requirement}`, message: f.reason });
  }

  const baseline = report.baseline;
  if (baseline) {
    const file = repositoryPath(baseline.file, cwd);
    for (const s of baseline.stale) {
      out.push({
        kind: baseline.allow_stale ? 'warning' : 'error',
        title: `stale baseline entry ${s.id}`,
        message: `${s.id} passes now: remove the entry (or run with --update-baseline)`,
        ...(file === undefined ? {} : { file }),
        ...(s.line === undefined ? {} : { line: s.line }),
      });
    }
  }
  const levels = report.levels.map((l) => `${l.level}: ${l.verdict}`).join(', ');
  const ci = baseline ? ` · baseline: ${baseline.ci_verdict} (${baseline.baselined.length} baselined, ${baseline.new_failures.length} new, ${baseline.stale.length} stale)` : '';
  out.push({ kind: 'notice', title: `MPLP ${report.spec.version} ${report.spec.layer} conformance of ${report.adapter.name} ${report.adapter.version}`, message: `${levels}${ci}` });
  return out.map(formatAnnotation);
}
